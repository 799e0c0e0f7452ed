// The states of a transition system as the exhaustive explorers keep them: a vector of
// small integers, one slot per world field and per thread, each the number of a part in
// a part table (parts.ts), and slot 0 the fault count. A vector costs a few words, and a
// state object is made from it only to run guards, steps and properties on.
//
// Successors come from the transition cache (transition-cache.ts) when the same thread
// part has met the same touched fields before; else the step runs and its outcome is kept.
// What a thread offers (how many choices its step has, none when its guard fails) is kept
// the same way, by the thread's part and the fields its guard and choices read, and so is
// that the `always` properties held, by the slots they read (check()). A state object is
// made only for what the caches do not answer (StateObject).
// A part is a top-level field of the world, so a step that looks at one file looks at the
// whole files table; that costs cache hits, never soundness.
//
// A state's fingerprint is the XOR of a 64-bit key per slot (Zobrist hashing, zobrist.ts),
// so a successor's is its parent's with the keys of the slots the transition changed
// swapped: a few operations, not a walk of the state. Under symmetry reduction
// (symmetry.ts), a state whose threads sort into another order than its parent's is
// fingerprinted whole, in canonical order with thread names renamed.

import type { State } from '../core/model.ts';
import type { Transition, TransitionSystem, WorldAccess } from '../core/system.ts';
import { ModelError, type Violation } from '../core/violation.ts';
import { EVERY_FIELD, FAULTS } from '../core/clone.ts';
import type { Footprint } from './footprint.ts';
import { PartTable, UNDEFINED } from './parts.ts';
import { SlotTrie } from './slot-trie.ts';
import { Symmetry, type Permutation } from './symmetry.ts';
import { TransitionCache, type Outcome, type Vec } from './transition-cache.ts';
import { Zobrist } from './zobrist.ts';

export type { Outcome, Vec } from './transition-cache.ts';

/** The fingerprint a state is stored under. */
export interface Canonical {
  /** the 64-bit fingerprint, two unsigned 32-bit halves */
  hi: number;
  lo: number;
  /** perm[thread] = the thread's position in the canonical state; undefined: identity */
  perm: Int32Array | undefined;
}

/** A state being expanded: successors' fingerprints are made from its own (child()). */
export interface Expansion {
  vec: Vec;
  hi: number;
  lo: number;
  permutation: Permutation | undefined;
}

/** Past this many offers kept, new ones are not (the memory stays bounded). */
const MAX_OFFERS = 4_000_000;

/**
 * A vector's state object, made when first asked for: the caches answer most of an
 * expansion without one (its offers, its transitions, what its properties say).
 */
export class StateObject {
  private made: State | undefined = undefined;

  constructor(
    private readonly space: StateSpace,
    readonly vec: Vec,
  ) {}

  get state(): State {
    return (this.made ??= this.space.state(this.vec));
  }
}

/** check()'s cache of verdicts is judged on each run of this many asks (it goes off when it answers too few). */
const VERDICT_TRIAL = 1024;

/** What reading() noted a property read of a state: world fields (EVERY_FIELD, FAULTS as in clone.ts) and threads. */
interface Reads {
  fields: string[];
  threads: number[];
}

/** What gives the state object of the vector at hand (a StateObject, or `{ state }`). */
export interface HasState {
  readonly state: State;
}

