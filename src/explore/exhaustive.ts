// What BFS and DFS share: options and bounds, storing states by fingerprint (with symmetry
// reduction), and expanding a state with sleep sets (partial-order reduction).
//
// Sleep sets (Godefroid 1996): after exploring t from s, a later sibling u carries t in its
// sleep set when t and u are independent (footprint.ts): s.u.t reaches what s.t.u reached,
// so t is not tried again from s.u. Sleep sets cut transitions, never states: every
// reachable state is still visited, so `always`, `atEnd` and deadlock checks lose nothing,
// and an in-step violation skipped from s.u was met from s (its reads are unchanged), one
// step earlier. With a visited set, a state reached again with a sleep set that is not a
// superset of the one it was stored with gets the difference explored (Godefroid's fix);
// the stored sleep set is a 32-bit mask over the state's enabled transitions in canonical
// order (a transition of rank >= 32 is never put to sleep).

import v8 from 'node:v8';
import type { State } from '../core/model.ts';
import type { Transition, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import { collisionProbability, FingerprintSet } from './fingerprint-set.ts';
import { independent, recorder, type Footprint } from './footprint.ts';
import type { Coverage, ExploreResult } from './result.ts';
import { StateSpace, type Canonical, type Vec } from './state-space.ts';
import { canonicaliser } from './symmetry.ts';

export interface ExhaustiveOptions {
  maxStates?: number;
  maxDepth?: number;
  timeoutMs?: number;
  /** heap + typed arrays; default: stop before 85% of the V8 heap limit, never crash */
  maxMemoryBytes?: number;
  /** partial-order reduction with sleep sets (default on) */
  por?: boolean;
  /** symmetry reduction over the threads' symmetry groups (default on) */
  symmetry?: boolean;
  /** worker threads (bfs only; default 1) */
  workers?: number;
  /** only this property counts (like the random explorer's `target`) */
  target?: string;
  /** called about every 250 ms */
  onProgress?: (p: Progress) => void;
  /** @internal tests: called once per distinct state when it is first expanded, with its canonical text */
  onState?: (state: State, key: string) => void;
}

export interface Progress {
  /** transitions applied */
  steps: number;
  /** distinct states stored */
  states: number;
  /** states waiting (bfs queue, dfs stack) */
  queue: number;
  depth: number;
  statesPerSecond: number;
  ms: number;
}

export interface Sleeper {
  thread: number;
  choice: number;
  footprint: Footprint;
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
  /** BFS: index in the parent-pointer arrays */
  id: number;
  /** first expansion of a distinct state (not a re-expansion) */
  first: boolean;
  /** the fingerprint canon() gave the state (expanding it starts from it) */
  fingerprint: { hi: number; lo: number };
}

export class Bound extends Error {}

/** The sleep set of every transition without POR (never changed). */
export const NO_SLEEP: Sleeper[] = [];

const TICK = 256;

export class Store {
  readonly set: FingerprintSet;
  readonly space: StateSpace;
  /** the canonical text of a state (tests: `onState`) */
  readonly text: (state: State) => string;
  readonly por: boolean;
  readonly symmetry: boolean;
  readonly started = performance.now();
  steps = 0;
  depth = 0;
  expanded = 0;
  private readonly memoryLimit: number;
  private readonly explicitMemory: boolean;
  private lastProgress = 0;
  private lastSteps = 0;

  constructor(
    readonly system: TransitionSystem,
    readonly opts: ExhaustiveOptions,
    readonly extraBytesPerState = 0,
  ) {
    this.por = opts.por ?? true;
    this.symmetry = opts.symmetry ?? true;
    this.space = new StateSpace(system, this.symmetry);
    this.text = canonicaliser(system, this.symmetry).text;
    this.set = new FingerprintSet(256, this.por);
    this.explicitMemory = opts.maxMemoryBytes !== undefined;
    this.memoryLimit = opts.maxMemoryBytes ?? v8.getHeapStatistics().heap_size_limit * 0.85;
  }

  /** Store a canonical fingerprint; returns the set's insert result. */
  insert(c: Canonical): number {
    const { hi, lo } = c;
    if (this.opts.maxStates !== undefined && this.set.size >= this.opts.maxStates && !this.set.has(hi, lo)) throw new Bound(`max-states (${this.opts.maxStates})`);
    if (this.set.size + 1 > this.set.limit && this.set.bytes + this.set.growthBytes > this.memoryLimit) throw new Bound(`max-memory (${this.opts.maxMemoryBytes ?? this.memoryLimit} bytes: the fingerprint set cannot grow)`);
    return this.set.insert(hi, lo);
  }

  /** Bounds on time and memory, and the progress line; call once per expansion. */
  tick(queue: number): void {
    this.expanded++;
    if (this.expanded % TICK !== 0) return;
    const now = performance.now();
    const ms = now - this.started;
    if (this.opts.timeoutMs !== undefined && ms > this.opts.timeoutMs) throw new Bound(`timeout (${this.opts.timeoutMs / 1000} s)`);
    if (this.expanded % (TICK * 8) === 0) {
      const m = process.memoryUsage();
      const used = this.explicitMemory ? m.heapUsed + m.arrayBuffers : m.heapUsed;
      if (used > this.memoryLimit) throw new Bound(`max-memory (${Math.round(this.memoryLimit)} bytes)`);
    }
    if (this.opts.onProgress && now - this.lastProgress > 250) {
      const rate = this.lastProgress === 0 ? this.set.size / (ms / 1000) : (this.steps - this.lastSteps) / ((now - this.lastProgress) / 1000);
      this.lastProgress = now;
      this.lastSteps = this.steps;
      this.opts.onProgress({ steps: this.steps, states: this.set.size, queue, depth: this.depth, statesPerSecond: rate, ms });
    }
  }

  coverage(strategy: 'bfs' | 'dfs', exhaustive: boolean, extraBytes = 0, workers = 1): Coverage {
    const states = this.set.size;
    return {
      strategy,
      runs: 0,
      steps: this.steps,
      states,
      depth: this.depth,
      exhaustive,
      ms: performance.now() - this.started,
      bytesPerState: states === 0 ? 0 : (this.set.bytes + extraBytes) / states,
      collisionProbability: collisionProbability(states, this.steps + 1),
      reductions: { por: this.por, symmetry: this.symmetry },
      workers,
      cache: { hits: this.space.hits, parts: this.space.parts.size },
    };
  }

  /** The canonical fingerprint of a state; `next`: the last successor expand() gave. */
  canon(vec: Vec, next = false): Canonical {
    return this.space.canon(vec, next);
  }

  /** A node for a state (`c`: what canon() gave it); with POR, its enabled transitions and their canonical ranks. */
  node(vec: Vec, c: Canonical, depth: number, sleep: Sleeper[], id: number, first: boolean): Node {
    const fingerprint = { hi: c.hi, lo: c.lo };
    if (!this.por) return { vec, depth, enabled: undefined, ranks: undefined, sleep, id, first, fingerprint };
    const enabled = this.system.enabled(this.space.state(vec));
    const ranks = rank(enabled, c.perm);
    // a sleeper whose rank cannot be stored is dropped (explored again: sound)
    const kept = sleep.filter((u) => bitOf(enabled, ranks, u) !== 0);
    return { vec, depth, enabled, ranks, sleep: kept, id, first, fingerprint };
  }

  /** The state object of a node, to check and expand, and its enabled transitions. */
  open(node: Node): { state: State; enabled: Transition[] } {
    this.space.enter(node.vec, node.fingerprint);
    const state = this.space.state(node.vec);
    return { state, enabled: node.enabled ?? this.system.enabled(state) };
  }

  /**
   * Expand a node: apply each enabled transition not asleep. `child` gets each successor,
   * in a vector reused for the next one (copy it to keep it); returns a violation to report (with the enabled index that raised it), if any.
   */
  expand(node: Node, state: State, enabled: Transition[], child: (next: Vec, move: number, sleep: Sleeper[]) => void): { violation: Violation; move: number } | undefined {
    const { vec, ranks } = node;
    const target = this.opts.target;
    const done: Sleeper[] = [];
    for (let i = 0; i < enabled.length; i++) {
      const t = enabled[i]!;
      if (this.por) {
        const bit = ranks![i]! < 0 ? 0 : 1 << ranks![i]!;
        if (node.only !== undefined && (node.only & bit) === 0) continue;
        if (node.sleep.some((u) => u.thread === t.thread && u.choice === t.choice)) continue;
        const next = this.space.successor(vec, state, t, recorder);
        const footprint = this.space.footprint!;
        this.steps++;
        if (next === undefined) {
          const violation = this.space.violation!;
          if (target === undefined || violation.property === target) return { violation, move: i };
        } else {
          const sleep: Sleeper[] = [];
          for (const u of node.sleep) if (u.thread !== t.thread && independent(u.footprint, footprint)) sleep.push(u);
          for (const u of done) if (u.thread !== t.thread && independent(u.footprint, footprint)) sleep.push(u);
          child(next, i, sleep);
        }
        done.push({ thread: t.thread, choice: t.choice, footprint });
      } else {
        const next = this.space.successor(vec, state, t);
        this.steps++;
        if (next === undefined) {
          const violation = this.space.violation!;
          if (target === undefined || violation.property === target) return { violation, move: i };
          continue;
        }
        child(next, i, NO_SLEEP);
      }
    }
    return undefined;
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
    let m = 0;
    for (const u of node.sleep) m |= bitOf(node.enabled!, node.ranks!, u);
    return m;
  }
}

function bitOf(enabled: Transition[], ranks: Int8Array, u: Sleeper): number {
  const i = enabled.findIndex((t) => t.thread === u.thread && t.choice === u.choice);
  return i < 0 || ranks[i]! < 0 ? 0 : 1 << ranks[i]!;
}

/** Rank of each enabled transition in canonical order: (canonical thread, choice). */
export function rank(enabled: Transition[], perm: Int32Array | undefined): Int8Array {
  const r = new Int8Array(enabled.length);
  if (perm === undefined) {
    for (let i = 0; i < enabled.length; i++) r[i] = i < 31 ? i : -1;
    return r;
  }
  const order = enabled.map((_, i) => i).sort((a, b) => perm[enabled[a]!.thread]! - perm[enabled[b]!.thread]! || enabled[a]!.choice - enabled[b]!.choice);
  order.forEach((i, k) => (r[i] = k < 31 ? k : -1));
  return r;
}

export function incomplete(bound: string, coverage: Coverage): ExploreResult {
  return { kind: 'incomplete', bound, coverage };
}

export function errorResult(e: unknown, coverage: Coverage): ExploreResult {
  return { kind: 'error', message: e instanceof Error ? e.message : String(e), coverage };
}
