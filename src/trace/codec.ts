// JSON codec of trace files: stable key order and layout (byte-identical for the same
// trace), and a strict decoder that names what is wrong with a file it refuses.

import { TRACE_FORMAT, TRACE_FORMAT_1, type Trace } from './trace.ts';

export class TraceFormatError extends Error {}

/** One step per line: diffable, and small enough to read. */
export function encodeTrace(trace: Trace): string {
  const { steps, decisions, ...head } = trace;
  const lines = [
    '{',
    ...Object.entries(head)
      .filter(([k]) => k !== 'violation')
      .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`),
    `  "decisions": ${JSON.stringify(decisions)},`,
    '  "steps": [',
    steps.map((s) => `    ${JSON.stringify(s)}`).join(',\n'),
    '  ],',
    `  "violation": ${JSON.stringify(trace.violation)}`,
    '}',
  ];
  return lines.join('\n') + '\n';
}

function fail(what: string): never {
  throw new TraceFormatError(what);
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The longest model, variant, strategy or source name a trace may hold. */
export const MAX_NAME = 1000;

export function decodeTrace(text: string): Trace {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // V8's reason, without the text it quotes after it (a whole file, newlines and all)
    fail(`not JSON (${(e instanceof Error ? e.message : String(e)).replace(/, (\.\.\.)?".*$/s, '')})`);
  }
  return decodeTraceValue(raw);
}

/** decodeTrace of a value JSON.parse gave. */
export function decodeTraceValue(raw: unknown): Trace {
  if (!isObject(raw)) fail('not a JSON object');
  if (raw.format !== TRACE_FORMAT && raw.format !== TRACE_FORMAT_1)
    fail(`format is ${JSON.stringify(raw.format)}, expected "${TRACE_FORMAT}" (or "${TRACE_FORMAT_1}")`);
  for (const key of ['model', 'variant', 'fingerprint', 'strategy'] as const) {
    if (typeof raw[key] !== 'string') fail(`field "${key}" is missing or not a string`);
    if ((raw[key] as string).length > MAX_NAME)
      fail(`field "${key}" is ${(raw[key] as string).length} characters long (at most ${MAX_NAME})`);
  }
  if (!isObject(raw.params)) fail('field "params" is missing or not an object');
  if (raw.format === TRACE_FORMAT) {
    if (raw.source !== undefined && (typeof raw.source !== 'string' || raw.source.length > MAX_NAME))
      fail(`field "source" is not a string of at most ${MAX_NAME} characters`);
    if (!isObject(raw.overrides)) fail('field "overrides" is missing or not an object');
    const f = raw.fingerprints;
    const hashes = (x: unknown) => isObject(x) && Object.values(x).every((h) => typeof h === 'string');
    if (!isObject(f) || !isObject(f.steps) || !Object.values(f.steps).every(hashes) || !hashes(f.properties)) {
      fail('field "fingerprints" is not {steps: {thread: {label: hash}}, properties: {name: hash}}');
    }
  }
  if (raw.seed !== null && typeof raw.seed !== 'number') fail('field "seed" is not a number or null');
  if (!Array.isArray(raw.decisions) || !raw.decisions.every((d) => Number.isInteger(d) && d >= 0))
    fail('field "decisions" is not a list of non-negative integers');
  if (!Array.isArray(raw.steps)) fail('field "steps" is not a list');
  raw.steps.forEach((s, i) => {
    if (
      !isObject(s) ||
      typeof s.thread !== 'string' ||
      typeof s.step !== 'string' ||
      typeof s.choice !== 'string' ||
      !Array.isArray(s.patches)
    ) {
      fail(`step ${i + 1} is not {thread, step, choice, patches}`);
    }
    if (s.shown !== undefined && typeof s.shown !== 'string') fail(`step ${i + 1}: field "shown" is not a string`);
  });
  if (raw.steps.length !== raw.decisions.length)
    fail(`${raw.steps.length} steps but ${raw.decisions.length} decisions`);
  const v = raw.violation;
  if (!isObject(v) || typeof v.property !== 'string' || typeof v.message !== 'string')
    fail('field "violation" is not {property, message}');
  const edge = (e: unknown) =>
    isObject(e) && ['thread', 'step', 'lock', 'holder'].every((k) => typeof e[k] === 'string');
  if (v.cycle !== undefined && !(Array.isArray(v.cycle) && v.cycle.length > 0 && v.cycle.every(edge)))
    fail('field "violation.cycle" is not a list of {thread, step, lock, holder}');
  return raw as unknown as Trace;
}
