// Shortening a counterexample after fast-check has shrunk its input: fast-check shrinks
// the decision list, where dropping one decision shifts the meaning of all that follow;
// here the path is read as a schedule of transitions (thread, choice), and transitions are
// dropped one at a time (delta debugging with single removals) as long as the same
// property breaks. Each candidate is a chooser over the run loop (run.ts).

import type { Transition, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import { pathChooser, run, type Chooser } from './run.ts';

/** Follow a schedule of transitions, skipping those not enabled, then take the first enabled one. */
function scheduleOf(transitions: readonly Transition[]): Chooser {
  let m = 0;
  return {
    choose(_state, enabled) {
      while (m < transitions.length) {
        const want = transitions[m++]!;
        const i = enabled.findIndex((t) => t.thread === want.thread && t.choice === want.choice);
        if (i >= 0) return i;
      }
      return 0;
    },
  };
}

/** The transitions a path takes. */
function transitionsOf(system: TransitionSystem, path: readonly number[]): Transition[] {
  const taken: Transition[] = [];
  run(system, pathChooser(path), {
    maxSteps: path.length,
    check: false,
    onStep: (s) => void taken.push(s.transition),
  });
  return taken;
}

/** A path no longer than `path` that breaks the same property; each removal is re-checked. */
export function minimize(
  system: TransitionSystem,
  path: readonly number[],
  violation: Violation,
  maxSteps: number,
): { path: number[]; violation: Violation } {
  let best = { path: [...path], violation };
  let improved = true;
  while (improved) {
    improved = false;
    const taken = transitionsOf(system, best.path);
    for (let i = taken.length - 1; i >= 0; i--) {
      const candidate = run(system, scheduleOf([...taken.slice(0, i), ...taken.slice(i + 1)]), {
        maxSteps,
        only: violation.property,
      });
      if (candidate.violation?.property === violation.property && candidate.path.length < best.path.length) {
        best = { path: candidate.path, violation: candidate.violation };
        improved = true;
        break;
      }
    }
  }
  return best;
}
