// kmc replay <trace> [--format text|columns|mermaid|itf|html|json]

import { readFileSync } from 'node:fs';
import type { Model } from '../core/model.ts';
import { compile } from '../core/system.ts';
import { ModelError } from '../core/violation.ts';
import { match } from 'ts-pattern';
import { renderColumns } from '../report/columns.ts';
import { renderHtml } from '../report/html.ts';
import { renderItf } from '../report/itf.ts';
import { renderMermaid } from '../report/mermaid.ts';
import { renderText } from '../report/text.ts';
import type { TraceView } from '../report/view.ts';
import { decodeTrace, encodeTrace, TraceFormatError } from '../trace/codec.ts';
import { replay as replayTrace } from '../trace/replay.ts';
import type { Trace } from '../trace/trace.ts';
import { parse } from './args.ts';
import { EXIT, UsageError, type Io } from './errors.ts';
import { findModel } from './models.ts';

export const FORMATS = ['text', 'columns', 'mermaid', 'itf', 'html', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** A replayed trace in one of the formats. */
export function render(format: Format, view: TraceView): string {
  return match(format)
    .with('text', () => renderText(view.trace, view.steps, view.threadNames))
    .with('columns', () => renderColumns(view))
    .with('mermaid', () => renderMermaid(view))
    .with('itf', () => renderItf(view))
    .with('html', () => renderHtml(view))
    .with('json', () => encodeTrace(view.trace))
    .exhaustive();
}

export function loadTrace(path: string): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read trace ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return decodeTrace(text);
  } catch (e) {
    if (e instanceof TraceFormatError) throw new UsageError(`${path} is not a kmc trace: ${e.message}`);
    throw e;
  }
}

export async function replay(args: string[], models: readonly Model[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('replay takes one trace file');
  const format = (values.format ?? 'text') as Format;
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format '${format}' (available: ${FORMATS.join(', ')})`);
  const path = positionals[0]!;
  const trace = loadTrace(path);
  const model = findModel(models, trace.model);
  const unknown = Object.keys(trace.params).filter((k) => !(k in model.params));
  if (unknown.length > 0) throw new UsageError(`${path}: model ${model.name} has no parameter ${unknown.join(', ')}`);
  let system;
  try {
    system = compile(model, trace.variant, trace.params);
  } catch (e) {
    if (e instanceof ModelError) throw new UsageError(`${path}: ${e.message}`);
    throw e;
  }
  const r = replayTrace(system, trace);
  if (r.kind === 'diverged') throw new UsageError(`${path} no longer replays: step ${r.step}: ${r.message}`);
  if (!r.fingerprintMatches) io.err(`kmc: note: ${model.name} has changed since this trace was recorded, but every step replays as recorded\n`);
  io.out(render(format, { trace, initial: r.initial, steps: r.steps, threadNames: system.threadNames }));
  return EXIT.ok;
}
