// Shortening a counterexample after fast-check has shrunk its input: fast-check shrinks
// the decision list, where dropping one decision shifts the meaning of all that follow;
// here the path is read as a schedule of (thread, choice) moves, and moves are dropped one
// at a time (delta debugging with single removals) as long as the same property breaks.

import type { Transition, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';

interface Run {
  path: number[];
  violation?: Violation;
}

/** Follow a schedule of moves, skipping those not enabled, then take the first enabled transition. */
function follow(system: TransitionSystem, moves: readonly Transition[], maxSteps: number, only: string): Run {
  let state = system.initial();
  let enabled = system.enabled(state);
  const path: number[] = [];
  let m = 0;
  let violation = system.check(state, enabled.length, only);
  while (violation === undefined && enabled.length > 0 && path.length < maxSteps) {
    let d = 0;
    while (m < moves.length) {
      const want = moves[m++]!;
      const i = enabled.findIndex((t) => t.thread === want.thread && t.choice === want.choice);
      if (i >= 0) {
        d = i;
        break;
      }
    }
    path.push(d);
    const applied = system.apply(state, enabled[d]!);
    if (applied.violation) return { path, violation: applied.violation };
    state = applied.state;
    enabled = system.enabled(state);
    violation = system.check(state, enabled.length, only);
  }
  return { path, ...(violation ? { violation } : {}) };
}

function movesOf(system: TransitionSystem, path: readonly number[]): Transition[] {
  let state = system.initial();
  return path.map((d) => {
    const t = system.enabled(state)[d]!;
    state = system.apply(state, t).state;
    return t;
  });
}

/** A path no longer than `path` that breaks the same property; each removal is re-checked. */
export function minimize(system: TransitionSystem, path: readonly number[], violation: Violation, maxSteps: number): { path: number[]; violation: Violation } {
  let best = { path: [...path], violation };
  let improved = true;
  while (improved) {
    improved = false;
    const moves = movesOf(system, best.path);
    for (let i = moves.length - 1; i >= 0; i--) {
      const candidate = follow(system, [...moves.slice(0, i), ...moves.slice(i + 1)], maxSteps, violation.property);
      if (candidate.violation?.property === violation.property && candidate.path.length < best.path.length) {
        best = { path: candidate.path, violation: candidate.violation };
        improved = true;
        break;
      }
    }
  }
  return best;
}
