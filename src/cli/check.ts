// kmc check [model] [--variant v] [--strategy auto|bfs|dfs|random|pct] [--seed n] [--runs n] [--max-steps n]
//           [--max-states n] [--max-depth n] [--timeout s] [--max-memory bytes] [--workers n] [--no-por]
//           [--no-symmetry] [--out dir] [--json] [--param k=v]

import type { Model } from '../core/model.ts';
import { checkVariantAsync, DEFAULTS, showExpectation, type CheckOptions, type VariantCheck } from '../explore/check.ts';
import type { ExhaustiveOptions, Progress } from '../explore/exhaustive.ts';
import { encodeTrace } from '../trace/codec.ts';
import { writeNew } from '../trace/file.ts';
import { recordTrace } from '../trace/trace.ts';
import { integer, modelParams, parse } from './args.ts';
import { EXIT, UsageError, type Io } from './errors.ts';
import { MAX_WORKERS } from '../explore/shared-fingerprint-set.ts';
import { findModel } from './models.ts';
import { stdio } from './main.ts';
import { AUTO_MAX_STATES } from '../explore/check.ts';

export const DEFAULT_OUT = 'kmc-out';

interface Row {
  model: string;
  variant: string;
  strategy: string;
  verdict: string;
  property?: string;
  message?: string;
  expected: string;
  asExpected: boolean;
  trace?: string;
  /** steps in the counterexample */
  length?: number;
  stats: {
    runs: number;
    steps: number;
    states: number;
    depth: number;
    exhaustive: boolean;
    milliseconds: number;
    /** bfs/dfs */
    statesPerSecond?: number;
    bytesPerState?: number;
    collisionProbability?: number;
    reductions?: { por: boolean; symmetry: boolean };
    workers?: number;
    /** transitions the transition cache answered, distinct parts of states stored */
    cache?: { hits: number; parts: number };
  };
  note?: string;
}

function initialSeed(flag: string | undefined): number {
  const fromEnv = process.env.KMC_SEED;
  if (flag !== undefined) return integer('seed', flag, 0);
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!/^\d+$/.test(fromEnv)) throw new UsageError(`KMC_SEED must be a non-negative integer, got '${fromEnv}'`);
    return Number(fromEnv);
  }
  return Math.floor(Math.random() * 0x7fffffff);
}

export function traceBase(model: string, variant: string, property: string, seed: number): string {
  return `${model.replaceAll('/', '.')}.${variant}.${property}.seed${seed}`;
}

export async function check(args: string[], models: readonly Model[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    variant: { type: 'string' },
    strategy: { type: 'string' },
    seed: { type: 'string' },
    runs: { type: 'string' },
    'max-steps': { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    param: { type: 'string', multiple: true },
    'max-states': { type: 'string' },
    'max-depth': { type: 'string' },
    timeout: { type: 'string' },
    'max-memory': { type: 'string' },
    workers: { type: 'string' },
    'no-por': { type: 'boolean' },
    'no-symmetry': { type: 'boolean' },
  });
  if (positionals.length > 1) throw new UsageError(`check takes at most one model, got ${positionals.join(' ')}`);
  const strategy = values.strategy ?? 'auto';
  if (!STRATEGIES.includes(strategy as (typeof STRATEGIES)[number])) throw new UsageError(`unknown strategy '${strategy}' (available: ${STRATEGIES.join(', ')})`);
  const exhaustive = exhaustiveOptions(values);
  const tty = !values.json && process.stderr.isTTY === true && io.err === stdio.err;
  const seed = initialSeed(values.seed);
  const runs = integer('runs', values.runs, DEFAULTS.runs, 1);
  const maxSteps = integer('max-steps', values['max-steps'], DEFAULTS.maxSteps, 1);
  const out = values.out ?? DEFAULT_OUT;

  const selected = positionals[0] === undefined ? [...models] : [findModel(models, positionals[0])];
  if (values.variant !== undefined && selected.length !== 1) throw new UsageError('--variant needs a model');
  if (values.param !== undefined && selected.length !== 1) throw new UsageError('--param needs a model');
  const jobs = selected.flatMap((m) => {
    if (values.variant !== undefined && !(values.variant in m.variants)) {
      throw new UsageError(`model ${m.name} has no variant '${values.variant}' (it has: ${Object.keys(m.variants).join(', ')})`);
    }
    const params = modelParams(values.param, m.params, m.name);
    const variants = values.variant !== undefined ? [values.variant] : Object.keys(m.variants);
    return variants.map((v) => ({ model: m, variant: v, params }));
  });

  if (!values.json) {
    const how = strategy === 'auto' ? `bfs, or ${runs} random runs per variant past ${AUTO_MAX_STATES} states` : strategy === 'bfs' || strategy === 'dfs' ? strategy : `${runs} ${strategy} runs per variant`;
    io.err(`kmc check: seed ${seed}, ${how} (repeat with --seed ${seed} or KMC_SEED=${seed})\n`);
  }
  const rows: Row[] = [];
  for (const job of jobs) {
    const onProgress = tty ? (p: Progress) => io.err(`\r\x1b[K${job.model.name} ${job.variant}: ${progressLine(p)}`) : undefined;
    const opts: CheckOptions = { strategy: strategy as CheckOptions['strategy'], runs, seed, maxSteps, params: job.params, exhaustive: { ...exhaustive, ...(onProgress ? { onProgress } : {}) } };
    const checks = await checkVariantAsync(job.model, job.variant, opts);
    if (tty) io.err('\r\x1b[K');
    for (const c of checks) {
      rows.push(toRow(c, seed, out));
      if (!values.json) io.out(showRow(rows.at(-1)!));
    }
  }

  if (values.json) io.out(JSON.stringify({ seed, results: rows }, null, 2) + '\n');
  else io.out(summary(rows));
  if (rows.some((r) => !r.asExpected && r.verdict !== 'incomplete')) return EXIT.unexpected;
  if (rows.some((r) => r.verdict === 'incomplete')) return EXIT.incomplete;
  return EXIT.ok;
}