export class StateSpace {
  readonly parts = new PartTable();
  readonly cache = new TransitionCache();
  /** how many choices a thread offers, by (thread part * threads + thread) and the slots its guard and choices read */
  private readonly offers = new SlotTrie<number>();
  /** states whose `always` properties held, by the slots those read (hold()) */
  private readonly kept = new SlotTrie<true>();
  private readonly verdicts = { asked: 0, answered: 0, on: true };
  /** transitions[thread][choice]: one object each, shared by every list enabled() makes */
  private readonly transitions: Transition[][] = [];
  /** the world's fields, as in the initial world; [''] when the world is not a record */
  readonly fields: string[];
  private readonly slotOf = new Map<string, number>();
  private readonly record: boolean;
  readonly threads: number;
  /** the length of a vector */
  readonly width: number;
  readonly symmetry: Symmetry;

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
    this.symmetry = new Symmetry(system, symmetry, this.parts, 1 + this.fields.length);
    for (let j = 0; j < this.threads; j++) this.transitions.push([]);
  }

  /** transitions answered by the cache */
  get hits(): number {
    return this.cache.hits;
  }

  /** outcomes the cache holds */
  get outcomes(): number {
    return this.cache.outcomes;
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
   * The transitions enabled in `vec` (whose object `of` gives), as system.enabled() lists
   * them: each thread's offer comes from the cache when its part has met the same read
   * fields before; else its guard and choices run and what they read is kept.
   */
  enabled(vec: Vec, of: HasState): Transition[] {
    const F = this.fields.length;
    const out: Transition[] = [];
    for (let j = 0; j < this.threads; j++) {
      const key = vec[1 + F + j]! * this.threads + j;
      let n = this.offers.find(key, 0, vec);
      if (n === undefined) {
        const touched: string[] = [];
        const state = of.state;
        n = this.system.offered(state, j, touched);
        if (this.offers.size < MAX_OFFERS) this.offers.keep(key, 0, this.readSlots(touched, state), vec, n);
      }
      const mine = this.transitions[j]!;
      while (mine.length < n) mine.push({ thread: j, choice: mine.length });
      for (let c = 0; c < n; c++) out.push(mine[c]!);
    }
    return out;
  }

  /**
   * system.check() of `vec` (whose object `of` gives), with `n` transitions enabled and
   * `seen` as system.check() takes it. A state with a transition enabled is neither
   * terminal nor stuck, so only its `always` properties can fail: they run on a view that
   * notes what they read, and a state they held in is kept by the parts in those slots,
   * so a state with the same parts there is answered without running them. Under `seen` (a
   * watch of what properties read of the threads, ample.ts) a verdict read off a thread is
   * not kept: the watch must see every such read. A property whose reads differ in most
   * states (every thread's pc) would fill the cache and seldom hit it, and a miss costs a
   * proxied run: verdicts go off for good when fewer than 7 in 8 of VERDICT_TRIAL asks in a
   * row were answered.
   */
  check(vec: Vec, of: HasState, n: number, only?: string, seen?: (s: State) => State): Violation | undefined {
    if (n === 0 || !this.verdicts.on) return this.system.check(of.state, n, only, seen);
    if (this.held(vec)) return undefined;
    const reads: Reads = { fields: [], threads: [] };
    const violation = this.system.check(of.state, n, only, (s) =>
      this.reading(seen === undefined ? s : seen(s), reads),
    );
    if (violation === undefined && (seen === undefined || reads.threads.length === 0)) this.hold(vec, of.state, reads);
    return violation;
  }

  /** Whether the `always` properties held in a state with `vec`'s parts in the slots they read (counted for the trial). */
  private held(vec: Vec): boolean {
    const v = this.verdicts;
    v.asked++;
    const found = this.kept.find(0, 0, vec) !== undefined;
    if (found) v.answered++;
    if (v.asked === VERDICT_TRIAL) {
      if (v.answered * 8 < v.asked * 7) v.on = false;
      v.asked = v.answered = 0;
    }
    return found;
  }

  /** Keep that the `always` properties held in `vec` (whose object is `state`), having read `reads` of it. */
  private hold(vec: Vec, state: State, reads: Reads): void {
    if (!this.verdicts.on) return;
    const F = this.fields.length;
    const slots = [...this.readSlots(reads.fields, state), ...reads.threads.map((j) => 1 + F + j)];
    this.kept.keep(0, 0, Int32Array.from(slots).sort(), vec, true);
  }

  /**
   * `state` with its reads noted in `reads`: the world fields read (EVERY_FIELD when
   * listed), the fault count as FAULTS, the threads read (by index). Everything else is the
   * state's own (a property sees the same values and objects).
   */
  private reading(state: State, reads: Reads): State {
    const { fields: touched, threads } = reads;
    const note = (k: string) => {
      if (!touched.includes(k)) touched.push(k);
    };
    const noteThread = (k: string | symbol) => {
      const j = typeof k === 'string' ? Number(k) : Number.NaN;
      if (Number.isInteger(j) && j >= 0 && j < this.threads && !threads.includes(j)) threads.push(j);
    };
    const everyThread = () => {
      for (let j = 0; j < this.threads; j++) noteThread(String(j));
    };
    const w = state.world as unknown;
    const world =
      this.record && w !== null && typeof w === 'object'
        ? new Proxy(w as Record<string, unknown>, {
            get: (t, k) => (typeof k === 'string' && note(k), Reflect.get(t, k)),
            has: (t, k) => (typeof k === 'string' && note(k), Reflect.has(t, k)),
            ownKeys: (t) => (note(EVERY_FIELD), Reflect.ownKeys(t)),
            getOwnPropertyDescriptor: (t, k) => (
              typeof k === 'string' && note(k), Reflect.getOwnPropertyDescriptor(t, k)
            ),
          })
        : w;
    const list = new Proxy(state.threads, {
      get: (t, k) => (noteThread(k), Reflect.get(t, k)),
      has: (t, k) => (noteThread(k), Reflect.has(t, k)),
      ownKeys: (t) => (everyThread(), Reflect.ownKeys(t)),
      getOwnPropertyDescriptor: (t, k) => (noteThread(k), Reflect.getOwnPropertyDescriptor(t, k)),
    });
    const faults = state.faults;
    return {
      world: world as State['world'],
      threads: list,
      get faults() {
        note(FAULTS);
        return faults;
      },
    };
  }

  /** The slots a guard and choices read (`touched`: field names, FAULTS): the fault count is slot 0. */
  private readSlots(touched: string[], state: State): Int32Array {
    const world = this.record ? this.slotsOf(touched, state.world as Record<string, unknown>) : Int32Array.of(1);
    if (!touched.includes(FAULTS)) return world;
    return Int32Array.of(0, ...world);
  }

  /**
   * Apply transition t to the state `vec` (whose object `of` gives): its outcome, shared
   * with every state it applies to (do not change it). Unless the outcome is a violation,
   * the next state is written into `into`. `record` gives a footprint recorder (POR): the
   * outcome then carries the transition's footprint.
   */
  successor(
    vec: Vec,
    of: HasState,
    t: Transition,
    into: Vec,
    record?: () => { footprint: Footprint; access: WorldAccess },
  ): Outcome {
    return this.follow(vec, this.outcome(vec, of, t, record), into);
  }

  /** What transition t does from `vec` (whose object `of` gives): successor() without making the next state. */
  outcome(
    vec: Vec,
    of: HasState,
    t: Transition,
    record?: () => { footprint: Footprint; access: WorldAccess },
  ): Outcome {
    const F = this.fields.length;
    const self = vec[1 + F + t.thread]!;
    const key = self * this.threads + t.thread;
    const kept = this.cache.find(key, t.choice, vec, record !== undefined);
    if (kept !== undefined) return kept;
    // not met before: run the step, and keep what it did
    const state = of.state;
    const touched: string[] = [];
    const rec = record?.();
    const applied = this.system.apply(state, t, { touched, access: rec?.access });
    const slots = this.record
      ? this.slotsOf(touched, applied.state.world as Record<string, unknown>)
      : Int32Array.of(1);
    let writes = new Int32Array(0);
    if (!applied.violation) {
      const w: number[] = [];
      const world = applied.state.world as Record<string, unknown>;
      for (let s = 0; s < slots.length; s++) {
        const slot = slots[s]!;
        const id = this.parts.intern(this.record ? world[this.fields[slot - 1]!] : world);
        if (id !== vec[slot]) w.push(slot, id);
      }
      const thread = this.parts.intern(applied.state.threads[t.thread]);
      if (thread !== self) w.push(1 + F + t.thread, thread);
      writes = Int32Array.from(w);
    }
    // every outcome has the same fields, in the same order (one shape for the hot path)
    const d = this.swapped(vec, writes, undefined);
    const o: Outcome = {
      writes,
      faults: applied.state.faults - state.faults,
      violation: applied.violation,
      footprint: rec?.footprint,
      dhi: d.hi,
      dlo: d.lo,
    };
    this.cache.keep(key, t.choice, slots, vec, o);
    return o;
  }

  private follow(vec: Vec, o: Outcome, into: Vec): Outcome {
    if (o.violation) return o;
    for (let i = 0; i < vec.length; i++) into[i] = vec[i]!;
    into[0] = vec[0]! + o.faults;
    const w = o.writes;
    for (let i = 0; i < w.length; i += 2) into[w[i]!] = w[i + 1]!;
    return o;
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
    return new ModelError(
      `the world of ${this.system.modelName} has no field '${k}' in its initial state: give every world field an initial value`,
    );
  }

  /** Begin expanding `vec`; `known`: the fingerprint it was stored under (else computed). */
  enter(vec: Vec, known?: { hi: number; lo: number }): Expansion {
    const permutation = this.symmetry.permutation(vec);
    if (known) return { vec, hi: known.hi, lo: known.lo, permutation };
    const z = this.whole(vec, permutation);
    return { vec, hi: z.hi, lo: z.lo, permutation };
  }

  /** The fingerprint a state is stored under, with its threads' symmetry applied, computed whole. */
  fingerprint(vec: Vec): Canonical {
    const p = this.symmetry.permutation(vec);
    const z = this.whole(vec, p);
    return { hi: z.hi, lo: z.lo, perm: p?.perm };
  }

  /**
   * The fingerprint of `next`, the successor of the expanded state by outcome `o`: when its
   * threads are in the same order as its parent's, only the slots `o` changed are
   * fingerprinted; else the whole state.
   */
  child(from: Expansion, next: Vec, o: Outcome): Canonical {
    const p = this.symmetry.permutation(next);
    if (p !== from.permutation) {
      const z = this.whole(next, p);
      return { hi: z.hi, lo: z.lo, perm: p?.perm };
    }
    const c: Canonical = { hi: 0, lo: 0, perm: p?.perm };
    this.successorFingerprint(from, o, c, p);
    return c;
  }

  /**
   * The fingerprint of the successor of the expanded state by outcome `o`, when its threads
   * are in the parent's order (`p`: that order, undefined without symmetry), written into
   * `out`: the parent's with the keys of the slots `o` changed swapped, and the fault
   * count's. Without symmetry the successor need not be made to be looked up.
   */
  successorFingerprint(from: Expansion, o: Outcome, out: { hi: number; lo: number }, p?: Permutation): void {
    let hi = from.hi;
    let lo = from.lo;
    if (p === undefined) {
      hi ^= o.dhi;
      lo ^= o.dlo;
    } else {
      const d = this.swapped(from.vec, o.writes, p);
      hi ^= d.hi;
      lo ^= d.lo;
    }
    if (o.faults !== 0) {
      // the fault count's key before and after
      const z = new Zobrist().add(0, from.vec[0]!, 0).add(0, from.vec[0]! + o.faults, 0);
      hi ^= z.hi;
      lo ^= z.lo;
    }
    out.hi = hi >>> 0;
    out.lo = lo >>> 0;
  }

  /**
   * The keys of the slots `writes` changes, before (in `vec`) and after, XORed (threads in
   * canonical position under `p`). Without a permutation it is the same for every state an
   * outcome applies to: a written slot was touched, so its part is in the outcome's key.
   */
  private swapped(vec: Vec, writes: Int32Array, p: Permutation | undefined): Zobrist {
    const F = this.fields.length;
    const d = new Zobrist();
    for (let i = 0; i < writes.length; i += 2) {
      const slot = writes[i]!;
      // where the slot's part goes in canonical order: a thread moves to its position
      const at = p === undefined || slot <= F ? slot : 1 + F + p.perm[slot - 1 - F]!;
      this.addKey(d, at, vec[slot]!, p);
      this.addKey(d, at, writes[i + 1]!, p);
    }
    return d;
  }

  /** Add the key of part `id` in `slot` (renamed by `p`); nothing for undefined. */
  private addKey(z: Zobrist, slot: number, id: number, p: Permutation | undefined): void {
    if (id === UNDEFINED) return;
    if (p === undefined) z.add(slot, this.parts.fp[2 * id]!, this.parts.fp[2 * id + 1]!);
    else this.symmetry.addRenamed(z, slot, id, p);
  }

  /** The XOR of every slot's key, threads in `p`'s order with names renamed. */
  private whole(vec: Vec, p: Permutation | undefined): Zobrist {
    const F = this.fields.length;
    const z = new Zobrist().add(0, vec[0]!, 0);
    for (let slot = 1; slot < vec.length; slot++) {
      this.addKey(z, slot, p === undefined || slot <= F ? vec[slot]! : vec[1 + F + p.order[slot - 1 - F]!]!, p);
    }
    return z;
  }

  /** The canonical state of a vector as text (tests: onState), threads sorted and renamed as for its fingerprint. */
  text(vec: Vec): string {
    const state = this.state(vec);
    const p = this.symmetry.permutation(vec);
    if (p === undefined) return JSON.stringify(state);
    const threads = Array.from(p.order, (i) => state.threads[i]!);
    return JSON.stringify({ world: state.world, threads, faults: state.faults }, (_, v) =>
      typeof v === 'string' ? (p.rename.get(v) ?? v) : v,
    );
  }
}
