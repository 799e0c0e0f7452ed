// Ample sets (Peled 1993; persistent sets, Godefroid 1996, and stubborn sets, Valmari 1990,
// in their simplest form), the partial-order reduction of the exhaustive explorers that
// cuts states. A thread's step sees only the world and its OWN slot (pc and locals:
// core/model.ts StepContext), so a transition whose recorded footprint (footprint.ts; the
// guard and the choices are recorded as reads) touches no world path and not '#faults' is
// *local*: it commutes with every transition of every other thread, in this state and in
// any later one, and enables or disables none of them. SPIN's "safe" statements on local
// variables are the same idea (pangen's local-variable rule).
//
// At a state s, the ample set is every enabled transition (every choice) of ONE thread p,
// when
//   1. each is local (then p's guard and choices read only p's slot, so no other thread
//      can ever enable, disable or change a transition of p: the set is persistent),
//   2. none raised an in-step violation,
//   3. none changes a part of p's slot that an `always` property reads (invisible), and
//   4. each leads to a state not stored yet (the cycle proviso in its strong, BFS-safe
//      form, Bošnački & Holzmann 2005 / "C3 strong"): such a state is expanded after s, so
//      along reduced edges the expansion order grows, and a cycle of the reduced graph
//      holds a fully expanded state. The same holds for the DFS, whose stored states
//      all wait on its stack or were expanded already.
// Else s is expanded fully. The threads are tried in order; the first that qualifies wins.
//
// Why it is sound (for a full path w from a stored state s to a violation): if s is
// expanded fully, the first transition of w leads to a stored state. If s took p's ample
// set A and w runs a transition b of p, the first such b is in A (p's slot is unchanged
// before it, and p's transitions read nothing else), and b commutes to the front: s.b then
// the rest of w, one shorter. If w runs no transition of p, take any a in A: the rest of w
// runs unchanged from s.a (none of it reads p's slot, a changes nothing else), and ends in
// a state that differs only in p's slot, in parts no `always` property reads (3) — so an
// in-step violation is raised just the same, a property reads the same values and says
// the same, and the end state is no terminal or stuck state (p can still move): terminal
// and stuck states are reached exactly, so `atEnd` properties (which may read any thread)
// and deadlock lose nothing. In the last case w keeps its length but s.a is expanded later
// than s (4); the pair (length of w, states left to expand) decreases, so a violation is
// reached in the reduced graph. Under symmetry the same holds of the canonical states,
// since properties are symmetric and what one thread's reads mark is marked for its group.
//
// What `always` properties read of the threads is learned while searching: they run on a
// watched state (watch()) that records each thread's pc and top-level local they read.
// A read of a part an ample transition already changed means an earlier choice was not
// invisible: the search stops and runs again from the start, knowing the read (search()).
// The final run's ample transitions changed nothing any property read, which is what the
// argument needs (every state a property was run on is stored, and a property is a
// deterministic function of what it reads).
//
// The counterexample: a violation found with ample sets is searched again without them, so
// the verdict, property, path and length are exactly those of the search without the
// reduction (for BFS a shortest path; every stored trace stays byte-identical). When no
// state had an ample set before the violation, the search was already the one without them
// (every state expanded fully, successors in the same order), and its result stands. Ample sets
// make a check that holds cheaper; one that fails costs the reduced search up to the
// violation on top (bench/por.ts measures it). With --max-depth the reduction is off: a
// reduced path may be longer than the depth bound allows.

