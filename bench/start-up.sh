#!/usr/bin/env bash
# usage: bench/start-up.sh <base checkout> [rounds]: the start-up of a small check here and
# in <base> (a checkout before this branch), side by side, A B A B ..., `rounds` times
# (default 10): the CPU time (user + system) and wall time of the whole process, here/base
# min and median. A small check is start-up: loading node, tsx and kmc's modules.
set -u
base="$1"; rounds="${2:-10}"; here="$(cd "$(dirname "$0")/.." && pwd)"
args=(check dma-heap/alloc-and-read --variant posted --strategy bfs --seed 1 --out /tmp/start-up-out)
one() { (cd "$1" && /usr/bin/time -f "%U %S %e" node bin/kmc.mjs "${args[@]}" 2>&1 >/dev/null | tail -1); }
rows=""
for i in $(seq "$rounds"); do rows="$rows$(one "$base")|$(one "$here");"; done
python3 - "$rows" <<'PY'
import statistics,sys
pairs=[p.split('|') for p in sys.argv[1].strip(';').split(';')]
cpu=lambda s: float(s.split()[0])+float(s.split()[1]); wall=lambda s: float(s.split()[2])
for name,f in (('cpu',cpu),('wall',wall)):
    a=[f(x) for x,_ in pairs]; b=[f(y) for _,y in pairs]; r=sorted(y/x for x,y in zip(a,b))
    print(f'{name}: base {a} s, here {b} s; here/base min {r[0]:.3f} median {statistics.median(r):.3f}')
PY
