// ITF, the Informal Trace Format of Apalache and Quint (Apalache ADR-015): a #meta header,
// the variable names, and the list of states, each with "#meta": { "index": i }. Values are
// strings, booleans, integers (#bigint beyond 2^53), lists and records. ITF has no null, and
// a variable must keep one type, so a position that is null in some state of the trace (an
// empty fd slot, a page with no data yet) is Quint's Option at every state: None as
// { "tag": "None", "value": { "#tup": [] } }, a value v as { "tag": "Some", "value": v }.
// Each state also carries the step that led to it the way Quint's MBT traces do:
// "mbt::actionTaken" (thread.step, "init" for the first) and "mbt::nondetPicks" (the
// thread and the choice, Some/None variants).

import type { State } from '../core/model.ts';
import type { TraceView } from './view.ts';

export type ItfValue = string | number | boolean | ItfValue[] | { [key: string]: ItfValue };

export const ACTION_TAKEN = 'mbt::actionTaken';
export const NONDET_PICKS = 'mbt::nondetPicks';
export const ITF_SPEC = 'https://apalache-mc.org/docs/adr/015adr-trace.html';

const NONE: ItfValue = { tag: 'None', value: { '#tup': [] } };
const some = (v: ItfValue): ItfValue => ({ tag: 'Some', value: v });

/** A position in a value: record keys, and `[]` for any element of a list. */
const inList = (at: string) => `${at}[]`;
const inRecord = (at: string, k: string) => `${at}.${k}`;

/** The positions that hold null (or nothing) somewhere in these values: Options in ITF. */
export function nullablePositions(values: readonly unknown[]): Set<string> {
  const found = new Set<string>();
  const walk = (x: unknown, at: string): void => {
    if (x === null || x === undefined) found.add(at);
    else if (Array.isArray(x)) x.forEach((v) => walk(v, inList(at)));
    else if (typeof x === 'object') for (const [k, v] of Object.entries(x)) walk(v, inRecord(at, k));
  };
  values.forEach((v) => walk(v, ''));
  return found;
}

/**
 * A plain value as an ITF expression; at the positions in `options` (nullablePositions of
 * every value the variable takes), an Option: None for null, Some for the rest.
 */
export function toItfValue(x: unknown, options: ReadonlySet<string> = new Set(), at = ''): ItfValue {
  if (x === null || x === undefined) return NONE;
  const v = present(x, options, at);
  return options.has(at) ? some(v) : v;
}

function present(x: {}, options: ReadonlySet<string>, at: string): ItfValue {
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') {
    if (Number.isSafeInteger(x)) return x;
    if (Number.isInteger(x)) return { '#bigint': BigInt(x).toString() };
    return String(x); // ITF has no fractions; kmc states hold none, but do not emit invalid ITF
  }
  if (typeof x === 'bigint') return { '#bigint': x.toString() };
  if (Array.isArray(x)) return x.map((v) => toItfValue(v, options, inList(at)));
  if (typeof x === 'object') {
    const out: Record<string, ItfValue> = {};
    // record fields must not start with '#' (those are ITF's own forms)
    for (const [k, v] of Object.entries(x))
      out[k.startsWith('#') ? `_${k}` : k] = toItfValue(v, options, inRecord(at, k));
    return out;
  }
  return String(x);
}

/** The ITF variables of a state, as plain values: each world field, the threads (by name) and the fault count. */
function variables(state: State, threadNames: readonly string[]): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  const world = (state.world ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(world)) vars[k === 'threads' || k === 'faults' ? `world::${k}` : k] = v;
  const threads: Record<string, unknown> = {};
  state.threads.forEach((t, i) => (threads[threadNames[i] ?? `#${i}`] = { pc: t.pc, ...t.local }));
  vars.threads = threads;
  vars.faults = state.faults;
  return vars;
}

export function toItf(view: TraceView): Record<string, unknown> {
  const { trace } = view;
  const states = [view.initial, ...view.steps.map((s) => s.after)];
  const picks = (thread: string | undefined, choice: string | undefined): ItfValue => ({
    thread: thread === undefined ? NONE : some(thread),
    choice: choice === undefined || choice === '' ? NONE : some(choice),
  });
  const plain = states.map((st) => variables(st, view.threadNames));
  // one type per variable: a position null in any state is an Option in all of them
  const options = nullablePositions(plain);
  const itfStates = plain.map((vars, i) => {
    const step = i === 0 ? undefined : view.steps[i - 1]!;
    return {
      '#meta': { index: i },
      ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, toItfValue(v, options, inRecord('', k))])),
      [ACTION_TAKEN]: step === undefined ? 'init' : `${step.thread}.${step.step}`,
      [NONDET_PICKS]: picks(step?.thread, step?.choice),
    };
  });
  const { '#meta': _, ...first } = itfStates[0]!;
  return {
    '#meta': {
      format: 'ITF',
      'format-description': ITF_SPEC,
      source: trace.model,
      description: `kmc counterexample: ${trace.violation.property}`,
      variant: trace.variant,
      params: trace.params,
      fingerprint: trace.fingerprint,
      strategy: trace.strategy,
      seed: trace.seed,
      violation: trace.violation,
    },
    vars: Object.keys(first),
    states: itfStates,
  };
}

/** The ITF JSON text: one state per line, so traces diff well. */
export function renderItf(view: TraceView): string {
  const itf = toItf(view) as { '#meta': unknown; vars: string[]; states: unknown[] };
  return (
    [
      '{',
      `  "#meta": ${JSON.stringify(itf['#meta'])},`,
      `  "vars": ${JSON.stringify(itf.vars)},`,
      '  "states": [',
      itf.states.map((s) => `    ${JSON.stringify(s)}`).join(',\n'),
      '  ]',
      '}',
    ].join('\n') + '\n'
  );
}
