// The transition cache of the exhaustive explorers. A step is deterministic: what it does
// depends only on the thread's part (pc and locals), the choice, and the world fields it
// touches (its choices and effect, read or written, and with POR its guard: recorded by
// the step's copy of the world, clone.ts; the guard itself held, or the transition would
// not be taken). So the outcome of a transition (the parts it changed, or the violation it
// raised, and with POR its footprint) is kept under those inputs, and when the same thread
// part meets the same touched fields again, in any other state, the successor is the
// vector with those slots replaced: the step does not run, nothing is copied, walked or
// hashed but the vector. The outcomes of one transition that touched the same slots are a
// trie indexed by the parts in those slots (part numbers are small and dense), so finding
// one is an array load per slot: no hashing, no comparison. Past MAX_OUTCOMES outcomes,
// new ones are not kept.

import type { Violation } from '../core/violation.ts';
import type { Footprint } from './footprint.ts';

/** A state as the exhaustive explorers keep it: [faults, a part per world field, a part per thread]. */
export type Vec = number[];

/** What a transition did, from inputs that matched `ids`. Shared by every state it applies to. */
export interface Outcome {
  /** (slot, part) pairs the transition changed, thread included */
  writes: Int32Array;
  /** faults the transition used */
  faults: number;
  violation?: Violation;
  footprint?: Footprint;
  /** what the writes change in a fingerprint without permutation (kept once computed) */
  dhi?: number;
  dlo?: number;
}

/** Outcomes by the part in a slot, then in the next one: an outcome at depth slots.length. */
type Trie = (Trie | Outcome | undefined)[];

/** Outcomes of one (thread part, thread, choice) that touched the same slots. */
interface Group {
  slots: Int32Array;
  /** the outcome itself when the transition touched no slot */
  root: Trie | Outcome | undefined;
}

/** Past this many cached outcomes, new ones are not kept (the memory stays bounded). */
const MAX_OUTCOMES = 4_000_000;

export class TransitionCache {
  /** [thread part * threads + thread][choice] */
  private readonly groups: (Group[] | undefined)[][] = [];
  outcomes = 0;
  hits = 0;

  /** The outcome kept for this transition from `vec` (`footprint`: only one with a footprint). */
  find(key: number, choice: number, vec: Vec, footprint: boolean): Outcome | undefined {
    const groups = this.groups[key]?.[choice];
    if (groups === undefined) return undefined;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      const slots = group.slots;
      let at = group.root;
      for (let i = 0; i < slots.length && at !== undefined; i++) at = (at as Trie)[vec[slots[i]!]!];
      const o = at as Outcome | undefined;
      if (o !== undefined && (!footprint || o.footprint)) {
        this.hits++;
        return o;
      }
    }
    return undefined;
  }

  /** Keep an outcome computed from `vec`, whose transition touched `slots`. */
  keep(key: number, choice: number, slots: Int32Array, vec: Vec, o: Outcome): void {
    if (this.outcomes >= MAX_OUTCOMES) return;
    while (this.groups.length <= key) this.groups.push([]);
    const byChoice = this.groups[key]!;
    while (byChoice.length <= choice) byChoice.push(undefined);
    let groups = byChoice[choice];
    if (groups === undefined) byChoice[choice] = groups = [];
    let group = groups.find((g) => g.slots.length === slots.length && g.slots.every((s, i) => s === slots[i]));
    if (group === undefined) groups.push((group = { slots, root: slots.length === 0 ? undefined : [] }));
    if (slots.length === 0) group.root = o;
    else {
      let trie = group.root as Trie;
      for (let i = 0; i < slots.length - 1; i++) {
        const id = vec[slots[i]!]!;
        trie = (trie[id] ??= []) as Trie;
      }
      // an outcome with a footprint replaces one without (it serves both)
      trie[vec[slots[slots.length - 1]!]!] = o;
    }
    this.outcomes++;
  }
}
