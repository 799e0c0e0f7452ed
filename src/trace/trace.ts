// The trace record: a shrunk counterexample anyone can replay. Plain JSON (see codec.ts).

import type { Patch } from 'immer';
import type { Plain } from '../core/model.ts';
import type { TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import type { Strategy } from '../explore/result.ts';

export const TRACE_FORMAT = 'kmc-trace/1';

export interface TraceStep {
  thread: string;
  step: string;
  choice: string;
  /** the state changes the step made, as immer patches on { world, threads, faults } */
  patches: Patch[];
}

export interface Trace {
  format: typeof TRACE_FORMAT;
  model: string;
  variant: string;
  params: Record<string, Plain>;
  fingerprint: string;
  strategy: Strategy;
  seed: number | null;
  /** index taken among the enabled transitions at each step */
  decisions: number[];
  steps: TraceStep[];
  violation: Violation;
}

/** Re-execute a path with patches recorded and build its trace. */
export function recordTrace(system: TransitionSystem, path: readonly number[], violation: Violation, strategy: Strategy, seed: number | null): Trace {
  let state = system.initial();
  const steps: TraceStep[] = [];
  for (const d of path) {
    const t = system.enabled(state)[d];
    if (t === undefined) throw new Error(`path index ${d} out of range at step ${steps.length + 1}`);
    const label = system.label(state, t);
    const applied = system.apply(state, t, { patches: true });
    steps.push({ ...label, patches: applied.patches ?? [] });
    state = applied.state;
  }
  return {
    format: TRACE_FORMAT,
    model: system.modelName,
    variant: system.variant,
    params: system.params,
    fingerprint: system.fingerprint,
    strategy,
    seed,
    decisions: [...path],
    steps,
    violation,
  };
}
