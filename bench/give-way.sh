#!/usr/bin/env bash
# usage: bench/give-way.sh <base checkout> [rounds]: the cost of giving way to the event loop
# (drive.ts) and of sampling the process's memory (memory.ts), measured side by side: the
# same bfs checks in <base> (a checkout before them, e.g. `git archive 76f1fe1`) and here,
# A then B then A then B ..., `rounds` times (default 5). Prints, per workload, the search
# time kmc reports (stats.milliseconds: exploring only) as here/base, min and median; and
# the wall time of a small check (start-up dominates) the same way.
set -u
base="$1"; rounds="${2:-5}"; here="$(cd "$(dirname "$0")/.." && pwd)"
big=(check udmabuf/create --variant pinned-folios --param memfdWriters=1 --param truncaters=1
     --param fillers=1 --param closers=2 --strategy bfs --max-states 150000 --seed 1 --json --out /tmp/give-way-out)
small=(check dma-heap/alloc-and-read --variant posted --strategy bfs --seed 1 --json --out /tmp/give-way-out)
search_ms() { (cd "$1" && node bin/kmc.mjs "${@:2}" 2>/dev/null) | python3 -c "import json,sys; print(json.load(sys.stdin)['results'][0]['stats']['milliseconds'])"; }
wall_ms() { (cd "$1" && python3 -c "
import subprocess,sys,time; t=time.perf_counter(); subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL); print(round((time.perf_counter()-t)*1000))" node bin/kmc.mjs "${@:2}"); }
summary() { python3 -c "
import statistics,sys; a=[float(x) for x in sys.argv[2].split()]; b=[float(x) for x in sys.argv[3].split()]
r=sorted(y/x for x,y in zip(a,b))
print(f'{sys.argv[1]}: base {a} ms, here {b} ms; here/base min {r[0]:.3f} median {statistics.median(r):.3f}')" "$@"; }
for name in por no-por small; do
  A=""; B=""
  for i in $(seq "$rounds"); do
    case $name in
      por) a=$(search_ms "$base" "${big[@]}"); b=$(search_ms "$here" "${big[@]}");;
      no-por) a=$(search_ms "$base" "${big[@]}" --no-por); b=$(search_ms "$here" "${big[@]}" --no-por);;
      small) a=$(wall_ms "$base" "${small[@]}"); b=$(wall_ms "$here" "${small[@]}");;
    esac
    A="$A $a"; B="$B $b"
  done
  summary "$name" "$A" "$B"
done
