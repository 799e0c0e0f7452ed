// kmc replay <trace> [--format text|columns|mermaid|itf|html|json] [--width n]: re-execute a trace,
// check every step against the record, and print it.

import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Model } from '../core/model.ts';
import { paramsError } from '../core/params.ts';
import { didYouMean } from '../core/suggest.ts';
import { compile, type TransitionSystem } from '../core/system.ts';
import { match } from 'ts-pattern';
import { renderColumns, WIDTH } from '../report/columns.ts';
import { renderHtml } from '../report/html.ts';
import { renderItf } from '../report/itf.ts';
import { renderMermaid } from '../report/mermaid.ts';
import { renderText } from '../report/text.ts';
import type { TraceView } from '../report/view.ts';
import { decodeTraceValue, encodeTrace, TraceFormatError } from '../trace/codec.ts';
import { replay as replayTrace } from '../trace/replay.ts';
import { replayParams, type Trace } from '../trace/trace.ts';
import { integer, str, type Command } from './args.ts';
import { EXIT, UsageError } from './errors.ts';
import { jsonError, readInput } from './input.ts';
import { openProject, type Project } from './project.ts';

export const FORMATS = ['text', 'columns', 'mermaid', 'itf', 'html', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** A replayed trace in one of the formats. */
export function render(format: Format, view: TraceView, width = WIDTH): string {
  return match(format)
    .with('text', () => renderText(view.trace, view.steps, view.threadNames))
    .with('columns', () => renderColumns(view, width))
    .with('mermaid', () => renderMermaid(view))
    .with('itf', () => renderItf(view))
    .with('html', () => renderHtml(view))
    .with('json', () => encodeTrace(view.trace))
    .exhaustive();
}

/** A trace file: a regular file up to MAX_INPUT_BYTES, strictly decoded. */
export function loadTrace(path: string): Trace {
  const text = readInput(path, 'trace');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not a kmc trace: not JSON (${jsonError(e, text)})`);
  }
  try {
    return decodeTraceValue(raw);
  } catch (e) {
    if (e instanceof TraceFormatError) throw new UsageError(`${path} is not a kmc trace: ${e.message}`);
    throw e;
  }
}

export const replay: Command = {
  name: 'replay',
  args: '<trace>',
  summary: 'replay a trace step by step against the model it names, and print it',
  options: {
    format: { type: 'string', value: FORMATS.join('|'), help: 'how to print it (default text)' },
    width: {
      type: 'string',
      value: 'n',
      help: `columns: the widest a line gets (default ${WIDTH}; 78 leaves room to quote)`,
    },
  },
  more: "The model is loaded from the trace's source (relative to the project root), else found by name among the project's models.\nexit codes: 0 replayed as recorded, 2 the trace does not replay (the model changed) or is bad input, 4 model error",
  async run(p, io, project) {
    if (p.positionals.length !== 1) throw new UsageError('replay takes one trace file');
    const format = (str(p, 'format') ?? 'text') as Format;
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(
        `unknown format '${format}'${didYouMean(format, FORMATS)} (available: ${FORMATS.join(', ')})`,
      );
    const width = integer('width', str(p, 'width'), WIDTH, 40);
    const path = p.positionals[0]!;
    const trace = loadTrace(path);
    const model = await modelOf(trace, path, project);
    const system = claimed(trace, path, model);
    const r = replayTrace(system, trace);
    const changed =
      r.changed !== undefined && r.changed.length > 0 ? `; changed since it was recorded: ${r.changed.join(', ')}` : '';
    if (r.kind === 'diverged')
      throw new UsageError(`${path} no longer replays: step ${r.step}: ${r.message}${changed}`);
    if (changed)
      io.err(
        `kmc: note: ${model.name} has changed since this trace was recorded (${r.changed!.join(', ')}), but every step replays as recorded\n`,
      );
    io.out(render(format, { trace, initial: r.initial, steps: r.steps, threadNames: system.threadNames }, width));
    return EXIT.ok;
  },
};

/**
 * The variant a trace claims, compiled, once its claims hold: the variant exists, the
 * parameters it records (overrides and all) are values the model's schema allows, and they
 * are the variant's with the overrides on top. A trace relabelled with another variant's
 * name (or whose variant's parameters changed since) is refused naming the parameter.
 * Recorded parameters the model no longer declares are left to the replay's list of changes.
 */
function claimed(trace: Trace, path: string, model: Model): TransitionSystem {
  if (!Object.hasOwn(model.variants, trace.variant)) {
    const known = Object.keys(model.variants);
    throw new UsageError(
      `${path}: model ${model.name} has no variant '${trace.variant}'${didYouMean(trace.variant, known)} (it has: ${known.join(', ')})`,
    );
  }
  const params = replayParams(trace);
  const declared = Object.fromEntries(Object.entries(trace.params).filter(([k]) => Object.hasOwn(model.params, k)));
  const bad = paramsError(model, params) ?? paramsError(model, declared);
  if (bad !== undefined) throw new UsageError(`${path}: ${bad}`);
  const system = compile(model, trace.variant, params);
  for (const [k, recorded] of Object.entries(declared)) {
    const now = system.params[k];
    if (JSON.stringify(recorded) === JSON.stringify(now)) continue;
    // two long values shown from a little before where they first differ
    const [a, b] = [JSON.stringify(recorded) ?? 'nothing', JSON.stringify(now) ?? 'nothing'];
    let same = 0;
    while (same < a.length && a[same] === b[same]) same++;
    const from = same > 30 ? same - 10 : 0;
    const shown = (j: string) =>
      `${from > 0 ? '...' : ''}${j.length - from <= 60 ? j.slice(from) : `${j.slice(from, from + 57)}...`}`;
    throw new UsageError(
      `${path} claims variant ${trace.variant}, but records ${k} = ${shown(a)} where ${trace.variant} with the trace's overrides has ${shown(b)} (relabelled from another variant, or the variant changed since)`,
    );
  }
  return system;
}

/**
 * The trace's model: from its source file (under the project root where kmc runs, else
 * under that of the trace's own folder) when there is one, else by name in the project.
 */
async function modelOf(trace: Trace, path: string, project: Project): Promise<Model> {
  if (trace.source === undefined) return project.model(trace.model);
  if (isAbsolute(trace.source) || trace.source.split('/').includes('..') || !/\.[mc]?[jt]s$/.test(trace.source)) {
    throw new UsageError(`${path}: its source ${JSON.stringify(trace.source)} is not a model file inside a project`);
  }
  for (const p of [project, openProject(dirname(resolve(path)))]) {
    const file = resolve(p.root, trace.source);
    if (!existsSync(file)) continue;
    const m = (await p.models([file])).find((x) => x.name === trace.model);
    if (m === undefined) throw new UsageError(`${path}: ${trace.source} has no model ${trace.model}`);
    return m;
  }
  try {
    return await project.model(trace.model);
  } catch {
    throw new UsageError(
      `${path}: its model ${trace.model} came from ${trace.source}, which is neither under ${project.root} nor under the project of the trace's folder`,
    );
  }
}
