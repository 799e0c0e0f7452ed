// What kmc check and kmc orderings give CI besides their table: a JUnit file, the
// counterexample as text for it, and files written atomically.

import { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Model } from '../core/model.ts';
import { githubAnnotation } from '../report/annotations.ts';
import type { VariantCheck } from '../explore/check.ts';
import { renderColumns } from '../report/columns.ts';
import { renderJunit, type JunitCase } from '../report/junit.ts';
import { replay } from '../trace/replay.ts';
import { recordTrace } from '../trace/trace.ts';
import { UsageError } from './errors.ts';

/** Write a whole file or nothing (temp file + rename); never over a folder, one-line error otherwise. */
export function writeAtomic(path: string, text: string, flagName: string): void {
  writable(path, flagName);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw new UsageError(`cannot write --${flagName} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Refuse, before any work, a path that names a folder or lies in no folder. */
export function writable(path: string, flagName: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--${flagName} ${path} is a folder; name a file`);
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) throw new UsageError(`--${flagName} ${path}: no folder ${dirname(path)}`);
}

/** The counterexample of a check that found a violation, in lockdep-style columns. */
export function counterexampleText(c: VariantCheck): string | undefined {
  const r = c.result;
  if (r.kind !== 'violation') return undefined;
  const trace = recordTrace(c.system, r.path, r.violation, r.coverage.strategy, null);
  const replayed = replay(c.system, trace);
  if (replayed.kind !== 'reproduced') return undefined;
  return renderColumns({ trace, initial: replayed.initial, steps: replayed.steps, threadNames: c.system.threadNames });
}

/** --github, or GITHUB_ACTIONS=true unless the output is --json (kmc merge annotates those). */
export function githubOn(flagGiven: boolean, json: boolean): boolean {
  return flagGiven || (process.env.GITHUB_ACTIONS === 'true' && !json);
}

/** Where a model (and the line of its variant, when found) lives, relative to the working directory. */
export function whereIs(model: Model, variant: string): { source?: string; line?: number } {
  if (model.source === undefined || !model.source.startsWith('file:')) return {};
  const file = fileURLToPath(model.source);
  const source = relative(process.cwd(), file).split(sep).join('/');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { source };
  }
  const key = variant.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = text.split('\n').findIndex((l) => new RegExp(`^\\s*(['"]?)${key}\\1\\s*:`).test(l));
  return at < 0 ? { source } : { source, line: at + 1 };
}

/** The annotations of a check's rows: differing verdicts and model errors as errors, incomplete checks as warnings. */
export function checkAnnotations(rows: readonly (JunitRow & { source?: string | undefined; line?: number | undefined })[]): string {
  return rows
    .filter((r) => !r.asExpected)
    .map((r) => {
      const what = r.verdict === 'violates' ? `violates ${r.property} (${r.length} steps): ${r.message}` : r.verdict === 'error' ? `model error: ${r.note}` : `${r.verdict}${r.note ? ` (${r.note})` : ''}`;
      const message = [`${r.model} ${r.variant}: expected ${r.expected}, found ${what}`, ...(r.trace ? [`replay: ${replayCommand(r.trace)}`] : [])].join('\n');
      const level = r.verdict === 'incomplete' ? 'warning' : 'error';
      const title = r.verdict === 'error' ? `kmc: model error in ${r.model} ${r.variant}` : `kmc: ${r.model} ${r.variant} ${r.verdict === 'incomplete' ? 'incomplete' : 'differs from its expectation'}`;
      return githubAnnotation({ level, title, message, file: r.source, line: r.line });
    })
    .join('');
}

/** What a row of kmc check (or kmc merge) carries into JUnit. */
export interface JunitRow {
  model: string;
  variant: string;
  verdict: string;
  expected: string;
  asExpected: boolean;
  property?: string | undefined;
  message?: string | undefined;
  length?: number | undefined;
  trace?: string | undefined;
  counterexample?: string | undefined;
  note?: string | undefined;
  stats: { milliseconds: number };
}

export const replayCommand = (trace: string) => `npx kmc replay ${/^[\w./-]+$/.test(trace) ? trace : `'${trace.replaceAll("'", "'\\''")}'`}`;

