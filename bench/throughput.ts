// Raw throughput of the exhaustive explorer, side by side in one run: states/s of breadth-first
// search without reductions (--no-por --no-symmetry) on the bench model (bench/models.ts), for
// this tree's engine, another tree's (a checkout of main, the baseline) and SPIN's pan
// (-DNOREDUCE, its compile excluded), alternating A, B, SPIN, A, B, SPIN, ... Each kmc run is a
// fresh node process (no JIT or cache shared between them). Prints every run, then min and
// median of each side and of the ratios. Wall-clock states/s is what compares with SPIN
// (pan reports elapsed time); states per CPU second is shown beside it for a loaded machine.
//
//   node --import tsx bench/throughput.ts [--size large] [--repeats 5] [--base /work/main] [--no-spin]

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Run {
  states: number;
  steps: number;
  ms: number;
  /** CPU time of the exploration (user + system): less disturbed than wall time by a loaded machine */
  cpuMs: number;
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};

/** One exploration by the engine of the tree at `root`, printed as JSON (the child process). */
async function child(root: string, sizeName: string): Promise<void> {
  const url = (p: string) => pathToFileURL(resolve(root, p)).href;
  const { exploreBfs } = await import(url('src/explore/bfs.ts'));
  const { SIZES, benchSystem } = await import(url('bench/models.ts'));
  const size = SIZES.find((s: { name: string }) => s.name === sizeName);
  if (size === undefined) throw new Error(`no bench size ${sizeName}`);
  const system = benchSystem('posted', size);
  const cpu = process.cpuUsage();
  const r = exploreBfs(system, { por: false, symmetry: false });
  const used = process.cpuUsage(cpu);
  if (r.kind !== 'ok') throw new Error(`${root}: ${r.kind}`);
  const run: Run = {
    states: r.coverage.states,
    steps: r.coverage.steps,
    ms: r.coverage.ms,
    cpuMs: (used.user + used.system) / 1000,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

function kmc(root: string, size: string): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', root, size], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`kmc run in ${root} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Run;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (x: number) => Math.round(x).toLocaleString('en');

async function main(): Promise<void> {
  if (args[0] === '--child') return child(args[1]!, args[2]!);
  const size = flag('--size', 'large');
  const repeats = Number(flag('--repeats', '5'));
  const base = resolve(flag('--base', '/work/main'));
  const here = resolve(new URL('..', import.meta.url).pathname);
  const withSpin = !args.includes('--no-spin');
  let pml: string | undefined;
  const spin = withSpin ? await import('./peers/spin/run.ts') : undefined;
  if (spin) {
    const why = spin.spinMissing();
    if (why) throw new Error(why);
    const { promela } = await import('./peers/spin/promela.ts');
    const { benchParams, SIZES } = await import('./models.ts');
    pml = promela(benchParams('posted', SIZES.find((s) => s.name === size)!));
  }
  const rate = (r: Run) => r.states / (r.ms / 1000);
  const perCpu = (r: Run) => r.states / (r.cpuMs / 1000);
  const sides: Record<string, number[]> = {
    'base states/s': [],
    'here states/s': [],
    'spin states/s': [],
    'base states per CPU s': [],
    'here states per CPU s': [],
  };
  const ratios: Record<string, number[]> = { 'here/base': [], 'here/spin': [], 'base/spin': [] };
  console.log(`throughput: bench model posted, size ${size}, bfs --no-por --no-symmetry, ${repeats} rounds`);
  console.log(`  base ${base}, here ${here}`);
  for (let i = 0; i < repeats; i++) {
    const a = kmc(base, size);
    const b = kmc(here, size);
    if (a.states !== b.states || a.steps !== b.steps)
      throw new Error(`state counts differ: base ${a.states}/${a.steps}, here ${b.states}/${b.steps}`);
    sides['base states/s']!.push(rate(a));
    sides['here states/s']!.push(rate(b));
    sides['base states per CPU s']!.push(perCpu(a));
    sides['here states per CPU s']!.push(perCpu(b));
    ratios['here/base']!.push(rate(b) / rate(a));
    let line = `  round ${i + 1}: ${fmt(a.states)} states; base ${fmt(rate(a))}/s (${fmt(perCpu(a))}/CPU s), here ${fmt(rate(b))}/s (${fmt(perCpu(b))}/CPU s)`;
    if (spin && pml) {
      const s = spin.runSpin(pml, { noReduce: true });
      if (s.states !== b.states) line += ` (SPIN ${s.states} states: COUNTS DIFFER)`;
      const sr = s.states / (s.ms / 1000);
      sides['spin states/s']!.push(sr);
      ratios['here/spin']!.push(rate(b) / sr);
      ratios['base/spin']!.push(rate(a) / sr);
      line += `, SPIN ${fmt(sr)}/s`;
    }
    console.log(line);
  }
  for (const [k, xs] of Object.entries(sides))
    if (xs.length) console.log(`  ${k}: min ${fmt(Math.min(...xs))}, median ${fmt(median(xs))}`);
  for (const [k, xs] of Object.entries(ratios))
    if (xs.length)
      console.log(
        `  ${k}: min ${Math.min(...xs).toFixed(2)}, median ${median(xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)}`,
      );
}

await main();
