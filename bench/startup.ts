// Start-up of the kmc command, side by side: this checkout's bin/kmc.mjs and another's (by
// default /work/main's, the "before"), and installed packages' when --installed and
// --installed-before name projects with kmcheck installed (npm install <tarball of npm pack>). Each round runs every
// command once per side, the sides alternating (A B A B ...), so a loaded machine slows
// both alike; min and median of the rounds are printed.
//
// What each figure counts (wall clock of one process, from spawn to exit):
//   node -e 0            node itself
//   --version            node + bin/kmc.mjs + what main imports before any command
//   check <model>        the whole small check: start-up, loading the model, exploring, output
// and, for --version and the check, the same minus `node -e 0` of that round ("kmc's part").
//
// usage: npx tsx bench/startup.ts [--rounds n] [--before dir]
//        [--installed dir] [--model file] (default model: examples/fd-install.ts, 6 states)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    before: { type: 'string', default: '/work/main' },
    installed: { type: 'string' },
    'installed-before': { type: 'string' },
    model: { type: 'string', default: 'examples/fd-install.ts' },
  },
});
const rounds = Number(values.rounds);
const here = resolve(import.meta.dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'kmc-startup-'));

interface Side {
  name: string;
  bin: string;
  cwd: string;
}
const sides: Side[] = [
  { name: 'before', bin: join(values.before, 'bin/kmc.mjs'), cwd: here },
  { name: 'after', bin: join(here, 'bin/kmc.mjs'), cwd: here },
];
for (const [name, dir] of [
  ['installed-before', values['installed-before']],
  ['installed', values.installed],
] as const)
  if (dir !== undefined) sides.push({ name, bin: join(dir, 'node_modules/kmcheck/bin/kmc.mjs'), cwd: dir });
for (const s of sides) if (!existsSync(s.bin)) throw new Error(`no ${s.bin}`);

/** Milliseconds from spawn to exit; a non-zero exit (other than the check's verdicts) is a failure. */
function time(args: string[], cwd: string, ok: readonly number[] = [0]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t;
  if (!ok.includes(r.status ?? -1)) throw new Error(`${args.join(' ')} (in ${cwd}): exit ${r.status}\n${r.stderr}`);
  return ms;
}

const model = (s: Side) => (s.name.startsWith('installed') ? join(here, values.model) : values.model);
const samples = new Map<string, number[]>();
const add = (key: string, ms: number) => samples.set(key, [...(samples.get(key) ?? []), ms]);

console.log(
  `kmc start-up: ${rounds} rounds, sides alternating (${sides.map((s) => s.name).join(', ')}); model ${values.model}`,
);
for (let i = 0; i < rounds; i++) {
  for (const s of sides) {
    const node = time(['-e', '0'], s.cwd);
    add('node -e 0', node);
    const version = time([s.bin, '--version'], s.cwd);
    add(`${s.name}: --version`, version);
    add(`${s.name}: --version - node`, version - node);
    const check = time([s.bin, 'check', model(s), '--progress', '0', '--seed', '1', '--out', join(out, s.name)], s.cwd);
    add(`${s.name}: check`, check);
    add(`${s.name}: check - node`, check - node);
  }
}
rmSync(out, { recursive: true, force: true });

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const w = Math.max(...[...samples.keys()].map((k) => k.length));
console.log(`${'what'.padEnd(w)}  ${'min ms'.padStart(8)}  ${'median ms'.padStart(9)}`);
for (const [k, xs] of samples)
  console.log(
    `${k.padEnd(w)}  ${Math.min(...xs)
      .toFixed(0)
      .padStart(8)}  ${median(xs).toFixed(0).padStart(9)}`,
  );
for (const [a, b] of [
  ['after', 'before'],
  ['installed', 'installed-before'],
])
  for (const what of ['--version', 'check']) {
    const before = samples.get(`${b}: ${what}`);
    const after = samples.get(`${a}: ${what}`);
    if (before === undefined || after === undefined) continue;
    const ratios = after.map((x, i) => x / before[i]!);
    console.log(
      `${a}/${b} ${what}: min ${Math.min(...ratios).toFixed(2)}, median ${median(ratios).toFixed(2)} (per round)`,
    );
  }
