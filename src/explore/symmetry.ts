// Symmetry reduction: threads of one symmetry group (identical userspace threads) are
// interchangeable, so states that differ only by a permutation of them are one state.
// A state is stored under its canonical fingerprint: each group's threads sorted by (pc, locals),
// and every string in the state equal to the name of a moved thread renamed along (the
// world names threads, e.g. a mapping's owner or an observation's thread).
//
// Restriction on models (see README, "Exhaustive checking"): the state may refer to a
// thread of a symmetry group only by its exact name as a whole string value (not as an
// object key, not inside a longer string, not by its index), and properties must not
// depend on which of the interchangeable threads did what. Ties (equal pc and locals,
// different references in the world) leave a state partly canonical: sound, less reduced.

import type { State } from '../core/model.ts';
import type { TransitionSystem } from '../core/system.ts';
import { stateFingerprint, threadFingerprint } from './state-fingerprint.ts';

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

/** The symmetry groups of more than one thread, as thread indices. */
export function symmetryGroups(system: TransitionSystem): number[][] {
  const groups = new Map<string, number[]>();
  system.symmetry.forEach((g, i) => {
    if (g !== undefined) groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  return [...groups.values()].filter((m) => m.length > 1);
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
      const sorted = members.map((_, j) => j).sort((a, b) => keys[a]![0] - keys[b]![0] || keys[a]![1] - keys[b]![1] || a - b);
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
    return JSON.stringify({ world: state.world, threads, faults: state.faults }, (_, v) => (typeof v === 'string' ? (p.rename.get(v) ?? v) : v));
  };
  return canon;
}
