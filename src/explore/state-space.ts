// The states of a transition system as the exhaustive explorers keep them: a vector of
// small integers, one slot per world field and per thread, each the number of a part in
// a part table (parts.ts), and slot 0 the fault count. A vector costs a few words, its
// fingerprint is a hash of its parts' kept fingerprints, and a state object is made from
// it only to run guards and properties on.
//
// Transitions are cached. A step is deterministic: what it does depends only on the
// thread's part (pc and locals), the choice, and the world fields it touches (its guard,
// its choices and its effect, read or written, recorded by the step's copy of the world,
// clone.ts). So the outcome of a transition (the parts it changed, or the violation it
// raised, and with POR its footprint) is kept under those inputs, and when the same
// thread part meets the same touched fields again, in any other state, the successor is
// the vector with those slots replaced: the step does not run, nothing is copied, walked
// or hashed but the vector. A part is a top-level field of the world, so a step that
// looks at one file looks at the whole files table; that costs cache hits, never
// soundness.

import type { State } from '../core/model.ts';
import type { Transition, TransitionSystem, WorldAccess } from '../core/system.ts';
import { ModelError, type Violation } from '../core/violation.ts';
import type { Footprint } from './footprint.ts';
import { PartTable, UNDEFINED } from './parts.ts';
import { combine, keyHash } from './state-fingerprint.ts';

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
  /** another outcome whose ids hash alike */
  next?: Outcome;
}

/** Outcomes of one (thread part, thread, choice) that touched the same slots. */
interface Group {
  slots: Int32Array;
  outcomes: Map<number, Outcome>;
}

/** The successor a transition gives, or the violation it raises. */
export interface Successor {
  vec?: Vec;
  violation?: Violation;
  footprint?: Footprint;
}

export interface Canonical {
  /** the 64-bit fingerprint the state is stored under */
  hi: number;
  lo: number;
  /** perm[thread] = the thread's position in the canonical state; undefined: identity */
  perm: Int32Array | undefined;
}

/** Choices past this index are not cached (the key packs the choice in 10 bits). */
const MAX_CHOICE = 1024;
/** Past this many cached outcomes, new ones are not kept (the memory stays bounded). */
const MAX_OUTCOMES = 4_000_000;

export class StateSpace {
  readonly parts = new PartTable();
  /** the world's fields, as in the initial world; [''] when the world is not a record */
  readonly fields: string[];
  private readonly slotOf = new Map<string, number>();
  private readonly keyHashes: number[];
  private readonly record: boolean;
  readonly threads: number;
  private readonly cache = new Map<number, Group[]>();
  outcomes = 0;
  hits = 0;
  /** symmetry groups with more than one thread, as thread indices */
  private readonly symmetric: number[][];
  private readonly names: string[];
  private readonly buf: number[] = [];