import type { State } from '../core/model.ts';
import type { Transition, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import type { FingerprintSet } from './fingerprint-set.ts';
import { recorder, type Footprint } from './footprint.ts';
import type { ExploreResult } from './result.ts';
import type { Canonical, Expansion, Outcome, StateSpace, Vec } from './state-space.ts';
import type { Stepwise } from './drive.ts';

/** A state being expanded (exhaustive.ts's Opened, as much of it as ampleSet() reads). */
export interface Expanding {
  node: { vec: Vec };
  /** its state object (made when first asked for) */
  readonly state: State;
  enabled: Transition[];
  expansion: Expansion;
}

/** A part of a thread's slot: 'pc', 'local/<key>', or 'local/*' (every local). */
type SlotPath = string;

const ALL_LOCALS = 'local/*';

/** Thrown by a search when a property read a part of a thread an ample transition changed. */
export class VisibilityConflict extends Error {
  constructor(readonly read: string) {
    super(`an always property read ${read}, which an ample transition had changed`);
  }
}

/**
 * What `always` properties read of each thread (kept across the runs of one check), and
 * what ample transitions changed (per run).
 */
export class Visibility {
  /** per thread: the slot paths some property read */
  readonly read: Set<SlotPath>[];
  /** per thread: the slot paths some ample transition changed (this run) */
  changed: Set<SlotPath>[];
  /** ample sets taken this run (none: the run was the search without them, step for step) */
  taken = 0;
  /** the first read that contradicts a choice made (the search must run again) */
  conflict: string | undefined;
  private readonly group: number[][];
  private readonly names: string[];

  /** `blind` (tests only): note nothing, the wrong reduction the watch exists to prevent */
  constructor(
    system: TransitionSystem,
    private readonly blind = false,
  ) {
    const n = system.threadNames.length;
    this.names = system.threadNames;
    this.read = Array.from({ length: n }, () => new Set());
    this.changed = Array.from({ length: n }, () => new Set());
    // a read of one thread of a symmetry group stands for the same read of each of them
    this.group = system.symmetry.map((g, i) =>
      g === undefined ? [i] : system.symmetry.flatMap((h, j) => (h === g ? [j] : [])),
    );
  }

  /** A fresh run: nothing changed yet, what was read is kept. */
  rerun(): void {
    this.changed = this.read.map(() => new Set());
    this.conflict = undefined;
    this.taken = 0;
  }

  /** Properties read `path` of thread i. */
  note(i: number, path: SlotPath): void {
    if (this.blind || this.read[i]!.has(path)) return;
    for (const j of this.group[i]!) {
      const read = this.read[j]!;
      if (read.has(path)) continue;
      read.add(path);
      const changed = this.changed[j]!;
      const hit = path === ALL_LOCALS ? [...changed].some((c) => c.startsWith('local/')) : changed.has(path);
      if (hit && this.conflict === undefined) this.conflict = `${this.names[j]}'s ${path}`;
    }
  }

  /** No path of thread i's slot that properties read is among `paths`. */
  invisible(i: number, paths: readonly SlotPath[]): boolean {
    const read = this.read[i]!;
    if (read.size === 0) return true;
    const all = read.has(ALL_LOCALS);
    for (const p of paths) if (read.has(p) || (all && p !== 'pc')) return false;
    return true;
  }

  private readonly changesOf = new Map<number, SlotPath[]>();

  /** false for a (thread part, thread, choice) whose step is not local (ampleSet()) */
  readonly steps = new Map<number, boolean>();

  /** slotChanges() between two thread parts, by their numbers (kept). */
  changes(before: number, after: number, values: readonly unknown[]): SlotPath[] {
    const key = before * 0x4000000 + after;
    let c = before < 0x8000000 && after < 0x4000000 ? this.changesOf.get(key) : undefined;
    if (c === undefined) {
      c = slotChanges(values[before] as never, values[after] as never);
      if (before < 0x8000000 && after < 0x4000000) this.changesOf.set(key, c);
    }
    return c;
  }

  /** An ample transition of thread i changed `paths`. */
  take(i: number, paths: readonly SlotPath[]): void {
    const changed = this.changed[i]!;
    for (const p of paths) changed.add(p);
  }

  /** The state `always` properties see: its threads record what is read of them. */
  watch = (state: State): State => new WatchedState(this, state);

  private readonly handlers: ProxyHandler<object>[] = [];

  /** The view of a thread's locals that records reads (one handler per thread). */
  localHandler(i: number): ProxyHandler<object> {
    let h = this.handlers[i];
    if (h !== undefined) return h;
    const v = this;
    h = {
      get(t, k) {
        if (typeof k === 'string') v.note(i, `local/${k}`);
        return (t as any)[k];
      },
      has(t, k) {
        v.note(i, typeof k === 'string' ? `local/${k}` : ALL_LOCALS);
        return k in t;
      },
      ownKeys(t) {
        v.note(i, ALL_LOCALS);
        return Reflect.ownKeys(t);
      },
      getOwnPropertyDescriptor(t, k) {
        v.note(i, typeof k === 'string' ? `local/${k}` : ALL_LOCALS);
        return Reflect.getOwnPropertyDescriptor(t, k);
      },
      set: () => false,
      deleteProperty: () => false,
    };
    this.handlers[i] = h;
    return h;
  }
}

/** A state as `always` properties see it: its threads are watched, made when first asked for (most properties never do). */
class WatchedState {
  readonly world: State['world'];
  readonly faults: number;
  readonly #v: Visibility;
  readonly #state: State;
  #threads: WatchedSlot[] | undefined;

  constructor(v: Visibility, state: State) {
    this.world = state.world;
    this.faults = state.faults;
    this.#v = v;
    this.#state = state;
  }

  get threads(): WatchedSlot[] {
    this.#threads ??= this.#state.threads.map((slot, i) => new WatchedSlot(this.#v, slot, i, this.#v.localHandler(i)));
    return this.#threads;
  }

  toJSON(): State {
    return { world: this.world, threads: this.threads as never, faults: this.faults };
  }
}

/** A thread's slot as `always` properties see it: reading its pc or its locals is noted. */
class WatchedSlot {
  // private fields: a property spreading or listing the slot sees only pc and local
  readonly #v: Visibility;
  readonly #slot: { pc: string; local: any };
  readonly #i: number;
  readonly #handler: ProxyHandler<object>;

  constructor(v: Visibility, slot: { pc: string; local: any }, i: number, handler: ProxyHandler<object>) {
    this.#v = v;
    this.#slot = slot;
    this.#i = i;
    this.#handler = handler;
  }

  get pc(): string {
    this.#v.note(this.#i, 'pc');
    return this.#slot.pc;
  }

  get local(): any {
    const l = this.#slot.local;
    if (l !== null && typeof l === 'object') return new Proxy(l as object, this.#handler);
    this.#v.note(this.#i, ALL_LOCALS);
    return l;
  }

  toJSON(): { pc: string; local: any } {
    return { pc: this.pc, local: this.local };
  }
}

/** A footprint that touches no world path and not the fault budget. */
export function local(f: Footprint): boolean {
  return f.reads.size === 0 && f.writes.size === 0;
}

/** The parts of a thread's slot that differ between two of its values (`{ pc, local }`). */
export function slotChanges(before: { pc: string; local: any }, after: { pc: string; local: any }): SlotPath[] {
  const paths: SlotPath[] = [];
  if (before.pc !== after.pc) paths.push('pc');
  const a = before.local;
  const b = after.local;
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object' || Array.isArray(a)) {
    if (!same(a, b)) paths.push(ALL_LOCALS);
    return paths;
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (!same(a[k], b[k])) paths.push(`local/${k}`);
  return paths;
}

/** Deep equality of plain data. */
function same(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  for (const k of kx) if (!Object.hasOwn(y, k) || !same((x as any)[k], (y as any)[k])) return false;
  return true;
}

/** Why ample sets cannot run on this system with these options (undefined: they can). */
export function ampleRefused(system: TransitionSystem, maxDepth: number | undefined): string | undefined {
  if (maxDepth !== undefined) return 'off under --max-depth (a reduced path may be longer than the bound)';
  const w = system.initial().world as unknown;
  // a world that is no object is not recorded by footprints: no step could be told local
  if (w === null || typeof w !== 'object') return 'off: the world is not an object (footprints cannot see it)';
  return undefined;
}

/** The runs of one check with ample sets, and what the result says about them. */
export interface AmpleRuns {
  /** searches run from the start again because a property read what an ample transition changed */
  reruns: number;
  /** the violation the reduced search found, searched again without the reduction */
  researched: boolean;
}

/**
 * A check with ample sets: `search(visibility)` runs the reduced search (throwing
 * VisibilityConflict when a property's read contradicts a choice), again while that
 * happens; a violation is searched again by `plain()` (no ample sets), whose result is
 * reported. The coverage says what was done.
 */
export function* withAmple(
  system: TransitionSystem,
  search: (v: Visibility) => Stepwise,
  plain: () => Stepwise,
  blind = false,
): Stepwise {
  const v = new Visibility(system, blind);
  let reruns = 0;
  for (;;) {
    let r: ExploreResult;
    try {
      r = yield* search(v);
    } catch (e) {
      if (!(e instanceof VisibilityConflict)) throw e;
      reruns++;
      v.rerun();
      continue;
    }
    if (r.kind !== 'violation') {
      r.coverage.reductions = {
        ...(r.coverage.reductions ?? { por: true, symmetry: false }),
        por: true,
        partialOrder: reruns === 0 ? 'ample' : `ample (run ${reruns + 1} times: a property reads threads)`,
      };
      return r;
    }
    // no state had an ample set: the search was the one without them, in the same order
    if (v.taken === 0) return r;
    const found = r;
    const again = yield* plain();
    again.coverage.reductions = {
      ...(again.coverage.reductions ?? { por: false, symmetry: false }),
      partialOrder: `ample found ${found.violation.property} at depth ${found.path.length} in ${found.coverage.states} states; searched again without it`,
    };
    return again;
  }
}

/** A transition applied while looking for an ample set: its successor and outcome (reused by a full expansion). */
export interface Probe {
  vec: Vec;
  outcome: Outcome;
  /** its fingerprint, once computed */
  fingerprint?: Canonical;
}

/** What looking for an ample set found. */
export interface AmpleFound {
  /** the ample set, as the decisions (indices among the enabled) whose probes are its successors */
  ample?: number[];
  /** a violation a candidate raised (the search stops on it) */
  violation?: { violation: Violation; decision: number };
  /** per decision, the transition applied, if it was (undefined: none was) */
  probes: (Probe | undefined)[] | undefined;
}

/** The ample set of an opened state (conditions 1–4 above), trying the threads in order. */
export function ampleSet(
  space: StateSpace,
  stored: FingerprintSet,
  v: Visibility,
  opened: Expanding,
  target: string | undefined,
): AmpleFound {
  const { node, enabled, expansion } = opened;
  const base = 1 + space.fields.length;
  const values = space.parts.values;
  let probes: (Probe | undefined)[] | undefined;
  let i = 0;
  for (let end = i; i < enabled.length; i = end) {
    const p = enabled[i]!.thread;
    while (end < enabled.length && enabled[end]!.thread === p) end++;
    // whether a step is local depends on the thread's slot alone (a step runs on its locals
    // the same way up to its first read of the world, if any): a thread part seen to have
    // a step that is not local is not tried again
    const part = node.vec[base + p]!;
    const key = (part * space.threads + p) * 64;
    let known = true;
    for (let d = i; d < end && known; d++)
      known = enabled[d]!.choice >= 64 || v.steps.get(key + enabled[d]!.choice) !== false;
    if (!known) continue;
    const changes: SlotPath[][] = [];
    let ok = true;
    for (let d = i; d < end && ok; d++) {
      const vec: Vec = new Array(space.width);
      const outcome = space.successor(node.vec, opened, enabled[d]!, vec, recorder);
      const probe: Probe = { vec, outcome };
      (probes ??= new Array(enabled.length))[d] = probe;
      if (outcome.violation) {
        if (target === undefined || outcome.violation.property === target)
          return { violation: { violation: outcome.violation, decision: d }, probes };
        ok = false;
      } else if (!local(outcome.footprint!)) {
        if (enabled[d]!.choice < 64) v.steps.set(key + enabled[d]!.choice, false);
        ok = false;
      } else {
        const paths = v.changes(node.vec[base + p]!, vec[base + p]!, values);
        probe.fingerprint = space.child(expansion, vec, outcome);
        if (!v.invisible(p, paths) || stored.has(probe.fingerprint.hi, probe.fingerprint.lo)) ok = false;
        else changes.push(paths);
      }
    }
    if (ok) {
      v.taken++;
      for (const paths of changes) v.take(p, paths);
      return { ample: Array.from({ length: end - i }, (_, k) => i + k), probes: probes! };
    }
  }
  return { probes };
}
