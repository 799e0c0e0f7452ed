// What kmc check and kmc orderings give CI besides their table: a JUnit file, the
// counterexample as text for it (the files themselves are written by output.ts).

import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Model } from '../core/model.ts';
import { githubAnnotation } from '../report/annotations.ts';
import type { VariantCheck } from '../check/check.ts';
import { renderColumns } from '../report/columns.ts';
import { renderJunit, type JunitCase } from '../report/junit.ts';
import { replay } from '../trace/replay.ts';
import { recordTrace } from '../trace/trace.ts';

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
export function checkAnnotations(
  rows: readonly (JunitRow & { source?: string | undefined; line?: number | undefined })[],
): string {
  return rows
    .filter((r) => !r.asExpected)
    .map((r) => {
      const what = found(r);
      const message = [
        `${r.model} ${r.variant}: expected ${r.expected}, found ${what}`,
        ...(r.trace ? [`replay: ${replayCommand(r.trace)}`] : []),
      ].join('\n');
      const level = r.verdict === 'incomplete' ? 'warning' : 'error';
      const title =
        r.verdict === 'error'
          ? `kmc: model error in ${r.model} ${r.variant}`
          : `kmc: ${r.model} ${r.variant} ${r.verdict === 'incomplete' ? 'incomplete' : 'differs from its expectation'}`;
      return githubAnnotation({ level, title, message, file: r.source, line: r.line });
    })
    .join('');
}

/** What a check or an order found, as its row carries it. */
export interface Found {
  verdict: string;
  property?: string | undefined;
  message?: string | undefined;
  length?: number | undefined;
  trace?: string | undefined;
  counterexample?: string | undefined;
  note?: string | undefined;
}

/** `violates p (n steps): message`, `model error: ...`, or the verdict with its note. */
export function found(r: Found): string {
  if (r.verdict === 'violates') return `violates ${r.property} (${r.length} steps): ${r.message}`;
  if (r.verdict === 'error') return `model error: ${r.note}`;
  return `${r.verdict}${r.note ? ` (${r.note})` : ''}`;
}

/** A failure's text: the head line, the counterexample, the trace and the command that replays it. */
function body(head: string, r: Found): string {
  const lines = [head];
  if (r.counterexample) lines.push('', r.counterexample.trimEnd());
  if (r.trace) lines.push('', `trace: ${r.trace}`, `replay: ${replayCommand(r.trace)}`);
  return lines.join('\n') + '\n';
}

/** What a row of kmc check (or kmc merge) carries into JUnit. */
export interface JunitRow extends Found {
  model: string;
  variant: string;
  expected: string;
  asExpected: boolean;
  stats: { milliseconds: number };
}

export const replayCommand = (trace: string) =>
  `npx kmc replay ${/^[\w./-]+$/.test(trace) ? trace : `'${trace.replaceAll("'", "'\\''")}'`}`;

/** One testcase per expected verdict: `variant: holds` / `variant: violates p`. */
export function checkJunit(rows: readonly JunitRow[]): string {
  return renderJunit(
    'kmc check',
    rows.map((r) => {
      const c: JunitCase = {
        classname: r.model,
        name: `${r.variant}: ${r.expected.replace(/^violates: /, 'violates ')}`,
        time: r.stats.milliseconds / 1000,
      };
      const what = found(r);
      const text = body(`${r.model} ${r.variant}: expected ${r.expected}, found ${what}`, r);
      if (r.verdict === 'error') c.error = { message: `model error: ${r.note ?? ''}`, type: 'model-error', body: text };
      else if (r.verdict === 'incomplete') c.skipped = { message: `incomplete: ${r.note ?? ''}` };
      else if (!r.asExpected)
        c.failure = { message: `expected ${r.expected}, found ${what}`, type: r.verdict, body: text };
      else c.out = text;
      return c;
    }),
  );
}

/** What a row of kmc orderings carries into JUnit. */
export interface JunitOrderRow extends Found {
  index: number;
  order: string[];
}

/** One testcase per order; `judging` (--order, --orders): an unsafe order is a failure, else a finding. */
export function orderingsJunit(
  model: string,
  variant: string,
  rows: readonly JunitOrderRow[],
  judging: boolean,
): string {
  return renderJunit(
    'kmc orderings',
    rows.map((r) => {
      const c: JunitCase = { classname: model, name: `order ${r.index}: ${r.order.join(',')}`, time: 0 };
      const what = found(r);
      const text = body(`${model} (variant ${variant}) order ${r.order.join(',')}: ${what}`, r);
      if (r.verdict === 'error') c.error = { message: `model error: ${r.note ?? ''}`, type: 'model-error', body: text };
      else if (r.verdict === 'incomplete') c.skipped = { message: `incomplete: ${r.note ?? ''}` };
      else if (judging && r.verdict === 'violates')
        c.failure = { message: `unsafe: ${what}`, type: 'violates', body: text };
      else c.out = text;
      return c;
    }),
  );
}

/** The annotations of kmc orderings: model errors, and (judging proposed orders) each unsafe order. */
export function orderingsAnnotations(
  model: Model,
  variant: string,
  rows: readonly JunitOrderRow[],
  judging: boolean,
): string {
  const where = whereIs(model, 'orderings');
  return rows
    .filter((r) => r.verdict === 'error' || (judging && r.verdict === 'violates'))
    .map((r) => {
      const what = r.verdict === 'error' ? found(r) : `unsafe: ${found(r)}`;
      const message = [
        `${model.name} (variant ${variant}) order ${r.order.join(',')}: ${what}`,
        ...(r.trace ? [`replay: ${replayCommand(r.trace)}`] : []),
      ].join('\n');
      return githubAnnotation({
        level: 'error',
        title: `kmc: ${model.name} order ${r.index} ${r.verdict === 'error' ? 'model error' : 'unsafe'}`,
        message,
        file: where.source,
        line: where.line,
      });
    })
    .join('');
}