  constructor(
    readonly system: TransitionSystem,
    symmetry: boolean,
  ) {
    const s0 = system.initial();
    const w = s0.world as unknown;
    this.record = w !== null && typeof w === 'object' && !Array.isArray(w);
    this.fields = this.record ? Object.keys(w as object) : [''];
    this.fields.forEach((k, f) => this.slotOf.set(k, 1 + f));
    this.keyHashes = this.fields.map(keyHash);
    this.threads = s0.threads.length;
    this.names = system.threadNames;
    const groups = new Map<string, number[]>();
    system.symmetry.forEach((g, i) => {
      if (g !== undefined) groups.set(g, [...(groups.get(g) ?? []), i]);
    });
    this.symmetric = symmetry ? [...groups.values()].filter((m) => m.length > 1) : [];
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
   * Apply transition t to the state `vec` (whose object is `state`). `record` gives a
   * footprint recorder (POR): the footprint comes back with the successor.
   */
  successor(vec: Vec, state: State, t: Transition, record?: () => { footprint: Footprint; access: WorldAccess }): Successor {
    const F = this.fields.length;
    const self = vec[1 + F + t.thread]!;
    const key = t.choice < MAX_CHOICE ? (self * this.threads + t.thread) * MAX_CHOICE + t.choice : -1;
    const groups = key < 0 ? undefined : this.cache.get(key);
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
    const slots = this.record ? this.slotsOf(touched) : Int32Array.of(1);
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
    if (key >= 0 && this.outcomes < MAX_OUTCOMES) this.keep(key, slots, vec, o);
    return this.follow(vec, o);
  }

  private follow(vec: Vec, o: Outcome): Successor {
    if (o.violation) return { violation: o.violation, footprint: o.footprint };
    const next = vec.slice();
    next[0] = vec[0]! + o.faults;
    const w = o.writes;
    for (let i = 0; i < w.length; i += 2) next[w[i]!] = w[i + 1]!;
    return { vec: next, footprint: o.footprint };
  }

  private keep(key: number, slots: Int32Array, vec: Vec, o: Outcome): void {
    let groups = this.cache.get(key);
    if (groups === undefined) this.cache.set(key, (groups = []));
    let group = groups.find((g) => g.slots.length === slots.length && g.slots.every((s, i) => s === slots[i]));
    if (group === undefined) groups.push((group = { slots, outcomes: new Map() }));
    const h = hashOf(vec, slots);
    o.next = group.outcomes.get(h);
    group.outcomes.set(h, o);
    this.outcomes++;
  }

  private slotsOf(touched: string[]): Int32Array {
    const slots = new Int32Array(touched.length);
    for (let i = 0; i < touched.length; i++) {
      const slot = this.slotOf.get(touched[i]!);
      if (slot === undefined) throw this.newField(touched[i]!);
      slots[i] = slot;
    }
    return slots.sort();
  }

  private newField(k: string): ModelError {
    return new ModelError(`the world of ${this.system.modelName} has no field '${k}' in its initial state: give every world field an initial value`);
  }

  /** The fingerprint a state is stored under, with its threads' symmetry applied. */
  canon(vec: Vec): Canonical {
    const p = this.symmetric.length === 0 ? undefined : this.permutation(vec);
    const [hi, lo] = this.fingerprint(vec, p);
    return { hi, lo, perm: p?.perm };
  }

  /** As stateFingerprint() of the state object: the parts' kept fingerprints combined. */
  private fingerprint(vec: Vec, p: Permutation | undefined): [number, number] {
    const F = this.fields.length;
    const fp = this.parts.fp;
    const buf = this.buf;
    let n = 0;
    for (let f = 0; f < F; f++) {
      const id = vec[1 + f]!;
      if (id === UNDEFINED) continue;
      if (this.record) buf[n++] = this.keyHashes[f]!;
      if (p === undefined) {
        buf[n++] = fp[2 * id]!;
        buf[n++] = fp[2 * id + 1]!;
      } else {
        const r = this.parts.renamedFingerprint(id, p.key, p.rename);
        buf[n++] = r[0];
        buf[n++] = r[1];
      }
    }
    for (let j = 0; j < this.threads; j++) {
      const id = vec[1 + F + (p === undefined ? j : p.order[j]!)]!;
      if (p === undefined) {
        buf[n++] = fp[2 * id]!;
        buf[n++] = fp[2 * id + 1]!;
      } else {
        const r = this.parts.renamedFingerprint(id, p.key, p.rename);
        buf[n++] = r[0];
        buf[n++] = r[1];
      }
    }
    return combine(buf, n, vec[0]!);
  }

  /** Each symmetry group's threads sorted by their part's fingerprint, ties by index (as symmetry.ts). */
  private permutation(vec: Vec): Permutation | undefined {
    const F = this.fields.length;
    const fp = this.parts.fp;
    let p: Permutation | undefined;
    for (const members of this.symmetric) {
      const ids = members.map((i) => vec[1 + F + i]!);
      const sorted = members.map((_, j) => j).sort((a, b) => fp[2 * ids[a]!]! - fp[2 * ids[b]!]! || fp[2 * ids[a]! + 1]! - fp[2 * ids[b]! + 1]! || a - b);
      if (sorted.every((o, j) => o === j)) continue;
      if (p === undefined) {
        const perm = new Int32Array(this.threads);
        for (let i = 0; i < this.threads; i++) perm[i] = i;
        p = { perm, order: [...perm], rename: new Map(), key: '' };
      }
      for (let j = 0; j < members.length; j++) {
        const from = members[sorted[j]!]!;
        const to = members[j]!;
        p.perm[from] = to;
        p.order[to] = from;
        p.rename.set(this.names[from]!, this.names[to]!);
      }
    }
    if (p !== undefined) p.key = p.order.join(',');
    return p;
  }
}

interface Permutation {
  perm: Int32Array;
  /** order[j] = the thread at canonical position j */
  order: number[];
  rename: Map<string, string>;
  /** names the renaming (the order) in the part table's cache */
  key: string;
}

function hashOf(vec: Vec, slots: Int32Array): number {
  let h = 0x2545f491;
  for (let i = 0; i < slots.length; i++) h = Math.imul(h ^ vec[slots[i]!]!, 0x9e3779b1);
  return h ^ (h >>> 15);
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
