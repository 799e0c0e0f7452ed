// The states of a transition system as the exhaustive explorers keep them: a vector of
// small integers, one slot per world field and per thread, each the number of a part in
// a part table (parts.ts), and slot 0 the fault count. A vector costs a few words, and a
// state object is made from it only to run guards and properties on.
//
// Transitions are cached. A step is deterministic: what it does depends only on the
// thread's part (pc and locals), the choice, and the world fields it touches (its choices
// and effect, read or written, and with POR its guard: recorded by the step's copy of the
// world, clone.ts; the guard itself held, or the transition would not be taken). So the
// outcome of a transition (the parts it changed, or the violation it raised, and with POR
// its footprint) is kept under those inputs, and when the same thread part meets the same
// touched fields again, in any other state, the successor is the vector with those slots
// replaced: the step does not run, nothing is copied, walked or hashed but the vector. A
// part is a top-level field of the world, so a step that looks at one file looks at the
// whole files table; that costs cache hits, never soundness. Past MAX_OUTCOMES outcomes,
// new ones are not kept.
//
// A state's fingerprint is the XOR of a 64-bit key per slot, made from the slot and its
// part's fingerprint (Zobrist hashing), so a successor's is its parent's with the keys of
// the slots the transition changed swapped: a few operations, not a walk of the state.
// Under symmetry reduction, a state whose threads sort into another order than its
// parent's is fingerprinted whole, in canonical order with thread names renamed.

import type { State } from '../core/model.ts';
import type { Transition, TransitionSystem, WorldAccess } from '../core/system.ts';
import { ModelError, type Violation } from '../core/violation.ts';
import { EVERY_FIELD } from '../core/clone.ts';
import type { Footprint } from './footprint.ts';
import { PartTable, UNDEFINED } from './parts.ts';
import { valueFingerprint } from './state-fingerprint.ts';
import { symmetryGroups } from './symmetry.ts';

/** A state: [faults, a part per world field, a part per thread]. */
export type Vec = number[];

/** What a transition did, from inputs that matched `ids`. */
interface Outcome {
  /** the parts in the group's slots this outcome was computed from */
  ids: Int32Array;
  /** (slot, part) pairs the transition changed, thread included */
  writes: Int32Array;
  faults: number;
  violation?: Violation;
  footprint?: Footprint;
  /** what the writes change in a fingerprint without permutation (kept once computed) */
  dhi?: number;
  dlo?: number;
  /** another outcome whose ids hash alike */
  next?: Outcome;
}

/** Outcomes of one (thread part, thread, choice) that touched the same slots. */
interface Group {
  slots: Int32Array;
  outcomes: Map<number, Outcome>;
}

/** What canon() gives: one object, overwritten by the next call. */
export interface Canonical {
  /** the 64-bit fingerprint the state is stored under */
  hi: number;
  lo: number;
  /** perm[thread] = the thread's position in the canonical state; undefined: identity */
  perm: Int32Array | undefined;
}

let zh = 0;
let zl = 0;

/** The 64-bit key (zh, zl) of part fingerprint (hi, lo) in slot `slot`: murmur3's finaliser, lanes crossed. */
function key(slot: number, hi: number, lo: number): void {
  let a = hi ^ Math.imul(slot + 1, 0x9e3779b9);
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  a ^= a >>> 16;
  let b = lo ^ a ^ Math.imul(slot + 1, 0x7feb352d);
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  a = Math.imul(a ^ b, 0x846ca68b);
  zh = (a ^ (a >>> 15)) >>> 0;
  zl = b >>> 0;
}

/** Past this many cached outcomes, new ones are not kept (the memory stays bounded). */
const MAX_OUTCOMES = 4_000_000;

export class StateSpace {
  readonly parts = new PartTable();
  /** the world's fields, as in the initial world; [''] when the world is not a record */
  readonly fields: string[];
  private readonly slotOf = new Map<string, number>();
  private readonly record: boolean;
  readonly threads: number;
  /** cached outcomes: [thread part * threads + thread][choice] */
  private readonly cache: (Group[] | undefined)[][] = [];
  outcomes = 0;
  hits = 0;
  /** what the last successor() call raised, when it returned undefined */
  violation: Violation | undefined;
  /** the footprint of the last successor() call's transition (with `record`) */
  footprint: Footprint | undefined;
  /** the vector successor() returns: reused by the next call */
  private readonly next: Vec;
  /** the length of a vector */
  readonly width: number;
  /** symmetry groups with more than one thread, as thread indices */
  private readonly symmetric: number[][];
  private readonly names: string[];
  private readonly canonical: Canonical = { hi: 0, lo: 0, perm: undefined };
  /** permutations met (symmetry), by their order (a number; text past 13 threads) */
  private readonly perms = new Map<number | string, Permutation>();
  private readonly order: Int32Array;
  private readonly sorted: Int32Array;
  /** the state being expanded (enter()): its fingerprint, and the permutation it was made under */
  private baseHi = 0;
  private baseLo = 0;
  private basePerm: Permutation | undefined;
  private entered: Vec = [];
  /** the last successor: its parent and the outcome that made it */
  private parent: Vec = [];
  private last: Outcome | undefined;

