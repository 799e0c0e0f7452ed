// What the exhaustive explorers remember of a thread's steps, found again by the parts a
// state holds in the slots the step read: for each key (a thread's part and what of it is
// asked: a choice), groups of one set of slots each, and in a group a trie indexed by the part in
// each slot in turn (part numbers are small and dense), so finding a value is an array load
// per slot: no hashing, no comparison. Used for transitions (transition-cache.ts) and for
// the choices a thread offers (offers.ts).

import type { Vec } from './transition-cache.ts';

/** Values by the part in a slot, then in the next one: a value at depth slots.length. */
type Trie<V> = (Trie<V> | V | undefined)[];

/** The values of one key whose computation read the same slots. */
interface Group<V> {
  readonly slots: Int32Array;
  /** the value itself when it read no slot */
  root: Trie<V> | V | undefined;
}

export class SlotTrie<V> {
  /** by [key][sub] */
  private readonly groups: (Group<V>[] | undefined)[][] = [];
  size = 0;

  /** The value kept for (`key`, `sub`) that read slots holding the same parts as `vec`'s (`accept`: one it takes). */
  find(key: number, sub: number, vec: Vec, accept?: (v: V) => boolean): V | undefined {
    const groups = this.groups[key]?.[sub];
    if (groups === undefined) return undefined;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      const slots = group.slots;
      let at = group.root;
      for (let i = 0; i < slots.length && at !== undefined; i++) at = (at as Trie<V>)[vec[slots[i]!]!];
      if (at !== undefined && (accept === undefined || accept(at as V))) return at as V;
    }
    return undefined;
  }

  /** Keep a value computed from `vec` that read `slots` (sorted); it replaces one kept under the same parts. */
  keep(key: number, sub: number, slots: Int32Array, vec: Vec, value: V): void {
    while (this.groups.length <= key) this.groups.push([]);
    const bySub = this.groups[key]!;
    while (bySub.length <= sub) bySub.push(undefined);
    let groups = bySub[sub];
    if (groups === undefined) bySub[sub] = groups = [];
    let group = groups.find((g) => g.slots.length === slots.length && g.slots.every((s, i) => s === slots[i]));
    if (group === undefined) groups.push((group = { slots, root: slots.length === 0 ? undefined : [] }));
    if (slots.length === 0) group.root = value;
    else {
      let trie = group.root as Trie<V>;
      for (let i = 0; i < slots.length - 1; i++) trie = (trie[vec[slots[i]!]!] ??= []) as Trie<V>;
      trie[vec[slots[slots.length - 1]!]!] = value;
    }
    this.size++;
  }
}
