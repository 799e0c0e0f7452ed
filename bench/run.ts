// `npm run bench` / `kmc bench`: kmc side by side with SPIN (exhaustive, with and without
// reductions) and Quint (random simulation) on the bench model (bench/models.ts) and on the
// BEEM models ported to kmc (bench/beem/), in one run; every exhaustive measurement
// repeated (--seeds), kmc and pan alternating, reported as median and min.
// Writes bench/results/bench.md and bench/results/bench.json. Installs nothing: a missing
// peer is reported with how to get it, and its columns are skipped.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { hostname, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { exploreRandom } from '../src/explore/random.ts';
import { fingerprint } from './retired/text-fingerprint.ts';
import { stateFingerprint } from './retired/state-fingerprint.ts';
import { StateObject, StateSpace } from '../src/explore/state-space.ts';
import type { State } from '../src/core/model.ts';
import type { Transition, TransitionSystem } from '../src/core/system.ts';
import { BAD, BENCH_MODEL_FILE, benchParams, benchSystem, SIZES, type BenchSize } from './models.ts';
import { promela } from './peers/spin/promela.ts';
import { compileSpin, spinMissing } from './peers/spin/run.ts';
import { type Exhaustive, fromSpin, median, repeated, repeatedSpin, type SpinExhaustive } from './measure.ts';
import { f, mark, PAN_TICK_MS, ratio, sec, secs } from './format.ts';
import { type BeemResult, BYTES_LEGEND, beemMarkdown, benchBeem, kmcBytes, spinBytes } from './beem/bench.ts';
import { freshCheck, type FreshCheck, medianMemory, type ProcessMemory } from './process-memory.ts';
import { PORTS } from './beem/ports.ts';
import { quint } from './peers/quint/quint.ts';
import { quintMissing, runQuint } from './peers/quint/run.ts';

/** The name `--models` gives the bench model (dma-heap/alloc-and-read); the BEEM ports go by theirs. */
export const BENCH_MODEL_NAME = 'alloc-and-read';

/** Every name `--models` takes. */
export const MODEL_NAMES = [BENCH_MODEL_NAME, ...PORTS.map((p) => p.name)];

export interface BenchOptions {
  /** the bench model's sizes (small, medium, large); the BEEM ports run their large size unless this names theirs */
  sizes?: string[];
  /** the models to run: alloc-and-read and the BEEM ports' names (default: all) */
  models?: string[];
  /** a line for the top of bench.md (e.g. that the machine was loaded) */
  note?: string;
  /** per kmc exhaustive run */
  kmcTimeoutMs?: number;
  spin?: boolean;
  quint?: boolean;
  /** repeats of each measurement: random-mode seeds (each bad variant raced once per seed), and runs of each exhaustive one (default 3; medians and mins are reported) */
  seeds?: number;
  /** where to write bench.md and bench.json (default: resultsDir()) */
  out?: string;
  log?: (line: string) => void;
}

export interface SizeResult {
  size: string;
  note: string;
  params: Record<string, unknown>;
  kmc: { raw: Exhaustive; reduced: Exhaustive; symmetryOnly?: Exhaustive; workers2?: Exhaustive };
  /** kmc without reductions: its memory per state (the run with the median bytes/state) */
  memory: ProcessMemory;
  spin?: { raw: SpinExhaustive; reduced: SpinExhaustive };
  /** both ran without reductions to the end and found the same number of states and transitions */
  countsMatch?: boolean;
}

export interface RandomResult {
  kmc: { runs: number; steps: number; ms: number; runsPerSec: number; stepsPerSec: number };
  quint?: { samples: number; maxSteps: number; ms: number; wallMs: number; stepsPerSec: number; backend: string };
  firstCounterexample: {
    variant: string;
    property: string;
    kmcMs: number[];
    kmcFound: number;
    quintMs?: number[];
    quintFound?: number;
    quintWallMs?: number[];
  }[];
}