  constructor(
    readonly system: TransitionSystem,
    symmetry: boolean,
  ) {
    const s0 = system.initial();
    const w = s0.world as unknown;
    this.record = w !== null && typeof w === 'object' && !Array.isArray(w);
    this.fields = this.record ? Object.keys(w as object) : [''];
    this.fields.forEach((k, f) => this.slotOf.set(k, 1 + f));
    this.threads = s0.threads.length;
    this.width = 1 + this.fields.length + this.threads;
    this.next = new Array(this.width).fill(0);
    this.order = new Int32Array(this.threads);
    this.sorted = new Int32Array(this.threads);
    this.names = system.threadNames;
    this.symmetric = symmetry ? symmetryGroups(system) : [];
  }

  initial(): Vec {
    return this.encode(this.system.initial());
  }

  /** The vector of a state object (its parts stored). */
  encode(state: State): Vec {
    const F = this.fields.length;
    const vec: Vec = new Array(1 + F + this.threads);
    vec[0] = state.faults;
    if (this.record) {
      const world = state.world as Record<string, unknown>;
      for (const k in world) if (!this.slotOf.has(k) && world[k] !== undefined) throw this.newField(k);
      for (let f = 0; f < F; f++) vec[1 + f] = this.parts.intern(world[this.fields[f]!]);
    } else vec[1] = this.parts.intern(state.world);
    for (let j = 0; j < this.threads; j++) vec[1 + F + j] = this.parts.intern(state.threads[j]);
    return vec;
  }

  /** The state object of a vector: its parts are shared, and must not be changed. */
  state(vec: Vec): State {
    const F = this.fields.length;
    const values = this.parts.values;
    let world: unknown;
    if (this.record) {
      const w: Record<string, unknown> = {};
      for (let f = 0; f < F; f++) {
        const id = vec[1 + f]!;
        if (id !== UNDEFINED) w[this.fields[f]!] = values[id];
      }
      world = w;
    } else world = values[vec[1]!];
    const threads = new Array(this.threads);
    for (let j = 0; j < this.threads; j++) threads[j] = values[vec[1 + F + j]!];
    return { world: world as State['world'], threads, faults: vec[0]! };
  }

  /**
   * Apply transition t to the state `vec` (whose object is `state`): the next state, in a
   * vector the next call reuses (copy it to keep it), or undefined when the transition
   * raised `this.violation`. `record` gives a footprint recorder (POR): the transition's
   * footprint is left in `this.footprint`.
   */
  successor(vec: Vec, state: State, t: Transition, record?: () => { footprint: Footprint; access: WorldAccess }): Vec | undefined {
    const F = this.fields.length;
    const self = vec[1 + F + t.thread]!;
    const key = self * this.threads + t.thread;
    const groups = this.cache[key]?.[t.choice];
    if (groups !== undefined) {
      for (let g = 0; g < groups.length; g++) {
        const { slots, outcomes } = groups[g]!;
        for (let o = outcomes.get(hashOf(vec, slots)); o !== undefined; o = o.next) {
          if (!same(o.ids, vec, slots)) continue;
          if (!record || o.footprint) {
            this.hits++;
            return this.follow(vec, o);
          }
        }
      }
    }
    // not met before: run the step, and keep what it did
    const touched: string[] = [];
    const rec = record?.();
    const applied = this.system.apply(state, t, { touched, access: rec?.access });
    const slots = this.record ? this.slotsOf(touched, applied.state.world as Record<string, unknown>) : Int32Array.of(1);
    const o: Outcome = { ids: idsOf(vec, slots), writes: new Int32Array(0), faults: applied.state.faults - state.faults };
    if (rec) o.footprint = rec.footprint;
    if (applied.violation) o.violation = applied.violation;
    else {
      const writes: number[] = [];
      const world = applied.state.world as Record<string, unknown>;
      for (let s = 0; s < slots.length; s++) {
        const slot = slots[s]!;
        const id = this.parts.intern(this.record ? world[this.fields[slot - 1]!] : world);
        if (id !== vec[slot]) writes.push(slot, id);
      }
      const thread = this.parts.intern(applied.state.threads[t.thread]);
      if (thread !== self) writes.push(1 + F + t.thread, thread);
      o.writes = Int32Array.from(writes);
    }
    if (this.outcomes < MAX_OUTCOMES) this.keep(key, t.choice, slots, vec, o);
    return this.follow(vec, o);
  }

