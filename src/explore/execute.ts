// Executing one path of a transition system from its initial state: the common core of
// the random explorer (a decision list) and of replay (a recorded path).

import type { State } from '../core/model.ts';
import type { Transition, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';

export interface Execution {
  /** index taken among the enabled transitions at each step */
  path: number[];
  /** the violation that ended the execution, if any */
  violation?: Violation;
  /** the execution stopped at maxSteps with threads still running */
  truncated: boolean;
  final: State;
}

/**
 * Run from the initial state. With `only`, state properties other than that one are not
 * checked (violations raised inside steps always end the run). Decision i picks enabled[decisions[i] % enabled.length];
 * once the decisions run out, the first enabled transition is taken until the run ends.
 */
export function execute(system: TransitionSystem, decisions: readonly number[], maxSteps: number, only?: string): Execution {
  let state = system.initial();
  let enabled: Transition[] = system.enabled(state);
  const path: number[] = [];
  let violation = system.check(state, enabled.length, only);
  while (violation === undefined && enabled.length > 0) {
    if (path.length >= maxSteps) return { path, truncated: true, final: state };
    const d = path.length < decisions.length ? decisions[path.length]! % enabled.length : 0;
    path.push(d);
    const applied = system.apply(state, enabled[d]!);
    if (applied.violation) return { path, violation: applied.violation, truncated: false, final: state };
    state = applied.state;
    enabled = system.enabled(state);
    violation = system.check(state, enabled.length, only);
  }
  return { path, truncated: false, final: state, ...(violation ? { violation } : {}) };
}
