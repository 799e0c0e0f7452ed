// Results of guards and properties cached by the parts they read, as transitions are
// (transition-cache.ts). A guard with its choices (how many transitions a thread offers)
// depends only on the thread's part, the world fields it reads and, for a fallible step,
// the fault count; a property's verdict only on the world fields and thread slots it
// reads. Each is run once on a recording view of the state (readView()), which notes the
// slots it reads; the result is kept under the parts in those slots, and reused for any
// state whose parts in those slots are the same. A slot is a top-level world field or a
// whole thread, so the key is coarse: that costs hits, never soundness.
//
// A result is reused only when every slot it read holds the same part. Results of one key
// that read different slots (a guard that reads a field on one branch only) are kept in
// groups, one per set of slots. Past MAX_RESULTS results, new ones are not kept.

import type { State } from '../core/model.ts';
import { readWorld } from '../core/clone.ts';
import type { Vec } from './transition-cache.ts';

interface Entry<V> {
  readonly ids: Int32Array;
  readonly value: V;
  next: Entry<V> | undefined;
}

/** The results of one key that read the same slots. */
interface Group<V> {
  readonly slots: Int32Array;
  readonly entries: Map<number, Entry<V>>;
}

const MAX_RESULTS = 4_000_000;

export class ReadCache<V> {
  private readonly groups: (Group<V>[] | undefined)[] = [];
  /** by key: the result when the key's only group read nothing (no hashing: most guards read no world field) */
  private readonly fixed: ({ value: V } | undefined)[] = [];
  size = 0;
  hits = 0;
  misses = 0;

  /** The entry kept for `key` whose read slots hold the same parts in `vec`. */
  find(key: number, vec: Vec): { value: V } | undefined {
    const fixed = this.fixed[key];
    if (fixed !== undefined) {
      this.hits++;
      return fixed;
    }
    const groups = this.groups[key];
    if (groups !== undefined) {
      for (let g = 0; g < groups.length; g++) {
        const { slots, entries } = groups[g]!;
        for (let e = entries.get(hashOf(vec, slots)); e !== undefined; e = e.next) {
          if (same(e.ids, vec, slots)) {
            this.hits++;
            return e;
          }
        }
      }
    }
    this.misses++;
    return undefined;
  }

  /** Keep `value`, computed from `vec` reading `slots` (sorted, distinct). */
  keep(key: number, slots: Int32Array, vec: Vec, value: V): void {
    if (this.size >= MAX_RESULTS) return;
    while (this.groups.length <= key) this.groups.push(undefined);
    let groups = this.groups[key];
    if (groups === undefined) this.groups[key] = groups = [];
    let group = groups.find((g) => g.slots.length === slots.length && g.slots.every((s, i) => s === slots[i]));
    if (group === undefined) groups.push((group = { slots, entries: new Map() }));
    const ids = new Int32Array(slots.length);
    for (let i = 0; i < slots.length; i++) ids[i] = vec[slots[i]!]!;
    const h = hashOf(vec, slots);
    const entry: Entry<V> = { ids, value, next: group.entries.get(h) };
    group.entries.set(h, entry);
    this.size++;
    // a result that read nothing is the key's only one: no other can be computed
    if (slots.length === 0 && groups.length === 1) {
      while (this.fixed.length <= key) this.fixed.push(undefined);
      this.fixed[key] = entry;
    }
  }
}

function hashOf(vec: Vec, slots: Int32Array): number {
  let h = 0x2545f491;
  for (let i = 0; i < slots.length; i++) h = Math.imul(h ^ vec[slots[i]!]!, 0x9e3779b1);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

function same(ids: Int32Array, vec: Vec, slots: Int32Array): boolean {
  for (let i = 0; i < slots.length; i++) if (ids[i] !== vec[slots[i]!]) return false;
  return true;
}

/** A handler recording into `read` the thread slots read through a view of a state's thread list. */
function recordThreads(read: Set<number>): ProxyHandler<unknown[]> {
  const note = (base: unknown[], k: string | symbol) => {
    if (typeof k !== 'string') return;
    const j = index(k, base.length);
    if (j >= 0) read.add(j);
  };
  const wrote = () => {
    throw new TypeError('a property wrote to the threads');
  };
  return {
    get(base, k) {
      note(base, k);
      return Reflect.get(base, k);
    },
    has(base, k) {
      note(base, k);
      return Reflect.has(base, k);
    },
    ownKeys(base) {
      for (let j = 0; j < base.length; j++) read.add(j);
      return Reflect.ownKeys(base);
    },
    getOwnPropertyDescriptor(base, k) {
      note(base, k);
      return Reflect.getOwnPropertyDescriptor(base, k);
    },
    set: wrote,
    defineProperty: wrote,
    deleteProperty: wrote,
  };
}

/** The thread index a property key names, or -1. */
function index(k: string, n: number): number {
  const j = Number(k);
  return Number.isInteger(j) && j >= 0 && j < n && String(j) === k ? j : -1;
}

/** What a view of a state recorded: world fields, thread indices, whether the fault count was read. */
export interface Reads {
  world: Set<string>;
  threads: Set<number>;
  faults: boolean;
}

/**
 * A view of a state (what properties get) that records what is read of it: the world's
 * fields (readWorld()), the threads by index, the fault count.
 */
export function readView(state: State): { view: State; reads: Reads } {
  const reads: Reads = { world: new Set(), threads: new Set(), faults: false };
  const world = readWorld(state.world, reads.world);
  const threads = new Proxy(state.threads, recordThreads(reads.threads)) as State['threads'];
  const view = {
    world,
    threads,
    get faults() {
      reads.faults = true;
      return state.faults;
    },
  } as State;
  return { view, reads };
}
