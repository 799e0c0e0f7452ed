// The transition cache of the exhaustive explorers. A step is deterministic: what it does
// depends only on the thread's part (pc and locals), the choice, and the world fields it
// touches (its choices and effect, read or written, and with POR its guard: recorded by
// the step's copy of the world, clone.ts; the guard itself held, or the transition would
// not be taken). So the outcome of a transition (the parts it changed, or the violation it
// raised, and with POR its footprint) is kept under those inputs, and when the same thread
// part meets the same touched fields again, in any other state, the successor is the
// vector with those slots replaced: the step does not run, nothing is copied, walked or
// hashed but the vector. Outcomes are found by the parts in their slots (slot-trie.ts).
// Past MAX_OUTCOMES outcomes, new ones are not kept.

import type { Violation } from '../core/violation.ts';
import type { Footprint } from './footprint.ts';
import { SlotTrie } from './slot-trie.ts';

/** A state as the exhaustive explorers keep it: [faults, a part per world field, a part per thread]. */
export type Vec = number[];

/** What a transition did, from the inputs it was kept under. Shared by every state it applies to. */
export interface Outcome {
  /** (slot, part) pairs the transition changed, thread included */
  writes: Int32Array;
  /** faults the transition used */
  faults: number;
  violation: Violation | undefined;
  footprint: Footprint | undefined;
  /** what the writes change in a fingerprint without permutation */
  dhi: number;
  dlo: number;
}

/** Past this many cached outcomes, new ones are not kept (the memory stays bounded). */
const MAX_OUTCOMES = 4_000_000;

export class TransitionCache {
  /** by (thread part * threads + thread, choice) */
  private readonly trie = new SlotTrie<Outcome>();
  outcomes = 0;
  hits = 0;

  /** The outcome kept for this transition from `vec` (`footprint`: only one with a footprint). */
  find(key: number, choice: number, vec: Vec, footprint: boolean): Outcome | undefined {
    const o = this.trie.find(key, choice, vec, footprint ? withFootprint : undefined);
    if (o !== undefined) this.hits++;
    return o;
  }

  /** Keep an outcome computed from `vec`, whose transition touched `slots` (an outcome with a footprint replaces one without: it serves both). */
  keep(key: number, choice: number, slots: Int32Array, vec: Vec, o: Outcome): void {
    if (this.outcomes >= MAX_OUTCOMES) return;
    this.trie.keep(key, choice, slots, vec, o);
    this.outcomes++;
  }
}

const withFootprint = (o: Outcome) => o.footprint !== undefined;
