// A test oracle for symmetry reduction: canonical fingerprints and texts of state
// objects, computed independently of the engine's state vectors (src/explore/symmetry.ts
// sorts a vector's threads; this sorts an object's, and walks it whole to fingerprint it).

import type { State } from '../../src/core/model.ts';
import type { TransitionSystem } from '../../src/core/system.ts';
import { symmetryGroups } from '../../src/explore/symmetry.ts';
import { stateFingerprint, threadFingerprint } from '../../bench/retired/state-fingerprint.ts';

export interface Canonical {
  /** the 64-bit fingerprint the state is stored under */
  hi: number;
  lo: number;
  /** perm[thread] = the thread's position in the canonical state; undefined: identity */
  perm: Int32Array | undefined;
}

export interface Canonicaliser {
  (state: State): Canonical;
  /** the canonical state as text (tests, and the states a test asks to see) */
  text(state: State): string;
}

interface Permutation {
  perm: Int32Array;
  /** order[j] = the thread at canonical position j */
  order: number[];
  rename: Map<string, string>;
}

/** Canonical fingerprints (and texts) of states, with or without symmetry reduction. */
export function canonicaliser(system: TransitionSystem, symmetry: boolean): Canonicaliser {
  const symmetric = symmetry ? symmetryGroups(system) : [];
  const names = system.threadNames;
  const n = names.length;

  // each group's threads sorted by the fingerprint of (pc, locals), ties by index
  const permutation = (state: State): Permutation | undefined => {
    let p: Permutation | undefined;
    for (const members of symmetric) {
      const keys = members.map((i) => threadFingerprint(state.threads[i]!));
      const sorted = members
        .map((_, j) => j)
        .sort((a, b) => keys[a]![0] - keys[b]![0] || keys[a]![1] - keys[b]![1] || a - b);
      if (sorted.every((o, j) => o === j)) continue;
      if (p === undefined) {
        const perm = new Int32Array(n);
        for (let i = 0; i < n; i++) perm[i] = i;
        p = { perm, order: [...perm], rename: new Map() };
      }
      for (let j = 0; j < members.length; j++) {
        const from = members[sorted[j]!]!;
        const to = members[j]!;
        p.perm[from] = to;
        p.order[to] = from;
        p.rename.set(names[from]!, names[to]!);
      }
    }
    return p;
  };

  const canon = ((state: State): Canonical => {
    const p = symmetric.length === 0 ? undefined : permutation(state);
    const [hi, lo] = p === undefined ? stateFingerprint(state) : stateFingerprint(state, p.order, p.rename);
    return { hi, lo, perm: p?.perm };
  }) as Canonicaliser;

  canon.text = (state) => {
    const p = symmetric.length === 0 ? undefined : permutation(state);
    if (p === undefined) return JSON.stringify(state);
    const threads = p.order.map((i) => state.threads[i]!);
    return JSON.stringify({ world: state.world, threads, faults: state.faults }, (_, v) =>
      typeof v === 'string' ? (p.rename.get(v) ?? v) : v,
    );
  };
  return canon;
}
