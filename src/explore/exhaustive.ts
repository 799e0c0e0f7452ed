// What BFS and DFS share: their options, and the search over state vectors (one per run):
// storing states by fingerprint (fingerprint-set.ts, under symmetry: state-space.ts),
// expanding a state with ample sets (ample.ts) or sleep sets (sleep-sets.ts), the bounds and progress (bounds.ts),
// and the coverage a result reports. The order of a search (a queue, a stack) is the
// explorer's own.

import type { State } from '../core/model.ts';
import type { Stepwise } from './drive.ts';
import { ampleRefused, ampleSet, Visibility, VisibilityConflict, withAmple, type Probe } from './ample.ts';
import { Batch } from './batch.ts';
import type { Transition, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import { Bound, Bounds, type BoundOptions } from './bounds.ts';
import { collisionProbability, FingerprintSet, SetFullError } from './fingerprint-set.ts';
import { independent, recorder } from './footprint.ts';
import type { Coverage, ExploreResult } from './result.ts';
import { bitOf, maskOf, NO_SLEEP, rank, sleepAfter, type Sleeper } from './sleep-sets.ts';
import { StateObject, StateSpace, type Canonical, type Expansion, type Outcome, type Vec } from './state-space.ts';

export type { Progress } from './bounds.ts';
export type { Sleeper } from './sleep-sets.ts';
export { NO_SLEEP } from './sleep-sets.ts';

export interface ExhaustiveOptions extends BoundOptions {
  maxDepth?: number;
  /**
   * partial-order reduction: 'ample' (ample sets, ample.ts: cuts states), 'sleep' (sleep
   * sets, sleep-sets.ts: cuts transitions), 'none' (the default: bench/por.ts, README
   * "Reductions"); true: ample, false: none
   */
  por?: PartialOrder | boolean;
  /** symmetry reduction over the threads' symmetry groups (default on) */
  symmetry?: boolean;
  /** worker threads (bfs only; default 1) */
  workers?: number;
  /** only this property counts (like the random explorer's `target`) */
  target?: string;
  /** @internal tests: ample sets ignore what properties read of the threads (a wrong reduction, to show what the watch prevents) */
  blindAmple?: boolean;
  /** @internal tests: false stores each successor as soon as it is found, not in batches (batch.ts) */
  batch?: boolean;
  /** @internal tests: called once per distinct state when it is first expanded, with its canonical text */
  onState?: (state: State, key: string) => void;
}

/** The partial-order reductions, by name (--por). */
export const PARTIAL_ORDERS = ['ample', 'sleep', 'none'] as const;
export type PartialOrder = (typeof PARTIAL_ORDERS)[number];

/**
 * The partial-order reduction a check runs with when it names none: none, on the median over
 * the bench sizes and the repo's models, where the kernel's steps nearly all touch the world
 * (ample sets cut states on 3 of 52 variants, by at most 3%, and search a violation twice;
 * sleep sets cut no state and cost a footprint per transition). bench/por.ts measures it.
 */
export const DEFAULT_PARTIAL_ORDER: PartialOrder = 'none';

/** The partial-order reduction options ask for (true: the one that cuts states). */
export function partialOrder(opts: { por?: PartialOrder | boolean }): PartialOrder {
  return opts.por === undefined
    ? DEFAULT_PARTIAL_ORDER
    : opts.por === true
      ? 'ample'
      : opts.por === false
        ? 'none'
        : opts.por;
}

/**
 * Run a search (bfs, dfs) with the partial-order reduction the options ask for: with ample
 * sets, through withAmple (ample.ts: run again on a visibility conflict, a violation
 * searched again without them); the search gets the visibility record to use.
 */
export function* searchReduced(
  system: TransitionSystem,
  opts: ExhaustiveOptions,
  search: (opts: ExhaustiveOptions, visibility: Visibility | undefined) => Stepwise,
): Stepwise {
  if (partialOrder(opts) !== 'ample') return yield* search(opts, undefined);
  // a rerun or re-search gets what is left of the check's --timeout, not a fresh one
  if (opts.timeoutMs !== undefined && opts.since === undefined) opts = { ...opts, since: performance.now() };
  const plain = () => search({ ...opts, por: 'none' }, undefined);
  const refused = ampleRefused(system, opts.maxDepth);
  if (refused === undefined) return yield* withAmple(system, (v) => search(opts, v), plain, opts.blindAmple);
  const r = yield* plain();
  if (r.coverage.reductions) r.coverage.reductions.partialOrder = `ample ${refused}`;
  return r;
}

/** A state waiting to be expanded. */
export interface Node {
  vec: Vec;
  depth: number;
  /** POR: the enabled transitions, known when the node is made (else when it is opened) */
  enabled: Transition[] | undefined;
  /** POR: canonical rank of each enabled transition (-1: not representable in a mask) */
  ranks: Int8Array | undefined;
  sleep: Sleeper[];
  /** re-expansion: only the transitions with these rank bits */
  only?: number;
  /** BFS: index in the parent log */
  id: number;
  /** first expansion of a distinct state (not a re-expansion) */
  first: boolean;
  /** the fingerprint the state was stored under (expanding it starts from it) */
  fingerprint: { hi: number; lo: number };
}

/** A node opened for expansion: its state object (made when first asked for) and enabled transitions. */
export class Opened extends StateObject {
  /** set by open() */
  enabled!: Transition[];

  constructor(
    space: StateSpace,
    readonly node: Node,
    readonly expansion: Expansion,
  ) {
    super(space, node.vec);
  }
}

/**
 * Takes a successor from expand(): its vector, fingerprint, the decision that reached it and
 * its sleep set. Returns true when it keeps `vec` (expand() then makes a new one for the
 * next successor), false when it is done with it (copied or dropped).
 */
export type Child = (vec: Vec, fingerprint: Canonical, decision: number, sleep: Sleeper[]) => boolean;

/**
 * Takes a new state from expandPlain() or store(): its fingerprint (stored already), the
 * decision that reached it, the parent vector and outcome that make it
 * (Frontier.pushSuccessor()), the parent's id and the state's depth.
 */
export type Fresh = (
  hi: number,
  lo: number,
  decision: number,
  parent: Vec,
  o: Outcome,
  from: number,
  depth: number,
) => void;

export class ExhaustiveSearch {
  readonly set: FingerprintSet;
  readonly space: StateSpace;
  readonly bounds: Bounds;
  /** sleep sets on (the nodes carry sleep sets, the stored states their masks) */
  readonly por: boolean;
  readonly symmetry: boolean;
  /** no sleep sets and no symmetry group: expandPlain() applies */
  readonly plain: boolean;
  /** ample sets on: what properties read of the threads (ample.ts) */
  readonly visibility: Visibility | undefined;
  steps = 0;
  depth = 0;
  /** expandPlain()'s scratch: a successor's fingerprint */
  private readonly fingerprinted = { hi: 0, lo: 0 };
  /** plain and without ample sets: expandPlain() holds successors here until store() (batch.ts) */
  readonly batch: Batch | undefined;
  /** states waiting, as of the last tick() */
  private waiting = 0;
  /** what a progress report says (made once: tick() runs per expansion) */
  private readonly progress = () => ({
    steps: this.steps,
    states: this.set.size,
    queue: this.waiting,
    depth: this.depth,
  });

  constructor(
    readonly system: TransitionSystem,
    readonly opts: ExhaustiveOptions,
    visibility?: Visibility,
  ) {
    this.por = partialOrder(opts) === 'sleep';
    this.visibility = visibility;
    this.symmetry = opts.symmetry ?? true;
    this.space = new StateSpace(system, this.symmetry);
    this.plain = !this.por && !this.space.symmetry.on;
    this.batch =
      this.plain && visibility === undefined && opts.batch !== false ? new Batch(this.space.width) : undefined;
    this.set = new FingerprintSet(256, this.por);
    this.bounds = new Bounds(opts);
  }

  /** Store a fingerprint (a Bound when it would pass one); returns the set's insert result. */
  insert(hi: number, lo: number): number {
    this.bounds.admit(this.set, hi, lo);
    return this.set.insert(hi, lo);
  }

  /** Time and memory bounds, and the progress report; once per expansion. */
  tick(queue: number): void {
    this.waiting = queue;
    this.bounds.tick(this.progress);
  }

  coverage(strategy: 'bfs' | 'dfs', exhaustive: boolean, extraBytes = 0): Coverage {
    const states = this.set.size;
    return {
      strategy,
      runs: 0,
      steps: this.steps,
      states,
      depth: this.depth,
      exhaustive,
      ms: performance.now() - this.bounds.started,
      bytesPerState: states === 0 ? 0 : this.bounds.memory.grown() / states,
      visitedBytesPerState: states === 0 ? 0 : (this.set.bytes + extraBytes) / states,
      collisionProbability: collisionProbability(states, this.steps + 1),
      reductions: {
        por: this.por || this.visibility !== undefined,
        symmetry: this.symmetry,
        ...(this.por ? { partialOrder: 'sleep' } : this.visibility ? { partialOrder: 'ample' } : {}),
      },
      workers: 1,
      cache: { hits: this.space.hits, parts: this.space.parts.size },
    };
  }

  /** The result for an exception thrown by the search: a bound or a full table is incomplete, else an error. */
  stopped(e: unknown, coverage: Coverage): ExploreResult {
    if (e instanceof VisibilityConflict) throw e; // the search runs again (ample.ts)
    if (e instanceof Bound) return { kind: 'incomplete', bound: e.message, coverage };
    if (e instanceof SetFullError) return { kind: 'incomplete', bound: `max-memory (${e.message})`, coverage };
    // a typed array the machine could not give (the bounds refuse most growths before this)
    if (e instanceof RangeError && /allocation failed/i.test(e.message))
      return { kind: 'incomplete', bound: `memory (${e.message})`, coverage };
    return { kind: 'error', message: e instanceof Error ? e.message : String(e), coverage };
  }

  /** The fingerprint of the initial state, and its vector. */
  initial(): { vec: Vec; fingerprint: Canonical } {
    const vec = this.space.initial();
    return { vec, fingerprint: this.space.fingerprint(vec) };
  }

  /** A node for a state; with POR, its enabled transitions and their canonical ranks. */
  node(vec: Vec, c: Canonical, depth: number, sleep: Sleeper[], id: number, first: boolean): Node {
    const fingerprint = { hi: c.hi, lo: c.lo };
    if (!this.por) return { vec, depth, enabled: undefined, ranks: undefined, sleep, id, first, fingerprint };
    const enabled = this.space.enabled(vec, new StateObject(this.space, vec));
    const ranks = rank(enabled, c.perm);
    // a sleeper whose rank cannot be stored is dropped (explored again: sound)
    const kept = sleep.filter((u) => bitOf(enabled, ranks, u) !== 0);
    return { vec, depth, enabled, ranks, sleep: kept, id, first, fingerprint };
  }

  /**
   * The violation an opened state shows (StateSpace.check(): properties' verdicts cached by
   * what they read). With ample sets, `always` properties run on a watched state, and a read
   * that contradicts an ample choice stops the search.
   */
  check(opened: Opened): Violation | undefined {
    const v = this.visibility;
    const violation = this.space.check(opened.vec, opened, opened.enabled.length, this.opts.target, v?.watch);
    if (v?.conflict !== undefined) throw new VisibilityConflict(v.conflict);
    return violation;
  }

  /** A node opened to check and expand: its enabled transitions (its state object is made when first asked for). */
  open(node: Node): Opened {
    const opened = new Opened(this.space, node, this.space.enter(node.vec, node.fingerprint));
    opened.enabled = node.enabled ?? this.space.enabled(node.vec, opened);
    return opened;
  }

  /**
   * With ample sets: look for one at `opened`. An ample set's probes go to `take`, or a
   * candidate's violation is returned; either way the expansion is `over`. Else the probes
   * applied while looking, which the full expansion reuses. (steps counts the transitions
   * taken: a probe when its successor is used.)
   */
  private ample(
    opened: Opened,
    take: (decision: number, probe: Probe) => void,
  ):
    | { over: true; violation?: { violation: Violation; decision: number } }
    | { over: false; probes: (Probe | undefined)[] | undefined } {
    const found = ampleSet(this.space, this.set, this.visibility!, opened, this.opts.target);
    if (found.violation) {
      this.steps++;
      return { over: true, violation: found.violation };
    }
    if (found.ample === undefined) return { over: false, probes: found.probes };
    for (const d of found.ample) {
      this.steps++;
      take(d, found.probes![d]!);
    }
    return { over: true };
  }

  /**
   * Expand a node: apply each enabled transition not asleep; `child` gets each successor.
   * Returns a violation to report (with the decision that raised it), if any.
   */
  expand(opened: Opened, child: Child): { violation: Violation; decision: number } | undefined {
    const { node, enabled, expansion } = opened;
    const target = this.opts.target;
    const done: Sleeper[] = [];
    const width = this.space.width;
    let probes: (Probe | undefined)[] | undefined;
    if (this.visibility !== undefined) {
      const a = this.ample(opened, (d, probe) => child(probe.vec, probe.fingerprint!, d, NO_SLEEP));
      if (a.over) return a.violation;
      probes = a.probes;
    }
    // ample sets record footprints only for their candidates (ampleSet()), sleep sets for all
    const record = this.por ? recorder : undefined;
    let next: Vec = new Array(width);
    for (let i = 0; i < enabled.length; i++) {
      const t = enabled[i]!;
      if (this.por) {
        const bit = node.ranks![i]! < 0 ? 0 : 1 << node.ranks![i]!;
        if (node.only !== undefined && (node.only & bit) === 0) continue;
        if (node.sleep.some((u) => u.thread === t.thread && u.choice === t.choice)) continue;
      }
      const probe = probes?.[i];
      if (probe !== undefined) {
        // applied while looking for an ample set
        const o = probe.outcome;
        this.steps++;
        if (o.violation) continue; // not the target (a target's violation was returned)
        child(probe.vec, probe.fingerprint ?? this.space.child(expansion, probe.vec, o), i, NO_SLEEP);
        continue;
      }
      const o: Outcome = this.space.successor(node.vec, opened, t, next, record);
      this.steps++;
      if (o.violation) {
        if (target === undefined || o.violation.property === target) return { violation: o.violation, decision: i };
      } else {
        const sleep = this.por ? sleepAfter(t, o.footprint!, node.sleep, done, independent) : NO_SLEEP;
        if (child(next, this.space.child(expansion, next, o), i, sleep)) next = new Array(width);
      }
      if (this.por) done.push({ thread: t.thread, choice: t.choice, footprint: o.footprint! });
    }
    return undefined;
  }

  /**
   * expand() when the search is plain (no sleep sets, no symmetry group; ample sets or
   * not): each successor is fingerprinted from its parent's and the outcome, and stored; only
   * a new one is made, by `fresh`. Without ample sets the successors are held in the batch
   * when they fit (the caller makes room: batch.full()), and store() stores them. Returns a
   * violation to report (with the decision that raised it), if any.
   */
  expandPlain(opened: Opened, fresh: Fresh): { violation: Violation; decision: number } | undefined {
    const { node, enabled, expansion } = opened;
    const target = this.opts.target;
    const vec = node.vec;
    const from = node.id;
    const depth = node.depth + 1;
    const batch = this.batch;
    if (batch !== undefined && enabled.length > 0 && !batch.full(enabled.length)) {
      batch.begin(vec, from, depth);
      for (let i = 0; i < enabled.length; i++) {
        const o = this.space.outcome(vec, opened, enabled[i]!);
        if (o.violation) {
          batch.add(0, 0, i, o); // a step counted in its turn by store(), and not stored
          if (target === undefined || o.violation.property === target) return { violation: o.violation, decision: i };
          continue;
        }
        const c = this.fingerprinted;
        this.space.successorFingerprint(expansion, o, c);
        batch.add(c.hi, c.lo, i, o);
      }
      return undefined;
    }
    let probes: (Probe | undefined)[] | undefined;
    if (this.visibility !== undefined) {
      const a = this.ample(opened, (d, { outcome, fingerprint: c }) => {
        if (this.insert(c!.hi, c!.lo) >= 0) fresh(c!.hi, c!.lo, d, vec, outcome, from, depth);
      });
      if (a.over) return a.violation;
      probes = a.probes;
    }
    for (let i = 0; i < enabled.length; i++) {
      // applied already while looking for an ample set, or not
      const probe = probes?.[i];
      const o = probe !== undefined ? probe.outcome : this.space.outcome(vec, opened, enabled[i]!);
      this.steps++;
      if (o.violation) {
        // (a probe's is not the target's: that was returned)
        if (target === undefined || o.violation.property === target) return { violation: o.violation, decision: i };
        continue;
      }
      const c = this.fingerprinted;
      this.space.successorFingerprint(expansion, o, c);
      if (this.insert(c.hi, c.lo) >= 0) fresh(c.hi, c.lo, i, vec, o, from, depth);
    }
    return undefined;
  }

  /**
   * Store the batch's successors in the order they were found: each new one goes to `fresh`.
   * A bound met on the way is thrown with the depth the search had reached when it expanded
   * that successor's parent, as it would have been met one at a time (BFS takes states in
   * order of depth, and took the batch's later parents since).
   */
  store(fresh: Fresh): void {
    const b = this.batch!;
    this.set.warm(b.his, b.los, b.n);
    let k = 0;
    try {
      for (; k < b.n; k++) {
        this.steps++;
        const o = b.outcomes[k]!;
        if (o.violation) continue;
        const hi = b.his[k]!;
        const lo = b.los[k]!;
        const p = b.parentOf[k]!;
        if (this.insert(hi, lo) >= 0) fresh(hi, lo, b.decisions[k]!, b.vecs[p]!, o, b.ids[p]!, b.depths[p]!);
      }
    } catch (e) {
      this.depth = b.depths[b.parentOf[k]!]! - 1;
      throw e;
    }
    b.clear();
  }

  /**
   * A stored state met again on another path, with this sleep set: the rank mask of the
   * transitions its earlier visits left asleep and this path needs explored (0: none).
   */
  revisit(slot: number, vec: Vec, c: Canonical, sleep: Sleeper[]): { again: number; node?: Node } {
    const stored = this.set.value(slot);
    if (stored === 0) return { again: 0 };
    const node = this.node(vec, c, 0, sleep, -1, false);
    const m = this.mask(node);
    const again = stored & ~m;
    if (again !== 0) this.set.setValue(slot, stored & m);
    return { again, node };
  }

  /** The sleep mask of a node, in canonical ranks. */
  mask(node: Node): number {
    return maskOf(node.enabled!, node.ranks!, node.sleep);
  }

  /** The canonical text of a node's state (tests: `onState`). */
  text(node: Node): string {
    return this.space.text(node.vec);
  }
}