  private follow(vec: Vec, o: Outcome): Vec | undefined {
    this.footprint = o.footprint;
    this.violation = o.violation;
    if (o.violation) return undefined;
    const next = this.next;
    for (let i = 0; i < next.length; i++) next[i] = vec[i]!;
    next[0] = vec[0]! + o.faults;
    const w = o.writes;
    for (let i = 0; i < w.length; i += 2) next[w[i]!] = w[i + 1]!;
    this.parent = vec;
    this.last = o;
    return next;
  }

  private keep(key: number, choice: number, slots: Int32Array, vec: Vec, o: Outcome): void {
    while (this.cache.length <= key) this.cache.push([]);
    const byChoice = this.cache[key]!;
    while (byChoice.length <= choice) byChoice.push(undefined);
    let groups = byChoice[choice];
    if (groups === undefined) byChoice[choice] = groups = [];
    let group = groups.find((g) => g.slots.length === slots.length && g.slots.every((s, i) => s === slots[i]));
    if (group === undefined) groups.push((group = { slots, outcomes: new Map() }));
    const h = hashOf(vec, slots);
    o.next = group.outcomes.get(h);
    group.outcomes.set(h, o);
    this.outcomes++;
  }

  /**
   * The slots of the fields a step touched: all of them when it listed the world's fields
   * (a deleted field may come back). A name that is no field (`'x' in world`, toJSON) reads
   * what no step can change, so it adds no slot, unless the step gave it a value.
   */
  private slotsOf(touched: string[], world: Record<string, unknown>): Int32Array {
    if (touched.includes(EVERY_FIELD)) return Int32Array.from(this.fields, (_, f) => 1 + f);
    const slots: number[] = [];
    for (const k of touched) {
      const slot = this.slotOf.get(k);
      if (slot !== undefined) slots.push(slot);
      else if (Object.hasOwn(world, k) && world[k] !== undefined) throw this.newField(k);
    }
    return Int32Array.from(slots).sort();
  }

  private newField(k: string): ModelError {
    return new ModelError(`the world of ${this.system.modelName} has no field '${k}' in its initial state: give every world field an initial value`);
  }

  /**
   * Begin expanding `vec`: the fingerprints of its successors are made from its own
   * (`known`: what canon() gave for it, kept since).
   */
  enter(vec: Vec, known?: { hi: number; lo: number }): void {
    this.entered = vec;
    this.basePerm = this.symmetric.length === 0 ? undefined : this.permutation(vec);
    if (known) {
      this.baseHi = known.hi;
      this.baseLo = known.lo;
      return;
    }
    this.fingerprint(vec, this.basePerm);
    this.baseHi = this.canonical.hi;
    this.baseLo = this.canonical.lo;
  }

  /**
   * The fingerprint a state is stored under, with its threads' symmetry applied. `next`:
   * `vec` is the last successor() gave: when its threads are in the same order as its
   * parent's, only the slots the transition changed are fingerprinted. The object
   * returned is overwritten by the next call.
   */
  canon(vec: Vec, next = false): Canonical {
    const p = this.symmetric.length === 0 ? undefined : this.permutation(vec);
    if (next && p === this.basePerm && this.parent === this.entered) this.swap(this.parent, this.last!, p);
    else this.fingerprint(vec, p);
    this.canonical.perm = p?.perm;
    return this.canonical;
  }

  /** The parent's fingerprint with the keys of the slots `o` changed swapped; into this.canonical. */
  private swap(vec: Vec, o: Outcome, p: Permutation | undefined): void {
    const F = this.fields.length;
    let hi = this.baseHi;
    let lo = this.baseLo;
    if (o.faults !== 0) {
      key(0, vec[0]!, 0);
      hi ^= zh;
      lo ^= zl;
      key(0, vec[0]! + o.faults, 0);
      hi ^= zh;
      lo ^= zl;
    }
    if (p === undefined && o.dhi !== undefined) {
      this.canonical.hi = (hi ^ o.dhi) >>> 0;
      this.canonical.lo = (lo ^ o.dlo!) >>> 0;
      return;
    }
    let dhi = 0;
    let dlo = 0;
    const w = o.writes;
    for (let i = 0; i < w.length; i += 2) {
      const slot = w[i]!;
      // where the slot's part goes in canonical order: a thread moves to its position
      const at = p === undefined || slot <= F ? slot : 1 + F + p.perm[slot - 1 - F]!;
      this.slotKey(at, vec[slot]!, p);
      dhi ^= zh;
      dlo ^= zl;
      this.slotKey(at, w[i + 1]!, p);
      dhi ^= zh;
      dlo ^= zl;
    }
    // a written slot held the same part in every state the outcome applies to (it was
    // touched, so its part is in the key), so without a permutation the change is the same
    if (p === undefined) {
      o.dhi = dhi;
      o.dlo = dlo;
    }
    this.canonical.hi = (hi ^ dhi) >>> 0;
    this.canonical.lo = (lo ^ dlo) >>> 0;
  }