/** One testcase per expected verdict: `variant: holds` / `variant: violates p`. */
export function checkJunit(rows: readonly JunitRow[]): string {
  return renderJunit(
    'kmc check',
    rows.map((r) => {
      const c: JunitCase = { classname: r.model, name: `${r.variant}: ${r.expected.replace(/^violates: /, 'violates ')}`, time: r.stats.milliseconds / 1000 };
      const found = r.verdict === 'violates' ? `violates ${r.property} (${r.length} steps): ${r.message}` : r.verdict === 'error' ? `model error: ${r.note}` : `${r.verdict}${r.note ? ` (${r.note})` : ''}`;
      const body = [`${r.model} ${r.variant}: expected ${r.expected}, found ${found}`];
      if (r.counterexample) body.push('', r.counterexample.trimEnd());
      if (r.trace) body.push('', `trace: ${r.trace}`, `replay: ${replayCommand(r.trace)}`);
      if (r.verdict === 'error') c.error = { message: `model error: ${r.note ?? ''}`, type: 'model-error', body: body.join('\n') + '\n' };
      else if (r.verdict === 'incomplete') c.skipped = { message: `incomplete: ${r.note ?? ''}` };
      else if (!r.asExpected) c.failure = { message: `expected ${r.expected}, found ${found}`, type: r.verdict, body: body.join('\n') + '\n' };
      else c.out = body.join('\n') + '\n';
      return c;
    }),
  );
}

/** What a row of kmc orderings carries into JUnit. */
export interface JunitOrderRow {
  index: number;
  order: string[];
  verdict: string;
  property?: string | undefined;
  message?: string | undefined;
  length?: number | undefined;
  trace?: string | undefined;
  counterexample?: string | undefined;
  note?: string | undefined;
}

/** One testcase per order; `judging` (--order, --orders): an unsafe order is a failure, else a finding. */
export function orderingsJunit(model: string, variant: string, rows: readonly JunitOrderRow[], judging: boolean): string {
  return renderJunit(
    'kmc orderings',
    rows.map((r) => {
      const c: JunitCase = { classname: model, name: `order ${r.index}: ${r.order.join(',')}`, time: 0 };
      const found = r.verdict === 'violates' ? `violates ${r.property} (${r.length} steps): ${r.message}` : r.verdict === 'error' ? `model error: ${r.note}` : `${r.verdict}${r.note ? ` (${r.note})` : ''}`;
      const body = [`${model} (variant ${variant}) order ${r.order.join(',')}: ${found}`];
      if (r.counterexample) body.push('', r.counterexample.trimEnd());
      if (r.trace) body.push('', `trace: ${r.trace}`, `replay: ${replayCommand(r.trace)}`);
      const text = body.join('\n') + '\n';
      if (r.verdict === 'error') c.error = { message: `model error: ${r.note ?? ''}`, type: 'model-error', body: text };
      else if (r.verdict === 'incomplete') c.skipped = { message: `incomplete: ${r.note ?? ''}` };
      else if (judging && r.verdict === 'violates') c.failure = { message: `unsafe: ${found}`, type: 'violates', body: text };
      else c.out = text;
      return c;
    }),
  );
}

/** The annotations of kmc orderings: model errors, and (judging proposed orders) each unsafe order. */
export function orderingsAnnotations(model: Model, variant: string, rows: readonly JunitOrderRow[], judging: boolean): string {
  const where = whereIs(model, 'orderings');
  return rows
    .filter((r) => r.verdict === 'error' || (judging && r.verdict === 'violates'))
    .map((r) => {
      const what = r.verdict === 'error' ? `model error: ${r.note}` : `unsafe: violates ${r.property} (${r.length} steps): ${r.message}`;
      const message = [`${model.name} (variant ${variant}) order ${r.order.join(',')}: ${what}`, ...(r.trace ? [`replay: ${replayCommand(r.trace)}`] : [])].join('\n');
      return githubAnnotation({ level: 'error', title: `kmc: ${model.name} order ${r.index} ${r.verdict === 'error' ? 'model error' : 'unsafe'}`, message, file: where.source, line: where.line });
    })
    .join('');
}
