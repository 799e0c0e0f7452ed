// `--workers 2` against one worker on a bench size (bench/models.ts), reductions off and
// bfs as in bench/run.ts's workers row: each round runs `kmc check` once with 1 worker and
// once with 2, alternating (which goes first alternates too), in fresh processes. Prints
// per run the check's own clock (stats.milliseconds: exploring, and for 2 workers their
// start-up), the process's wall clock and its CPU time (user + sys, from /usr/bin/time),
// then min and median of the speed-up (1-worker ms / 2-worker ms, per round). The state
// and transition counts of every run are compared: they must be equal. --before <checkout>
// adds that checkout's bin with 2 workers to every round (e.g. /work/main: before/after).
//
// usage: npx tsx bench/workers.ts [--size large] [--rounds 5] [--bin bin/kmc.mjs] [--before dir]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SIZES } from './models.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'large' },
    rounds: { type: 'string', default: '5' },
    bin: { type: 'string', default: resolve(import.meta.dirname, '../bin/kmc.mjs') },
    before: { type: 'string' },
  },
});
const size = SIZES.find((s) => s.name === values.size);
if (size === undefined) throw new Error(`no bench size ${values.size} (${SIZES.map((s) => s.name).join(', ')})`);
const rounds = Number(values.rounds);
const out = mkdtempSync(join(tmpdir(), 'kmc-workers-'));
const params = Object.entries(size.params).flatMap(([k, v]) => ['--param', `${k}=${v}`]);

interface Run {
  /** 'before' (--before's bin) or 'after' */
  side: string;
  workers: number;
  ms: number;
  wallMs: number;
  cpuMs: number;
  states: number;
  steps: number;
}

function check(workers: number, side = 'after'): Run {
  const bin = side === 'before' ? join(values.before!, 'bin/kmc.mjs') : values.bin;
  const args = [
    ...['-f', '%U %S %e', process.execPath, bin, 'check', 'dma-heap/alloc-and-read', '--variant', 'posted'],
    ...params,
    ...['--no-por', '--no-symmetry', '--strategy', 'bfs', '--workers', String(workers)],
    ...['--json', '--progress', '0', '--seed', '1', '--out', out],
  ];
  const r = spawnSync('/usr/bin/time', args, { cwd: resolve(import.meta.dirname, '..'), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kmc check --workers ${workers}: exit ${r.status}\n${r.stderr}`);
  const [user, sys, wall] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  const row = (
    JSON.parse(r.stdout) as {
      results: { verdict: string; stats: { milliseconds: number; states: number; steps: number } }[];
    }
  ).results[0]!;
  if (row.verdict !== 'holds') throw new Error(`posted: ${row.verdict}`);
  return { side, workers, ms: row.stats.milliseconds, wallMs: wall * 1000, cpuMs: (user + sys) * 1000, ...row.stats };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

console.log(
  `kmc --workers 2 vs 1: size ${size.name} (${size.note}), ${rounds} rounds, ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const pairs: [Run, Run][] = [];
const befores: Run[] = [];
for (let i = 0; i < rounds; i++) {
  const order: [number, string][] = [
    [1, 'after'],
    [2, 'after'],
    ...(values.before !== undefined ? ([[2, 'before']] as [number, string][]) : []),
  ];
  if (i % 2 === 1) order.reverse();
  const runs = order.map(([w, side]) => check(w, side));
  for (const r of runs)
    console.log(
      `round ${i + 1}  ${r.side}  workers ${r.workers}  check ${r.ms} ms  wall ${r.wallMs.toFixed(0)} ms  cpu ${r.cpuMs.toFixed(0)} ms  ${r.states} states  ${r.steps} transitions  load ${loadavg()[0]!.toFixed(1)}`,
    );
  const one = runs.find((r) => r.workers === 1)!;
  const two = runs.find((r) => r.workers === 2 && r.side === 'after')!;
  for (const r of runs)
    if (r.states !== one.states || r.steps !== one.steps)
      throw new Error(
        `counts differ: ${one.states}/${one.steps} (1 worker), ${r.states}/${r.steps} (${r.side}, ${r.workers})`,
      );
  pairs.push([one, two]);
  befores.push(...runs.filter((r) => r.side === 'before'));
}
rmSync(out, { recursive: true, force: true });
const report = (what: string, f: (r: Run) => number) => {
  const xs = pairs.map(([a, b]) => f(a) / f(b));
  console.log(
    `speed-up (${what}, 1 worker / 2 workers): min ${Math.min(...xs).toFixed(2)}, median ${median(xs).toFixed(2)}`,
  );
};
report('check ms', (r) => r.ms);
report('wall ms', (r) => r.wallMs);
const cpu = pairs.map(([a, b]) => b.cpuMs / a.cpuMs);
console.log(`cpu time, 2 workers / 1: min ${Math.min(...cpu).toFixed(2)}, median ${median(cpu).toFixed(2)}`);
if (befores.length > 0) {
  const xs = befores.map((b, i) => b.ms / pairs[i]![1].ms);
  console.log(
    `2 workers, before / after (check ms): min ${Math.min(...xs).toFixed(2)}, median ${median(xs).toFixed(2)}`,
  );
  const bs = befores.map((b, i) => pairs[i]![0].ms / b.ms);
  console.log(
    `speed-up before (check ms, 1 worker / 2 workers): min ${Math.min(...bs).toFixed(2)}, median ${median(bs).toFixed(2)}`,
  );
}
