// Replay: re-execute a trace's decisions against the model and check every step against
// the record. The first step that differs means the model changed since the trace was made.

import type { Patch } from 'immer';
import type { State } from '../core/model.ts';
import type { TransitionLabel, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import type { Trace } from './trace.ts';

export interface ReplayedStep extends TransitionLabel {
  patches: Patch[];
  before: State;
  after: State;
}

export type ReplayResult =
  | { kind: 'reproduced'; initial: State; steps: ReplayedStep[]; violation: Violation; fingerprintMatches: boolean }
  | { kind: 'diverged'; step: number; message: string };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const show = (l: TransitionLabel) => `${l.thread}: ${l.step}${l.choice ? ` [${l.choice}]` : ''}`;

export function replay(system: TransitionSystem, trace: Trace): ReplayResult {
  const initial = system.initial();
  let state = initial;
  const steps: ReplayedStep[] = [];
  let stepViolation: Violation | undefined;
  for (const [i, d] of trace.decisions.entries()) {
    const n = i + 1;
    const recorded = trace.steps[i]!;
    if (stepViolation) return { kind: 'diverged', step: n, message: `the model stopped at step ${n - 1} (${stepViolation.property}) but the trace goes on` };
    const enabled = system.enabled(state);
    const t = enabled[d];
    if (t === undefined) {
      return { kind: 'diverged', step: n, message: `recorded ${show(recorded)}, but only ${enabled.length} transitions are enabled there now` };
    }
    const label = system.label(state, t);
    if (!same(label, { thread: recorded.thread, step: recorded.step, choice: recorded.choice })) {
      return { kind: 'diverged', step: n, message: `recorded ${show(recorded)}, the model now takes ${show(label)}` };
    }
    const applied = system.apply(state, t, { patches: true });
    if (!same(applied.patches, recorded.patches)) {
      return { kind: 'diverged', step: n, message: `${show(label)} changed the state differently than recorded` };
    }
    steps.push({ ...label, patches: applied.patches ?? [], before: state, after: applied.state });
    stepViolation = applied.violation;
    state = applied.state;
  }
  const violation = stepViolation ?? system.check(state, system.enabled(state).length, trace.violation.property);
  const end = trace.steps.length;
  if (violation === undefined) {
    return { kind: 'diverged', step: end, message: `the recorded violation of ${trace.violation.property} no longer happens` };
  }
  if (violation.property !== trace.violation.property || violation.message !== trace.violation.message) {
    return { kind: 'diverged', step: end, message: `recorded ${trace.violation.property} (${trace.violation.message}), the model now reports ${violation.property} (${violation.message})` };
  }
  return { kind: 'reproduced', initial, steps, violation, fingerprintMatches: system.fingerprint === trace.fingerprint };
}
