// Symmetry reduction: threads of one symmetry group (identical userspace threads) are
// interchangeable, so states that differ only by a permutation of them are one state.
// A state is stored under its canonical text: each group's threads sorted by (pc, locals),
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

export interface Canonical {
  /** the text the state is fingerprinted by */
  key: string;
  /** perm[thread] = the thread's position in the canonical state; undefined: identity */
  perm: Int32Array | undefined;
}

/** The canonical text of states, with or without symmetry reduction. */
export function canonicaliser(system: TransitionSystem, symmetry: boolean): (state: State) => Canonical {
  const groups = new Map<string, number[]>();
  system.symmetry.forEach((g, i) => {
    if (g !== undefined) groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  const symmetric = [...groups.values()].filter((m) => m.length > 1);
  if (!symmetry || symmetric.length === 0) return (state) => ({ key: JSON.stringify(state), perm: undefined });
  const names = system.threadNames;
  const n = names.length;

  return (state) => {
    let perm: Int32Array | undefined;
    let rename: Map<string, string> | undefined;
    let threads = state.threads;
    for (const members of symmetric) {
      const keys = members.map((i) => JSON.stringify([state.threads[i]!.pc, state.threads[i]!.local]));
      const order = members.map((_, j) => j).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
      if (order.every((o, j) => o === j)) continue;
      if (perm === undefined) {
        perm = new Int32Array(n);
        for (let i = 0; i < n; i++) perm[i] = i;
        threads = [...state.threads];
        rename = new Map();
      }
      for (let j = 0; j < members.length; j++) {
        const from = members[order[j]!]!;
        const to = members[j]!;
        perm[from] = to;
        threads[to] = state.threads[from]!;
        rename!.set(names[from]!, names[to]!);
      }
    }
    if (perm === undefined) return { key: JSON.stringify(state), perm: undefined };
    const r = rename!;
    const key = JSON.stringify({ world: state.world, threads, faults: state.faults }, (_, v) => (typeof v === 'string' ? (r.get(v) ?? v) : v));
    return { key, perm };
  };
}
