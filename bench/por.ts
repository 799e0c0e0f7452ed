// The partial-order reductions side by side: states, transitions and time of a BFS check
// with --por none, sleep and ample (symmetry on, as `kmc check` runs), on the bench model's
// sizes (bench/models.ts), every model and variant of the repo, and the BEEM ports when
// bench/beem/ports.ts is there (each with all its properties, and with deadlock alone,
// which is what SPIN checks of them). One process; the configurations alternate, in an
// order rotated on each repeat (none sleep ample, sleep ample none, ...: no configuration
// always runs after the same one and pays its garbage), each case --repeat times (default
// 5); with --expose-gc a collection before each run. Min and median of each.
// Nothing is random. The summary gives, over the cases, the median of each reduction's time
// and state count relative to none: the figures the default is decided on (README,
// "Reductions").
//
//   node --expose-gc --import tsx bench/por.ts [--repeat 5] [--large] [--only <text>] [--json <file>]

import { existsSync, writeFileSync } from 'node:fs';
import { compile, type Model, type TransitionSystem } from '../src/index.ts';
import { exploreBfs } from '../src/explore/bfs.ts';
import type { PartialOrder } from '../src/explore/exhaustive.ts';
import type { ExploreResult } from '../src/explore/result.ts';
import { models } from '../model/index.ts';
import { benchSystem, SIZES } from './models.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
};
const REPEAT = Number(opt('repeat') ?? 5);
const ONLY = opt('only');
const LARGE = args.includes('--large');
const CONFIGS: PartialOrder[] = ['none', 'sleep', 'ample'];
const MAX_STATES = 3_000_000;

interface Case {
  name: string;
  system: () => TransitionSystem;
  target?: string;
}

const cases: Case[] = [];
for (const size of SIZES) {
  if (size.name === 'large' && !LARGE) continue;
  cases.push({ name: `bench alloc-and-read posted ${size.name}`, system: () => benchSystem('posted', size) });
}
for (const m of models)
  for (const v of Object.keys(m.variants)) cases.push({ name: `${m.name} ${v}`, system: () => compile(m as Model, v) });

const beem = new URL('./beem/ports.ts', import.meta.url);
if (existsSync(beem)) {
  const { PORTS } = (await import(beem.href)) as {
    PORTS: {
      name: string;
      model: Model;
      variant: string;
      sizes: { name: string; params: Record<string, unknown> }[];
    }[];
  };
  for (const port of PORTS)
    for (const size of port.sizes) {
      if (size.name !== 'small' && !LARGE) continue;
      const system = () => compile(port.model as never, port.variant, size.params as never);
      cases.push({ name: `beem ${port.name} ${size.name}`, system });
      cases.push({ name: `beem ${port.name} ${size.name} (deadlock only)`, system, target: 'deadlock' });
    }
}

interface Measured {
  kind: string;
  states: number;
  steps: number;
  ms: number[];
  note?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const min = (xs: number[]) => Math.min(...xs);
const r2 = (x: number) => Math.round(x * 100) / 100;

console.log(
  `bench/por.ts: ${REPEAT} repeats, configurations alternating ${CONFIGS.join(', ')} (rotated each repeat)${(globalThis as { gc?: unknown }).gc ? ', gc before each run' : ''}; BFS, symmetry on; no randomness (no seed)`,
);
const rows: { name: string; m: Record<PartialOrder, Measured> }[] = [];
for (const c of cases) {
  if (ONLY !== undefined && !c.name.includes(ONLY)) continue;
  const m = {} as Record<PartialOrder, Measured>;
  for (let k = 0; k < REPEAT; k++) {
    for (let j = 0; j < CONFIGS.length; j++) {
      const por = CONFIGS[(j + k) % CONFIGS.length]!;
      const system = c.system();
      (globalThis as { gc?: () => void }).gc?.();
      const t = performance.now();
      const r: ExploreResult = exploreBfs(system, {
        por,
        maxStates: MAX_STATES,
        ...(c.target ? { target: c.target } : {}),
      });
      const ms = performance.now() - t;
      const kind = r.kind === 'violation' ? `violates ${r.violation.property} (${r.path.length})` : r.kind;
      const prev = m[por];
      if (prev && (prev.kind !== kind || prev.states !== r.coverage.states))
        throw new Error(`${c.name} ${por}: not the same on a repeat`);
      const note = r.coverage.reductions?.partialOrder;
      m[por] = {
        kind,
        states: r.coverage.states,
        steps: r.coverage.steps,
        ms: [...(prev?.ms ?? []), ms],
        ...(note ? { note } : {}),
      };
    }
  }
  if (m.ample.kind !== m.none.kind || m.sleep.kind !== m.none.kind) throw new Error(`${c.name}: the verdicts differ`);
  rows.push({ name: c.name, m });
  const cells = CONFIGS.map(
    (p) => `${p} ${m[p].states} st ${m[p].steps} tr ${r2(min(m[p].ms))}/${r2(median(m[p].ms))} ms`,
  ).join(' | ');
  console.log(
    `${c.name}: ${m.none.kind} | ${cells} | time/none median: sleep ${r2(median(m.sleep.ms) / median(m.none.ms))}, ample ${r2(median(m.ample.ms) / median(m.none.ms))}${m.ample.note && m.ample.note !== 'ample' ? ` | ample: ${m.ample.note}` : ''}`,
  );
}

// over the cases: each reduction's median time and its states relative to none's (per case,
// median of the per-case ratios; min and median of the per-case min-time ratios too)
const ratio = (p: PartialOrder, f: (x: Measured) => number) => rows.map((r) => f(r.m[p]) / f(r.m.none));
console.log(
  `\n${rows.length} cases; per-case ratios to --por none, then their median over the cases (min in brackets):`,
);
for (const p of ['sleep', 'ample'] as const) {
  const time = ratio(p, (x) => median(x.ms));
  const timeMin = ratio(p, (x) => min(x.ms));
  const states = ratio(p, (x) => x.states);
  const steps = ratio(p, (x) => x.steps);
  const cut = rows.filter((r) => r.m[p].states < r.m.none.states).length;
  console.log(
    `  ${p}: time (median of ${REPEAT}) ${r2(median(time))} [${r2(min(time))}], time (min of ${REPEAT}) ${r2(median(timeMin))} [${r2(min(timeMin))}], states ${r2(median(states))} [${r2(min(states))}], transitions ${r2(median(steps))} [${r2(min(steps))}]; states cut on ${cut} of ${rows.length}`,
  );
}
const json = opt('json');
if (json) writeFileSync(json, JSON.stringify(rows, null, 1));
