// kmc check [model] [--variant v] [--seed n] [--runs n] [--max-steps n] [--out dir] [--json] [--param k=v]

import type { Model } from '../core/model.ts';
import { checkVariant, DEFAULTS, showExpectation, type VariantCheck } from '../explore/check.ts';
import { encodeTrace } from '../trace/codec.ts';
import { writeNew } from '../trace/file.ts';
import { recordTrace } from '../trace/trace.ts';
import { integer, modelParams, parse } from './args.ts';
import { EXIT, UsageError, type Io } from './errors.ts';
import { findModel } from './models.ts';

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
  stats: { runs: number; steps: number; states: number; depth: number; exhaustive: boolean; milliseconds: number };
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
  });
  if (positionals.length > 1) throw new UsageError(`check takes at most one model, got ${positionals.join(' ')}`);
  const strategy = values.strategy ?? 'random';
  if (strategy !== 'random' && strategy !== 'pct') throw new UsageError(`unknown strategy '${strategy}' (available: random, pct)`);
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

  if (!values.json) io.err(`kmc check: seed ${seed}, ${runs} runs per variant (repeat with --seed ${seed} or KMC_SEED=${seed})\n`);
  const rows: Row[] = [];
  for (const job of jobs) {
    for (const c of checkVariant(job.model, job.variant, { strategy, runs, seed, maxSteps, params: job.params })) {
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
  return lines.join('\n') + '\n';
}

function summary(rows: Row[]): string {
  const good = rows.filter((r) => r.asExpected).length;
  return `${rows.length} checks of ${new Set(rows.map((r) => `${r.model} ${r.variant}`)).size} variants: ${good} as expected, ${rows.length - good} not\n`;
}
