#!/bin/sh
# The kmc commands of .github/workflows/kmc.yml, kept here so that test/cli/shards.test.ts
# runs exactly what CI runs.
#   sh .github/kmc-ci.sh shard I N [check args...]  kmc check --shard I/N --json > shard-I.json
#   sh .github/kmc-ci.sh merge [merge args...]       kmc merge shard-*.json --junit kmc.xml
# KMC is the command (default: npx kmc). The exit code is kmc's.
set -u
KMC=${KMC:-npx kmc}
case "${1:-}" in
  shard)
    i=$2 n=$3
    shift 3
    $KMC check --shard "$i/$n" --json "$@" > "shard-$i.json"
    ;;
  merge)
    shift
    $KMC merge shard-*.json --junit kmc.xml "$@"
    ;;
  *)
    echo "usage: sh .github/kmc-ci.sh shard I N [args] | merge [args]" >&2
    exit 2
    ;;
esac
