// A plain reference search for the bench: breadth-first over full states keyed by their
// JSON text (a JS Set of strings: slow and memory-hungry, but obviously right). It is the
// yardstick the Promela ports' state counts are checked against, independently of the
// fingerprinting explorers in src/explore/.

import type { TransitionSystem } from '../src/core/system.ts';

export interface ReferenceCount {
  states: number;
  transitions: number;
  depth: number;
  terminal: number;
  violations: number;
  ms: number;
}

/** Every reachable state of `system` (states where a step raised a violation are not expanded). */
export function referenceCount(system: TransitionSystem, maxStates = 5_000_000): ReferenceCount {
  const started = performance.now();
  const seen = new Set<string>();
  let frontier = [system.initial()];
  seen.add(JSON.stringify(frontier[0]));
  let transitions = 0;
  let depth = 0;
  let terminal = 0;
  let violations = 0;
  while (frontier.length > 0) {
    const next = [];
    for (const s of frontier) {
      const enabled = system.enabled(s);
      if (system.check(s, enabled.length) !== undefined) violations++;
      if (enabled.length === 0) terminal++;
      for (const t of enabled) {
        transitions++;
        const a = system.apply(s, t);
        if (a.violation) {
          violations++;
          continue;
        }
        const key = JSON.stringify(a.state);
        if (seen.has(key)) continue;
        seen.add(key);
        if (seen.size > maxStates) throw new Error(`more than ${maxStates} states`);
        next.push(a.state);
      }
    }
    if (next.length > 0) depth++;
    frontier = next;
  }
  return { states: seen.size, transitions, depth, terminal, violations, ms: performance.now() - started };
}
