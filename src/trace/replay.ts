// Replay: re-execute a trace's decisions against the model and check every step against
// the record. The first step that differs means the model changed since the trace was made.

import type { Patch } from 'immer';
import type { State } from '../core/model.ts';
import type { TransitionLabel, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import type { Trace } from './trace.ts';

export interface ReplayedStep extends TransitionLabel {
  /** how the model now shows the call (Step.show); display only, so never compared with the record */
  shown?: string;
  patches: Patch[];
  before: State;
  after: State;
}

export type ReplayResult =
  /** `changed`: what of the model differs from the record (empty: nothing; undefined: a kmc-trace/1 file, not comparable) */
  | { kind: 'reproduced'; initial: State; steps: ReplayedStep[]; violation: Violation; changed: string[] | undefined }
  | { kind: 'diverged'; step: number; message: string; changed: string[] | undefined };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const show = (l: TransitionLabel) => `${l.thread}: ${l.step}${l.choice ? ` [${l.choice}]` : ''}`;

/**
 * What of the model changed since the trace was recorded: parameters (old → new), steps
 * and properties whose normalised source differs, or that came or went.
 */
export function changes(system: TransitionSystem, trace: Trace): string[] | undefined {
  const was = trace.fingerprints;
  if (was === undefined) return undefined;
  if (trace.fingerprint === system.fingerprint) return [];
  const out: string[] = [];
  for (const k of new Set([...Object.keys(trace.params), ...Object.keys(system.params)])) {
    const [a, b] = [JSON.stringify(trace.params[k]), JSON.stringify(system.params[k])];
    if (a !== b) out.push(`parameter ${k}: ${a ?? '(none)'} → ${b ?? '(none)'}`);
  }
  const now = system.fingerprints;
  const compare = (what: string, before: Record<string, string>, after: Record<string, string>) => {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (before[k] === after[k]) continue;
      out.push(`${what}${k}${before[k] === undefined ? ' (new)' : after[k] === undefined ? ' (gone)' : ''}`);
    }
  };
  const threads = new Set([...Object.keys(was.steps), ...Object.keys(now.steps)]);
  for (const t of threads) {
    const [before, after] = [was.steps[t], now.steps[t]];
    if (before === undefined || after === undefined) out.push(`thread ${t}${before === undefined ? ' (new)' : ' (gone)'}`);
    else compare(`step ${t}.`, before, after);
  }
  compare('property ', was.properties, now.properties);
  if (out.length === 0) out.push('the fault budget or the initial locals');
  return out;
}

export function replay(system: TransitionSystem, trace: Trace): ReplayResult {
  const changed = changes(system, trace);
  const diverged = (step: number, message: string): ReplayResult => ({ kind: 'diverged', step, message, changed });
  const initial = system.initial();
  let state = initial;
  const steps: ReplayedStep[] = [];
  let stepViolation: Violation | undefined;
  for (const [i, d] of trace.decisions.entries()) {
    const n = i + 1;
    const recorded = trace.steps[i]!;
    if (stepViolation) return diverged(n, `the model stopped at step ${n - 1} (${stepViolation.property}) but the trace goes on`);
    const enabled = system.enabled(state);
    const t = enabled[d];
    if (t === undefined) {
      return diverged(n, `recorded ${show(recorded)}, but only ${enabled.length} transitions are enabled there now`);
    }
    const label = system.label(state, t);
    if (!same(label, { thread: recorded.thread, step: recorded.step, choice: recorded.choice })) {
      return diverged(n, `recorded ${show(recorded)}, the model now takes ${show(label)}`);
    }
    const applied = system.apply(state, t, { patches: true });
    if (!same(applied.patches, recorded.patches)) {
      return diverged(n, `${show(label)} changed the state differently than recorded`);
    }
    const shown = applied.violation ? undefined : system.shown(state, t, applied.state);
    steps.push({ ...label, ...(shown !== undefined ? { shown } : {}), patches: applied.patches ?? [], before: state, after: applied.state });
    stepViolation = applied.violation;
    state = applied.state;
  }
  const violation = stepViolation ?? system.check(state, system.enabled(state).length, trace.violation.property);
  const end = trace.steps.length;
  if (violation === undefined) {
    return diverged(end, `the recorded violation of ${trace.violation.property} no longer happens`);
  }
  if (violation.property !== trace.violation.property || violation.message !== trace.violation.message) {
    return diverged(end, `recorded ${trace.violation.property} (${trace.violation.message}), the model now reports ${violation.property} (${violation.message})`);
  }
  return { kind: 'reproduced', initial, steps, violation, changed };
}