function toRow(c: VariantCheck, seed: number, out: string): Row {
  const { result, system } = c;
  const cov = result.coverage;
  const row: Row = {
    model: system.modelName,
    variant: system.variant,
    strategy: cov.strategy,
    verdict: c.verdict,
    expected: showExpectation(c.expected),
    asExpected: c.asExpected,
    stats: { runs: cov.runs, steps: cov.steps, states: cov.states, depth: cov.depth, exhaustive: cov.exhaustive, milliseconds: Math.round(cov.ms) },
  };
  if (cov.bytesPerState !== undefined) {
    row.stats.statesPerSecond = Math.round(cov.states / Math.max(cov.ms / 1000, 1e-6));
    row.stats.bytesPerState = Math.round(cov.bytesPerState * 10) / 10;
    row.stats.collisionProbability = cov.collisionProbability ?? 0;
    if (cov.reductions) row.stats.reductions = cov.reductions;
    row.stats.workers = cov.workers ?? 1;
    if (cov.cache) row.stats.cache = cov.cache;
  }
  if (result.kind === 'violation') {
    row.property = result.violation.property;
    row.message = result.violation.message;
    row.length = result.path.length;
    const trace = recordTrace(system, result.path, result.violation, cov.strategy, seed);
    row.trace = writeNew(out, traceBase(system.modelName, system.variant, result.violation.property, seed), encodeTrace(trace)).path;
  }
  if (result.kind === 'incomplete') row.note = `stopped by ${result.bound}`;
  if (result.kind === 'error') row.note = result.message;
  return row;
}

function showRow(r: Row): string {
  const mark = r.asExpected ? 'ok  ' : r.verdict === 'incomplete' ? '??  ' : 'FAIL';
  const verdict = r.verdict === 'violates' ? `violates ${r.property} (${r.length} steps)` : r.verdict;
  const lines = [`${mark}  ${r.model.padEnd(26)} ${r.variant.padEnd(22)} ${verdict.padEnd(52)} expected ${r.expected}`];
  if (r.message) lines.push(`      ${r.property}: ${r.message}`);
  if (r.trace) lines.push(`      trace: ${r.trace}`, `      replay: npx kmc replay ${r.trace}`);
  if (r.note) lines.push(`      ${r.note}`);
  const st = r.stats;
  if (st.bytesPerState !== undefined) {
    const red = st.reductions ? [st.reductions.por ? 'por' : '', st.reductions.symmetry ? 'symmetry' : ''].filter(Boolean).join('+') || 'no reductions' : '';
    lines.push(
      `      ${r.strategy}: ${st.states} distinct states, ${st.steps} transitions, depth ${st.depth}, ${st.exhaustive ? 'exhaustive' : 'not exhaustive'}, ` +
        `${st.milliseconds} ms (${st.statesPerSecond} states/s), ${st.bytesPerState} bytes/state, P(fingerprint collision) ~ ${st.collisionProbability!.toExponential(1)}, ${red}` +
        (st.workers && st.workers > 1 ? `, ${st.workers} workers` : '') +
        (st.cache && st.steps > 0 ? `, ${Math.round((100 * st.cache.hits) / st.steps)}% of transitions from the cache (${st.cache.parts} distinct parts)` : ''),
    );
  }
  return lines.join('\n') + '\n';
}

function summary(rows: Row[]): string {
  const good = rows.filter((r) => r.asExpected).length;
  return `${rows.length} checks of ${new Set(rows.map((r) => `${r.model} ${r.variant}`)).size} variants: ${good} as expected, ${rows.length - good} not\n`;
}

const STRATEGIES = ['auto', 'bfs', 'dfs', 'random', 'pct'] as const;

function progressLine(p: Progress): string {
  return `${p.steps} transitions, ${p.states} distinct, queue ${p.queue}, depth ${p.depth}, ${Math.round(p.statesPerSecond)} transitions/s`;
}

/** `--max-memory 512M`, `2G`, or bytes. */
function bytes(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)([KMG]?)B?$/i.exec(value);
  if (!m) throw new UsageError(`--${flag} must be bytes, optionally with K, M or G (e.g. 512M), got '${value}'`);
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

function exhaustiveOptions(values: Record<string, string | boolean | string[] | undefined>): ExhaustiveOptions {
  const str = (k: string) => values[k] as string | undefined;
  const o: ExhaustiveOptions = { por: values['no-por'] !== true, symmetry: values['no-symmetry'] !== true };
  if (str('max-states') !== undefined) o.maxStates = integer('max-states', str('max-states'), 0, 1);
  if (str('max-depth') !== undefined) o.maxDepth = integer('max-depth', str('max-depth'), 0, 0);
  if (str('timeout') !== undefined) {
    const t = str('timeout')!;
    if (!/^\d+(\.\d+)?$/.test(t)) throw new UsageError(`--timeout must be seconds, got '${t}'`);
    o.timeoutMs = Number(t) * 1000;
  }
  const mem = bytes('max-memory', str('max-memory'));
  if (mem !== undefined) o.maxMemoryBytes = mem;
  if (str('workers') !== undefined) {
    o.workers = integer('workers', str('workers'), 1, 1);
    if (o.workers > MAX_WORKERS) throw new UsageError(`--workers must be at most ${MAX_WORKERS}, got ${o.workers}`);
  }
  return o;
}
