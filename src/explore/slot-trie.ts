// What the exhaustive explorers remember of a thread's steps, found again by the parts a
// state holds in the slots the step read: for each key (a thread's part) and sub-key (what
// of it is asked: its offer, a choice), groups of one set of slots each, and in a group a
// trie indexed by the part in each slot in turn (part numbers are small and dense), so
// finding a value is an array load per slot: no hashing, no comparison. Used for what a
// thread offers and what its transitions do (transition-cache.ts).

/** Values by the part in a slot, then in the next one: a value at depth `n`. */
type Trie<V> = (Trie<V> | V | undefined)[];

/** The values of one (key, sub-key) whose computation read the same slots. */
interface Group<V> {
  readonly slots: Int32Array;
  /** slots.length, and its first two slots (-1: none): the common cases, without the array */
  readonly n: number;
  readonly s0: number;
  readonly s1: number;
  /** the value itself when it read no slot */
  root: Trie<V> | V | undefined;
  /** the group of the same (key, sub-key) that read other slots */
  next: Group<V> | undefined;
}

export class SlotTrie<V> {
  /** by [key][sub], the first group */
  private readonly groups: (Group<V> | undefined)[][] = [];
  size = 0;

  /** The value kept for (`key`, `sub`) that read slots holding the same parts as `vec`'s (`accept`: one it takes). */
  find(key: number, sub: number, vec: readonly number[], accept?: (v: V) => boolean): V | undefined {
    const bySub = this.groups[key];
    if (bySub === undefined) return undefined;
    for (let g = bySub[sub]; g !== undefined; g = g.next) {
      let at = g.root;
      if (g.n > 0) {
        at = (at as Trie<V>)[vec[g.s0]!];
        if (g.n > 1 && at !== undefined) {
          at = (at as Trie<V>)[vec[g.s1]!];
          for (let i = 2; i < g.n && at !== undefined; i++) at = (at as Trie<V>)[vec[g.slots[i]!]!];
        }
      }
      if (at !== undefined && (accept === undefined || accept(at as V))) return at as V;
    }
    return undefined;
  }

  /** Keep a value computed from `vec` that read `slots` (sorted); it replaces one kept under the same parts. */
  keep(key: number, sub: number, slots: Int32Array, vec: readonly number[], value: V): void {
    while (this.groups.length <= key) this.groups.push([]);
    const bySub = this.groups[key]!;
    while (bySub.length <= sub) bySub.push(undefined);
    let group = bySub[sub];
    while (group !== undefined && !(group.n === slots.length && group.slots.every((s, i) => s === slots[i])))
      group = group.next;
    if (group === undefined) {
      const n = slots.length;
      group = {
        slots,
        n,
        s0: n > 0 ? slots[0]! : -1,
        s1: n > 1 ? slots[1]! : -1,
        root: n === 0 ? undefined : [],
        next: bySub[sub],
      };
      bySub[sub] = group;
    }
    if (group.n === 0) group.root = value;
    else {
      let trie = group.root as Trie<V>;
      for (let i = 0; i < group.n - 1; i++) trie = (trie[vec[slots[i]!]!] ??= []) as Trie<V>;
      trie[vec[slots[group.n - 1]!]!] = value;
    }
    this.size++;
  }
}
