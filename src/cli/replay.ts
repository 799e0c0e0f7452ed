// kmc replay <trace> [--format text|json]

import { readFileSync } from 'node:fs';
import type { Model } from '../core/model.ts';
import { compile } from '../core/system.ts';
import { ModelError } from '../core/violation.ts';
import { renderText } from '../report/text.ts';
import { decodeTrace, encodeTrace, TraceFormatError } from '../trace/codec.ts';
import { replay as replayTrace } from '../trace/replay.ts';
import type { Trace } from '../trace/trace.ts';
import { parse } from './args.ts';
import { EXIT, UsageError, type Io } from './errors.ts';
import { findModel } from './models.ts';

const FORMATS = ['text', 'json'] as const;

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
  const format = values.format ?? 'text';
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
  io.out(format === 'json' ? encodeTrace(trace) : renderText(trace, r.steps, system.threadNames));
  return EXIT.ok;
}