/** The engine's hand-written hot path against what it replaced, on the same states. */
export interface HotPath {
  states: number;
  transitions: number;
  /** microseconds per transition: apply on an immer draft (with its patches, as a trace records), fingerprint the JSON text */
  immerJsonUs: number;
  /** microseconds per transition: apply on a copy of the touched fields, fingerprint by walking the new parts */
  copyWalkUs: number;
  /** microseconds per transition: the explorers' path (state-space.ts), its transition cache empty (one pass) */
  spaceColdUs: number;
  /** the same once the cache holds these transitions (best of 3 further passes) */
  spaceWarmUs: number;
}

export interface BenchReport {
  date: string;
  machine: string;
  node: string;
  note?: string;
  /** runs of each exhaustive measurement */
  repeats: number;
  skipped: string[];
  /** the bench model's sizes (none when --models leaves it out) */
  sizes: SizeResult[];
  beem: BeemResult[];
  hotPath?: HotPath;
  random?: RandomResult;
}

/**
 * Side by side on the 2,000 states of a random walk of the small bench model: each enabled
 * transition applied and its successor fingerprinted, three ways: an immer draft and a
 * hash of the JSON text (the first engine); a copy of the touched world fields and a walk
 * of the parts the successor does not share with its parent (the second); and the
 * explorers' path now, a vector of part numbers with a transition cache and Zobrist
 * fingerprints (state-space.ts), once with the cache empty and then with it filled.
 * Best of three rounds each, but the cold pass, which is one.
 */
export function hotPath(system: TransitionSystem): HotPath {
  const states: State[] = [];
  let s = system.initial();
  let seed = 1;
  while (states.length < 2000) {
    const enabled = system.enabled(s);
    if (enabled.length === 0) s = system.initial();
    else {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const a = system.apply(s, enabled[seed % enabled.length]!);
      s = a.violation ? system.initial() : a.state;
    }
    states.push(s);
  }
  states.forEach((x) => stateFingerprint(x)); // the parents are stored already
  const moves = states.map((x) => system.enabled(x));
  const transitions = moves.reduce((a, m) => a + m.length, 0);
  let sink = 0;
  const best = (f: (x: State, t: Transition) => void) => {
    let ms = Infinity;
    for (let round = 0; round < 3; round++) {
      const t = performance.now();
      states.forEach((x, i) => moves[i]!.forEach((m) => f(x, m)));
      ms = Math.min(ms, performance.now() - t);
    }
    return (ms * 1000) / transitions;
  };
  // the explorers' path: each state entered (its fingerprint known), each successor fingerprinted from it
  const space = new StateSpace(system, false);
  const vecs = states.map((x) => space.encode(x));
  const pass = () => {
    const t = performance.now();
    const next = new Array<number>(space.width);
    vecs.forEach((v, i) => {
      const expansion = space.enter(v);
      const x = new StateObject(space, v);
      moves[i]!.forEach((m) => {
        const o = space.successor(v, x, m, next);
        if (!o.violation) sink ^= space.child(expansion, next, o).hi;
      });
    });
    return ((performance.now() - t) * 1000) / transitions;
  };
  const spaceColdUs = pass();
  const spaceWarmUs = Math.min(pass(), pass(), pass());
  return {
    states: states.length,
    transitions,
    spaceColdUs,
    spaceWarmUs,
    immerJsonUs: best((x, t) => {
      const a = system.apply(x, t, { patches: true });
      if (!a.violation) sink ^= fingerprint(JSON.stringify(a.state))[0];
    }),
    copyWalkUs:
      best((x, t) => {
        const a = system.apply(x, t);
        if (!a.violation) sink ^= stateFingerprint(a.state)[0];
      }) +
      (sink & 0),
  };
}

