// The BEEM ports in `npm run bench`: kmc and SPIN's pan on the same state space, each
// measurement repeated, the two tools alternating (kmc, pan, kmc, pan, ...): first with
// reductions off on both (kmc --no-por --no-symmetry, pan -DNOREDUCE; the counts must be
// equal), then with each tool's partial-order reduction (kmc `--por ample`; SPIN's default).
// spin -a and gcc run once per configuration, timed apart and excluded from pan's time.
// Each kmc run is a fresh `kmc check` (process-memory.ts), timed by its search's own clock,
// as each pan run is a fresh pan. Memory per state: each tool's RSS growth over its search,
// the median over its runs without reductions.

import { f, mark, PAN_TICK_MS, ratio, sec, secs } from '../format.ts';
import { type Exhaustive, fromSpin, repeated, repeatedSpin, type SpinExhaustive } from '../measure.ts';
import { compileSpin } from '../peers/spin/run.ts';
import { freshCheck, type FreshCheck, medianMemory, type ProcessMemory } from '../process-memory.ts';
import { type BeemPort, type BeemSize, panOptions, portParams } from './ports.ts';

export interface BeemResult {
  model: string;
  size: string;
  params: Record<string, unknown>;
  /** reduced: unless the size runs without reductions only */
  kmc: { raw: Exhaustive; reduced?: Exhaustive };
  /** kmc without reductions: its memory per state (the run with the median bytes/state) */
  memory: ProcessMemory;
  spin?: { raw: SpinExhaustive; reduced?: SpinExhaustive };
  /** both explored without reductions to the end and found the same states and transitions */
  countsMatch?: boolean;
}

export interface BeemOptions {
  ports: BeemPort[];
  /** the sizes to run (names in ports.ts) */
  sizes: string[];
  repeats: number;
  timeoutMs: number;
  spin: boolean;
  log: (line: string) => void;
}

export function benchBeem(opts: BeemOptions): BeemResult[] {
  const results: BeemResult[] = [];
  for (const port of opts.ports)
    for (const size of port.sizes.filter((s) => opts.sizes.includes(s.name))) results.push(benchPort(port, size, opts));
  return results;
}

function benchPort(port: BeemPort, size: BeemSize, opts: BeemOptions): BeemResult {
  const { log, timeoutMs } = opts;
  const params = portParams(port, port.variant, size);
  const check = (reductions: FreshCheck['reductions']): FreshCheck => ({
    file: port.file,
    variant: port.variant,
    params: size.params,
    reductions,
    timeoutMs,
  });
  const where = `bench: beem/${port.name} ${size.name} ${JSON.stringify(size.params)}`;
  const spinOpts = (noReduce: boolean) => panOptions(port, size, params, noReduce);
  const reductions = size.reductions !== false;
  const pans = opts.spin
    ? {
        raw: compileSpin(port.promela, spinOpts(true)),
        reduced: reductions ? compileSpin(port.promela, spinOpts(false)) : undefined,
      }
    : undefined;
  try {
    const runs = {
      kmcRaw: [] as Exhaustive[],
      memory: [] as ProcessMemory[],
      kmcReduced: [] as Exhaustive[],
      spinRaw: [] as SpinExhaustive[],
      spinReduced: [] as SpinExhaustive[],
    };
    for (let i = 1; i <= opts.repeats; i++) {
      log(
        `${where}: repeat ${i}/${opts.repeats}: kmc without reductions, pan -DNOREDUCE${reductions ? ', kmc, pan with reductions' : ''} ...`,
      );
      const raw = freshCheck(check('none'));
      runs.kmcRaw.push(raw.run);
      runs.memory.push(raw.memory);
      if (pans) runs.spinRaw.push(fromSpin(pans.raw.run()));
      if (!reductions) continue;
      runs.kmcReduced.push(freshCheck(check('ample')).run);
      if (pans?.reduced) runs.spinReduced.push(fromSpin(pans.reduced.run()));
    }
    const raw = repeated(runs.kmcRaw);
    const memory = medianMemory(runs.memory);
    const r: BeemResult = {
      model: port.name,
      size: size.name,
      params: size.params,
      kmc: { raw, ...(reductions ? { reduced: repeated(runs.kmcReduced) } : {}) },
      memory,
    };
    if (pans) {
      r.spin = { raw: repeatedSpin(runs.spinRaw), ...(reductions ? { reduced: repeatedSpin(runs.spinReduced) } : {}) };
      const [k, p] = [r.kmc.raw, r.spin.raw];
      if (k.complete && p.complete) r.countsMatch = k.states === p.states && k.transitions === p.transitions;
    }
    log(
      `${where}: kmc ${r.kmc.raw.verdict}, ${r.kmc.raw.states} states in ${sec(r.kmc.raw.ms)}; pan ${r.spin?.raw.states ?? '—'} in ${sec(r.spin?.raw.ms)}${r.countsMatch === false ? ' — COUNTS DIFFER' : ''}`,
    );
    return r;
  } finally {
    pans?.raw.remove();
    pans?.reduced?.remove();
  }
}