  /** The key of part `id` in slot `slot` (renamed by `p`) into (zh, zl); (0, 0) for undefined. */
  private slotKey(slot: number, id: number, p: Permutation | undefined): void {
    if (id === UNDEFINED) {
      zh = 0;
      zl = 0;
    } else if (p === undefined) key(slot, this.parts.fp[2 * id]!, this.parts.fp[2 * id + 1]!);
    else this.renamedKey(slot, id, p);
  }

  /** The XOR of the slots' keys, threads in `p`'s order with names renamed; into this.canonical. */
  private fingerprint(vec: Vec, p: Permutation | undefined): void {
    const F = this.fields.length;
    key(0, vec[0]!, 0);
    let hi = zh;
    let lo = zl;
    for (let slot = 1; slot < vec.length; slot++) {
      this.slotKey(slot, p === undefined || slot <= F ? vec[slot]! : vec[1 + F + p.order[slot - 1 - F]!]!, p);
      hi ^= zh;
      lo ^= zl;
    }
    this.canonical.hi = hi >>> 0;
    this.canonical.lo = lo >>> 0;
  }

  /** Each symmetry group's threads sorted by their part's fingerprint, ties by index (as symmetry.ts). */
  private permutation(vec: Vec): Permutation | undefined {
    const F = this.fields.length;
    const fp = this.parts.fp;
    const order = this.order;
    for (let i = 0; i < order.length; i++) order[i] = i;
    let moved = false;
    for (const members of this.symmetric) {
      // insertion sort of the members by (fingerprint, index): groups are small
      const idx = this.sorted;
      for (let j = 0; j < members.length; j++) idx[j] = members[j]!;
      for (let j = 1; j < members.length; j++) {
        const x = idx[j]!;
        const xh = fp[2 * vec[1 + F + x]!]!;
        const xl = fp[2 * vec[1 + F + x]! + 1]!;
        let k = j - 1;
        for (; k >= 0; k--) {
          const y = idx[k]!;
          const yh = fp[2 * vec[1 + F + y]!]!;
          const yl = fp[2 * vec[1 + F + y]! + 1]!;
          if (yh < xh || (yh === xh && (yl < xl || (yl === xl && y < x)))) break;
          idx[k + 1] = y;
        }
        idx[k + 1] = x;
      }
      for (let j = 0; j < members.length; j++) {
        if (idx[j] === members[j]) continue;
        order[members[j]!] = idx[j]!;
        moved = true;
      }
    }
    if (!moved) return undefined;
    let key: number | string = 0;
    if (order.length <= 13) for (let i = 0; i < order.length; i++) key = key * order.length + order[i]!;
    else key = order.join(',');
    let p = this.perms.get(key);
    if (p === undefined) {
      const perm = new Int32Array(order.length);
      const rename = new Map<string, string>();
      order.forEach((from, to) => {
        perm[from] = to;
        if (from !== to) rename.set(this.names[from]!, this.names[to]!);
      });
      p = { perm, order: Int32Array.from(order), rename, renamed: [] };
      this.perms.set(key, p);
    }
    return p;
  }

  /** The fingerprint of part `id` with `p`'s renaming of thread names, kept per permutation. */
  private renamedKey(slot: number, id: number, p: Permutation): void {
    let hi = p.renamed[2 * id];
    let lo = p.renamed[2 * id + 1];
    if (hi === undefined || lo === undefined) {
      [hi, lo] = valueFingerprint(this.parts.values[id], p.rename);
      p.renamed[2 * id] = hi;
      p.renamed[2 * id + 1] = lo;
    }
    key(slot, hi, lo);
  }
}

interface Permutation {
  perm: Int32Array;
  /** order[j] = the thread at canonical position j */
  order: Int32Array;
  rename: Map<string, string>;
  /** parts' fingerprints with the names renamed: [2 id] hi, [2 id + 1] lo */
  renamed: number[];
}

function hashOf(vec: Vec, slots: Int32Array): number {
  let h = 0x2545f491;
  for (let i = 0; i < slots.length; i++) h = Math.imul(h ^ vec[slots[i]!]!, 0x9e3779b1);
  return (h ^ (h >>> 15)) & 0x3fffffff; // a small integer: a fast Map key
}

function same(ids: Int32Array, vec: Vec, slots: Int32Array): boolean {
  for (let i = 0; i < slots.length; i++) if (ids[i] !== vec[slots[i]!]) return false;
  return true;
}

function idsOf(vec: Vec, slots: Int32Array): Int32Array {
  const ids = new Int32Array(slots.length);
  for (let i = 0; i < slots.length; i++) ids[i] = vec[slots[i]!]!;
  return ids;
}