export async function runBench(opts: BenchOptions = {}): Promise<BenchReport> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const timeoutMs = opts.kmcTimeoutMs ?? 240_000;
  const repeats = opts.seeds ?? 3;
  const wanted = (name: string) => !opts.models || opts.models.includes(name);
  const sizes = wanted(BENCH_MODEL_NAME) ? SIZES.filter((s) => !opts.sizes || opts.sizes.includes(s.name)) : [];
  const skipped: string[] = [];
  const spinWhy = opts.spin === false ? 'SPIN columns skipped (--no-spin)' : spinMissing();
  const quintWhy = opts.quint === false ? 'Quint columns skipped (--no-quint)' : quintMissing();
  if (spinWhy) skipped.push(`SPIN: ${spinWhy}`), log(`bench: skipping SPIN: ${spinWhy}`);
  if (quintWhy) skipped.push(`Quint: ${quintWhy}`), log(`bench: skipping Quint: ${quintWhy}`);

  const results: SizeResult[] = [];
  for (const size of sizes) {
    const params = benchParams('posted', size);
    const last = size === sizes[sizes.length - 1];
    const pml = spinWhy ? undefined : promela(params);
    const pans = pml
      ? { raw: compileSpin(pml, { noReduce: true }), reduced: compileSpin(pml, { noReduce: false }) }
      : undefined;
    // each kmc run a fresh `kmc check`, as each pan run is a fresh pan (process-memory.ts)
    const fresh = (reductions: FreshCheck['reductions'], workers?: number) =>
      freshCheck({
        file: BENCH_MODEL_FILE,
        variant: 'posted',
        params: size.params as Record<string, number>,
        reductions,
        ...(workers !== undefined ? { workers } : {}),
        timeoutMs,
      });
    const runs = {
      raw: [] as Exhaustive[],
      memory: [] as ProcessMemory[],
      reduced: [] as Exhaustive[],
      symmetryOnly: [] as Exhaustive[],
      workers2: [] as Exhaustive[],
      spinRaw: [] as SpinExhaustive[],
      spinReduced: [] as SpinExhaustive[],
    };
    try {
      // kmc and pan alternating, each measurement once per repeat
      for (let i = 1; i <= repeats; i++) {
        log(`bench: ${size.name} (${size.note}): repeat ${i}/${repeats}: kmc bfs without reductions ...`);
        const raw = fresh('none');
        runs.raw.push(raw.run);
        runs.memory.push(raw.memory);
        if (pans) log(`bench: ${size.name}: SPIN -DNOREDUCE ...`), runs.spinRaw.push(fromSpin(pans.raw.run()));
        log(`bench: ${size.name}: kmc with reductions ...`);
        runs.reduced.push(fresh('ample').run);
        if (pans)
          log(`bench: ${size.name}: SPIN with partial-order reduction ...`),
            runs.spinReduced.push(fromSpin(pans.reduced.run()));
        log(`bench: ${size.name}: kmc bfs, symmetry only ...`);
        runs.symmetryOnly.push(fresh('symmetry').run);
        if (last) {
          log(`bench: ${size.name}: kmc bfs, 2 workers, without reductions ...`);
          runs.workers2.push(fresh('none', 2).run);
        }
      }
    } finally {
      pans?.raw.remove();
      pans?.reduced.remove();
    }
    const raw = repeated(runs.raw);
    const memory = medianMemory(runs.memory);
    const r: SizeResult = {
      size: size.name,
      note: size.note,
      params: size.params,
      kmc: {
        raw,
        reduced: repeated(runs.reduced),
        symmetryOnly: repeated(runs.symmetryOnly),
        ...(last ? { workers2: repeated(runs.workers2) } : {}),
      },
      memory,
    };
    if (pans) {
      const spinRaw = repeatedSpin(runs.spinRaw);
      r.spin = { raw: spinRaw, reduced: repeatedSpin(runs.spinReduced) };
      if (raw.complete && spinRaw.complete)
        r.countsMatch = raw.states === spinRaw.states && raw.transitions === spinRaw.transitions;
      log(
        `bench: ${size.name}: kmc ${raw.verdict}, ${raw.states} states in ${sec(raw.ms)}; SPIN ${spinRaw.states} states in ${sec(spinRaw.ms)}${r.countsMatch === false ? ' — COUNTS DIFFER' : ''}`,
      );
    }
    results.push(r);
  }

  const ports = PORTS.filter((p) => wanted(p.name));
  const beemSizes = opts.sizes?.some((s) => ports.some((p) => p.sizes.some((x) => x.name === s)))
    ? opts.sizes
    : ['large'];
  const beem = benchBeem({ ports, sizes: beemSizes, repeats, timeoutMs, spin: !spinWhy, log });

  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: `${hostname()}: ${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    node: process.version,
    ...(opts.note ? { note: opts.note } : {}),
    repeats,
    skipped,
    sizes: results,
    beem,
    ...(wanted(BENCH_MODEL_NAME) ? await benchRandom(opts, sizes, results, quintWhy, log) : {}),
  };
  const out = resultsDir(opts);
  mkdirSync(out, { recursive: true });
  writeAtomic(join(out, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeAtomic(join(out, 'bench.md'), markdown(report));
  log(`bench: wrote ${join(out, 'bench.md')} and bench.json`);
  return report;
}

/** Where a run's bench.md and bench.json go: --out, else bench/results, or bench/results/partial for a narrowed run. */
export function resultsDir(opts: Pick<BenchOptions, 'out' | 'models' | 'sizes'>): string {
  return opts.out ?? resolve(import.meta.dirname, opts.models || opts.sizes ? 'results/partial' : 'results');
}

/** The hot path and random mode, on the bench model's smallest size run. */
async function benchRandom(
  opts: BenchOptions,
  sizes: BenchSize[],
  results: SizeResult[],
  quintWhy: string | undefined,
  log: (line: string) => void,
): Promise<{ hotPath: HotPath; random: RandomResult }> {
  const small: BenchSize = sizes[0] ?? SIZES[0]!;
  const posted = benchSystem('posted', small);
  log(`bench: hot path: immer vs copy, JSON hash vs walk ...`);
  const hot = hotPath(posted);
  log(`bench: random: kmc on posted (${small.name}) ...`);
  const kr = exploreRandom(posted, { runs: 2000, seed: 1, maxSteps: 500 });
  const random: RandomResult = {
    kmc: {
      runs: kr.coverage.runs,
      steps: kr.coverage.steps,
      ms: kr.coverage.ms,
      runsPerSec: kr.coverage.runs / (kr.coverage.ms / 1000),
      stepsPerSec: kr.coverage.steps / (kr.coverage.ms / 1000),
    },
    firstCounterexample: [],
  };
  const depth = results[0]?.kmc.raw.depth ?? 40;
  if (!quintWhy) {
    log(`bench: random: quint run on posted ...`);
    const q = runQuint(quint(benchParams('posted', small)), { samples: 300, maxSteps: depth + 1, seed: 1 });
    random.quint = {
      samples: q.samples,
      maxSteps: q.maxSteps,
      ms: q.ms,
      wallMs: q.wallMs,
      stepsPerSec: (q.samples * q.maxSteps) / (q.ms / 1000),
      backend: q.backend,
    };
  }
  const seeds = Array.from({ length: opts.seeds ?? 3 }, (_, i) => i + 1);
  for (const bad of BAD) {
    const sys = benchSystem(bad.variant, small);
    const entry: RandomResult['firstCounterexample'][number] = {
      variant: bad.variant,
      property: bad.property,
      kmcMs: [],
      kmcFound: 0,
    };
    for (const seed of seeds) {
      const res = exploreRandom(sys, { runs: 100_000, seed, maxSteps: 500, target: bad.property });
      entry.kmcMs.push(res.coverage.ms);
      if (res.kind === 'violation' && res.violation.property === bad.property) entry.kmcFound++;
    }
    if (!quintWhy) {
      entry.quintMs = [];
      entry.quintWallMs = [];
      entry.quintFound = 0;
      const qnt = quint(benchParams(bad.variant, small));
      for (const seed of seeds) {
        log(`bench: random: quint run on ${bad.variant}, seed ${seed} ...`);
        const q = runQuint(qnt, { samples: 100_000, maxSteps: depth + 1, seed });
        entry.quintMs.push(q.ms);
        entry.quintWallMs.push(q.wallMs);
        if (q.violated) entry.quintFound++;
      }
    }
    random.firstCounterexample.push(entry);
  }
  return { hotPath: hot, random };
}

function writeAtomic(path: string, text: string) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

export function markdown(r: BenchReport): string {
  const L: string[] = [];
  const times =
    r.repeats > 1
      ? `Times: median (min) of ${r.repeats} runs, kmc and pan alternating; states/s over the median.`
      : 'Times: one run each.';
  L.push(
    `Bench run ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.machine}, node ${r.node}. ${times}${r.sizes.length ? ' Bench model: dma-heap/alloc-and-read, variant `posted` (holds), BFS.' : ''}`,
  );
  if (r.note) L.push(`\n> ${r.note}`);
  for (const s of r.skipped) L.push(`\n> skipped — ${s}`);
  if (r.sizes.length > 0) benchModelTables(r, L);
  L.push(...beemMarkdown(r.beem, r.repeats));
  L.push('');
  return L.join('\n');
}

/** The bench model's tables: exhaustive with and without reductions, workers, hot path, random mode. */
function benchModelTables(r: BenchReport, L: string[]) {
  L.push('');
  L.push(`Exhaustive, without reductions (kmc \`--no-por --no-symmetry\`, SPIN \`-DNOREDUCE\`; ${BYTES_LEGEND}):`);
  L.push('');
  L.push(
    '| size | kmc states | SPIN states | kmc transitions | SPIN transitions | counts match | kmc time | SPIN time | kmc states/s | SPIN states/s | kmc/SPIN states/s | kmc bytes/state (RSS) | of which kmc visited set | SPIN bytes/state (RSS) |',
  );
  L.push('|---|---:|---:|---:|---:|:-:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of r.sizes) {
    const k = s.kmc.raw;
    const p = s.spin?.raw;
    const inc = k.complete ? '' : ' (incomplete)';
    L.push(
      `| ${s.size} | ${f(k.states)}${inc} | ${f(p?.states)} | ${f(k.transitions)} | ${f(p?.transitions)} | ${s.countsMatch === undefined ? '—' : s.countsMatch ? 'yes' : 'NO'} | ${secs(k)}${inc} | ${secs(p)} | ${f(k.statesPerSec)} | ${f(p?.statesPerSec)} | ${ratio(k.statesPerSec, p?.statesPerSec, 3)}${mark(p && k.statesPerSec / p.statesPerSec >= 0.5)} | ${kmcBytes(s.memory)} | ${f(s.memory.visitedBytesPerState, 1)}${mark(s.memory.visitedBytesPerState <= 16)} | ${spinBytes(p)} |`,
    );
  }
  L.push('');
  L.push('Exhaustive, with reductions (kmc ample sets (`--por ample`) + symmetry, SPIN partial-order reduction):');
  L.push('');
  L.push(
    '| size | kmc states | SPIN states | kmc time | SPIN time | kmc/SPIN time | SPIN compile (spin -a + gcc) | kmc/SPIN time, compile incl. | kmc symmetry only (`--no-por`) | its kmc/SPIN time |',
  );
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of r.sizes) {
    const k = s.kmc.reduced;
    const p = s.spin?.reduced;
    const inc = k.complete ? '' : ' (incomplete)';
    // pan's clock counts in 10 ms: a shorter run is taken as 10 ms, so its ratios are upper bounds
    const pms = p ? Math.max(p.ms, PAN_TICK_MS) : undefined;
    const below = p !== undefined && p.ms < PAN_TICK_MS;
    const t = pms !== undefined ? `${below || !k.complete ? '> ' : ''}${ratio(k.ms, pms, 2)}` : '—';
    const withCompile = p ? ratio(k.ms, p.ms + p.compileMs, 2) : '—';
    const so = s.kmc.symmetryOnly;
    const soCell = so ? `${secs(so)}${so.complete ? '' : ' (incomplete)'}` : '—';
    const soRatio =
      so && pms !== undefined ? `${below ? '> ' : ''}${ratio(so.ms, pms, 2)}${mark(so.complete && so.ms <= pms)}` : '—';
    const spinTime = p ? (below ? `< ${sec(PAN_TICK_MS)}` : secs(p)) : '—';
    L.push(
      `| ${s.size} | ${f(k.states)}${inc} | ${f(p?.states)} | ${secs(k)}${inc} | ${spinTime} | ${t}${pms !== undefined ? mark(k.complete && k.ms <= pms) : ''} | ${sec(p?.compileMs)} | ${withCompile} | ${soCell} | ${soRatio} |`,
    );
  }
  const last = r.sizes[r.sizes.length - 1];
  if (last?.kmc.workers2) {
    const one = last.kmc.raw;
    const two = last.kmc.workers2;
    const speedup = two.statesPerSec / one.statesPerSec;
    L.push('');
    L.push(
      `Workers (${last.size}, no reductions): 1 worker ${f(one.statesPerSec)} states/s, 2 workers ${f(two.statesPerSec)} states/s: ${f(speedup, 2)}x${mark(speedup >= 1.7)} (${two.verdict}, ${f(two.states)} states).`,
    );
  }
  const h = r.hotPath;
  if (h) {
    L.push('');
    L.push(
      `Hot path (${f(h.transitions)} transitions from ${f(h.states)} states of the small size, best of 3): apply a step and fingerprint its successor on an immer draft (with patches) + hash of the JSON text ${f(h.immerJsonUs, 2)} µs; on a copy of the touched fields + walk of the new parts ${f(h.copyWalkUs, 2)} µs; kmc's state vectors with the transition cache empty ${f(h.spaceColdUs, 2)} µs (one pass), filled ${f(h.spaceWarmUs, 3)} µs: ${ratio(h.immerJsonUs, h.spaceWarmUs, 1)}x faster than immer + JSON. In the ${last?.size ?? ''} exploration without reductions the cache answered ${last?.kmc.raw.cacheHits !== undefined ? `${f((100 * last.kmc.raw.cacheHits) / last.kmc.raw.transitions, 1)}%` : '?'} of the transitions.`,
    );
  }
  const rd = r.random;
  if (!rd) return;
  L.push('');
  L.push(
    `Random mode (${r.sizes[0]?.size ?? 'small'} size): kmc random explorer on \`posted\`: ${f(rd.kmc.runs)} runs, ${f(rd.kmc.steps)} steps in ${sec(rd.kmc.ms)}: **${f(rd.kmc.runsPerSec)} runs/s, ${f(rd.kmc.stepsPerSec)} steps/s**` +
      (rd.quint
        ? `; quint run (--backend=${rd.quint.backend}): ${f(rd.quint.samples)} samples of ${rd.quint.maxSteps} steps in ${sec(rd.quint.ms)}: ${f(rd.quint.stepsPerSec)} steps/s (kmc/Quint ${ratio(rd.kmc.stepsPerSec, rd.quint.stepsPerSec, 1)}x).`
        : '.'),
  );
  L.push('');
  L.push(
    '| known-bad variant | property | kmc found | kmc time to counterexample (median; incl. shrinking) | Quint found | Quint time (median; its own clock) | Quint wall (start-up incl.) | kmc/Quint |',
  );
  L.push('|---|---|:-:|---:|:-:|---:|---:|---:|');
  for (const b of rd.firstCounterexample) {
    const km = median(b.kmcMs);
    const qm = b.quintMs ? median(b.quintMs) : undefined;
    const n = b.kmcMs.length;
    L.push(
      `| ${b.variant} | ${b.property} | ${b.kmcFound}/${n} | ${sec(km)} | ${b.quintFound === undefined ? '—' : `${b.quintFound}/${n}`} | ${sec(qm)} | ${sec(b.quintWallMs ? median(b.quintWallMs) : undefined)} | ${ratio(km, qm, 3)}${qm !== undefined ? mark(km <= 0.1 * qm) : ''} |`,
    );
  }
}
