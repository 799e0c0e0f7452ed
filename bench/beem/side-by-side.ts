// One BEEM port at one size, kmc and SPIN's pan side by side, each kmc run a fresh process:
// per round, kmc without reductions (`kmc check ... --strategy bfs --no-por --no-symmetry
// --json`, its own search clock, stats.milliseconds), pan -DNOREDUCE (built as the bench
// builds it: spin -o1, gcc -O2, the size's -w and -m; pan's own elapsed time, its compile
// excluded), kmc with ample sets (`--por ample`), pan with its partial-order reduction.
// Prints every run, then per configuration the states, min and median of each tool's time
// and of the per-round kmc/pan ratio. The bench (bench/beem/bench.ts) runs both tools the
// same way over every port; this is one port, with the ratio of each round.
//
//   node --import tsx bench/beem/side-by-side.ts --models anderson,leader-filters [--size large] [--rounds 3]

import { minMedian } from '../format.ts';
import { compileSpin, type Pan } from '../peers/spin/run.ts';
import { freshCheck } from '../process-memory.ts';
import { type BeemPort, PORTS, panOptions, portParams } from './ports.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};

interface Run {
  states: number;
  ms: number;
}

/** A fresh `kmc check` of the port's variant at the size: its states and search time. */
function kmc(port: BeemPort, params: Record<string, unknown>, reductions: 'none' | 'ample'): Run {
  const { run } = freshCheck({
    file: port.file,
    variant: port.variant,
    params: params as Record<string, number | boolean | string>,
    reductions,
    timeoutMs: 600_000,
  });
  if (!run.complete) throw new Error(`kmc check ${port.name}: ${run.verdict}`);
  return { states: run.states, ms: run.ms };
}

function pan(p: Pan): Run {
  const r = p.run();
  if (!r.complete || r.errors !== 0) throw new Error(`pan: incomplete or errors: ${r.output.slice(-400)}`);
  return { states: r.states, ms: r.ms };
}

const names = flag('--models', PORTS.map((p) => p.name).join(',')).split(',');
const sizeName = flag('--size', 'large');
const rounds = Number(flag('--rounds', '3'));
console.log(
  `side by side, ${rounds} rounds, fresh kmc processes; node ${process.version}; ${new Date().toISOString()}`,
);
for (const name of names) {
  const port = PORTS.find((p) => p.name === name);
  if (!port) throw new Error(`no BEEM port ${name} (ports: ${PORTS.map((p) => p.name).join(', ')})`);
  const size = port.sizes.find((s) => s.name === sizeName)!;
  const params = portParams(port, port.variant, size);
  const spinOpts = (noReduce: boolean) => panOptions(port, size, params, noReduce);
  // a size the bench runs without reductions only (ports.ts) is measured so here too
  const reductions = size.reductions !== false;
  const pans = {
    raw: compileSpin(port.promela, spinOpts(true)),
    reduced: reductions ? compileSpin(port.promela, spinOpts(false)) : undefined,
  };
  const runs = { kmcNone: [] as Run[], panRaw: [] as Run[], kmcAmple: [] as Run[], panReduced: [] as Run[] };
  try {
    for (let i = 1; i <= rounds; i++) {
      runs.kmcNone.push(kmc(port, size.params, 'none'));
      runs.panRaw.push(pan(pans.raw));
      if (pans.reduced) {
        runs.kmcAmple.push(kmc(port, size.params, 'ample'));
        runs.panReduced.push(pan(pans.reduced));
      }
      const last = (rs: Run[]) => (rs.length ? `${rs.at(-1)!.states} states ${rs.at(-1)!.ms.toFixed(0)} ms` : '—');
      console.log(
        `${port.name} ${JSON.stringify(size.params)} round ${i}: kmc none ${last(runs.kmcNone)}; pan -DNOREDUCE ${last(runs.panRaw)}; kmc ample ${last(runs.kmcAmple)}; pan reduced ${last(runs.panReduced)}`,
      );
    }
  } finally {
    pans.raw.remove();
    pans.reduced?.remove();
  }
  const ratios = (a: Run[], b: Run[]) => a.map((r, i) => r.ms / b[i]!.ms);
  const states = (rs: Run[]) => [...new Set(rs.map((r) => r.states))].join('/');
  console.log(`${port.name} ${JSON.stringify(size.params)}:`);
  console.log(`  reductions off: kmc ${states(runs.kmcNone)} states, pan ${states(runs.panRaw)}`);
  console.log(`    kmc ms ${minMedian(runs.kmcNone.map((r) => r.ms))}`);
  console.log(`    pan ms ${minMedian(runs.panRaw.map((r) => r.ms))}`);
  console.log(`    kmc/pan time ${minMedian(ratios(runs.kmcNone, runs.panRaw), 2)}`);
  if (!reductions) continue;
  console.log(`  each tool's reduction: kmc ample ${states(runs.kmcAmple)} states, pan ${states(runs.panReduced)}`);
  console.log(`    kmc ms ${minMedian(runs.kmcAmple.map((r) => r.ms))}`);
  console.log(`    pan ms ${minMedian(runs.panReduced.map((r) => r.ms))}`);
  console.log(`    kmc/pan time ${minMedian(ratios(runs.kmcAmple, runs.panReduced), 2)}`);
  console.log(`    kmc ample/none time ${minMedian(ratios(runs.kmcAmple, runs.kmcNone), 2)}`);
}
