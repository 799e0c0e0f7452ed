#!/bin/sh
# Wall time of the quick bench run (`npm run bench -- --models peterson --sizes small --seeds 1`),
# two checkouts side by side, alternating A B A B ...: bench/quick-bench.sh <checkout A> <checkout B> [rounds]
# Prints each run's seconds, then min and median per checkout. Results go to a temporary directory.
set -eu
a=$1; b=$2; rounds=${3:-5}
out=$(mktemp -d)
for i in $(seq "$rounds"); do
  for x in "$a" "$b"; do
    t0=$(date +%s.%N)
    (cd "$x" && node bin/kmc.mjs bench --models peterson --sizes small --seeds 1 --out "$out" >/dev/null 2>&1)
    t1=$(date +%s.%N)
    echo "$x $(echo "$t1 - $t0" | bc)"
  done
done | tee "$out/times"
for x in "$a" "$b"; do
  grep "^$x " "$out/times" | awk '{print $2}' | sort -n | awk -v x="$x" '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; printf "%s: min %.2f s, median %.2f s (%d runs)\n", x, v[1], m, NR}'
done
rm -rf "$out"