/** How both tools' bytes/state are measured, for the tables' legends (the bench model's and the BEEM ports'). */
export const BYTES_LEGEND =
  "bytes/state: the resident memory (RSS) each tool grew by during its search, over the states it stored, the median over its runs without reductions: kmc's the fresh `kmc check`'s bytesPerState (RSS at the end of the search less RSS when it began; the visited set's share, visitedBytesPerState, apart), pan's its peak RSS (GNU time; pan frees nothing before it exits) less the RSS of the same pan before it searches; neither counts the program's start-up (node and kmc's modules, pan's binary)";

/** kmc's bytes/state cell: the fresh process's figure, marked when that run stopped early. */
export const kmcBytes = (m: ProcessMemory) => `${f(m.bytesPerState, 1)}${m.complete ? '' : ' (incomplete)'}`;

/** pan's bytes/state cell: its RSS growth; without GNU time, pan's own count (its "total actual memory usage"), so marked. */
export const spinBytes = (p: SpinExhaustive | undefined) =>
  p === undefined
    ? '—'
    : p.rssBytesPerState !== undefined
      ? f(p.rssBytesPerState, 1)
      : `${f(p.totalBytesPerState, 1)} (pan's count: no GNU time)`;

/** The BEEM tables of bench.md. */
export function beemMarkdown(results: BeemResult[], repeats: number): string[] {
  if (results.length === 0) return [];
  const L: string[] = [];
  const n = repeats > 1 ? `median (min) of ${repeats} runs each, kmc and pan alternating` : 'one run each';
  L.push('');
  L.push(
    `BEEM models ported to kmc (bench/beem/), without reductions (kmc \`--no-por --no-symmetry\`, BFS, each run a fresh \`kmc check ... --strategy bfs --json\` timed by its search's own clock; SPIN \`spin -o1\`, \`-DNOREDUCE\`, DFS; ${n}; pan's time excludes spin -a + gcc, shown apart; ${BYTES_LEGEND}):`,
  );
  L.push('');
  L.push(
    '| model | size | kmc states | SPIN states | kmc transitions | SPIN transitions | counts match | kmc time | pan time | kmc/SPIN time | SPIN compile | kmc states/s | SPIN states/s | kmc/SPIN states/s | kmc bytes/state (RSS) | of which kmc visited set | SPIN bytes/state (RSS) |',
  );
  L.push('|---|---|---:|---:|---:|---:|:-:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const k = r.kmc.raw;
    const p = r.spin?.raw;
    const inc = k.complete ? '' : ' (incomplete)';
    const pms = p ? Math.max(p.ms, PAN_TICK_MS) : undefined;
    L.push(
      `| ${r.model} | ${r.size} ${JSON.stringify(r.params)} | ${f(k.states)}${inc} | ${f(p?.states)} | ${f(k.transitions)} | ${f(p?.transitions)} | ${r.countsMatch === undefined ? '—' : r.countsMatch ? 'yes' : 'NO'} | ${secs(k)} | ${secs(p)} | ${ratio(k.ms, pms, 2)}${pms !== undefined ? mark(k.complete && k.ms <= pms) : ''} | ${sec(p?.compileMs)} | ${f(k.statesPerSec)} | ${f(p?.statesPerSec)} | ${ratio(k.statesPerSec, p?.statesPerSec, 2)}${p ? mark(k.statesPerSec / p.statesPerSec >= 0.8) : ''} | ${kmcBytes(r.memory)} | ${f(r.memory.visitedBytesPerState, 1)} | ${spinBytes(p)} |`,
    );
  }
  if (results.every((r) => r.kmc.reduced === undefined)) return L;
  L.push('');
  L.push(
    `The same with each tool's partial-order reduction (kmc: \`--por ample\`, the ports have no symmetric threads; SPIN: \`spin -o1\`, its partial-order reduction; ${n}):`,
  );
  L.push('');
  L.push(
    '| model | size | kmc states | SPIN states | kmc states / without | SPIN states / without | kmc transitions | SPIN transitions | kmc time | pan time | kmc/SPIN time | kmc time / without |',
  );
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const k = r.kmc.reduced;
    const p = r.spin?.reduced;
    if (k === undefined) continue; // a size run without reductions only
    const inc = k.complete ? '' : ' (incomplete)';
    const pms = p ? Math.max(p.ms, PAN_TICK_MS) : undefined;
    L.push(
      `| ${r.model} | ${r.size} | ${f(k.states)}${inc} | ${f(p?.states)} | ${k.complete ? ratio(k.states, r.kmc.raw.states, 3) : '— (stopped)'} | ${ratio(p?.states, r.spin?.raw.states, 3)} | ${f(k.transitions)} | ${f(p?.transitions)} | ${secs(k)} | ${secs(p)} | ${ratio(k.ms, pms, 2)}${pms !== undefined ? mark(k.complete && k.ms <= pms) : ''} | ${ratio(k.ms, r.kmc.raw.ms, 2)} |`,
    );
  }
  return L;
}
