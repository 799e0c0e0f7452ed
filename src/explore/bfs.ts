// Breadth-first exhaustive exploration: every state reachable within the bounds is
// visited, layer by layer, so the first violation found has a shortest path. Visited
// states are 64-bit fingerprints (fingerprint-set.ts); the path to each state is kept in
// a parent log (parent-log.ts, about 2 bytes a state) and rebuilt only for a
// counterexample. States waiting in the queue are kept as vectors of part numbers
// (frontier.ts; with POR, in nodes with their sleep sets), the one part of memory that
// grows with width.

import { NodeFrontier, plainNode, VectorFrontier, type Frontier } from './frontier.ts';
import { ParentLog } from './parent-log.ts';
import {
  ExhaustiveSearch,
  searchReduced,
  type ExhaustiveOptions,
  type Fresh,
  type Node,
  type Sleeper,
} from './exhaustive.ts';
import type { Visibility } from './ample.ts';
import type { ExploreResult } from './result.ts';
import type { TransitionSystem } from '../core/system.ts';
import type { Canonical, Vec } from './state-space.ts';
import { drive, pauseDue, type Stepwise } from './drive.ts';

export type BfsOptions = ExhaustiveOptions;

const NO_PARENT = -1;

export function exploreBfs(system: TransitionSystem, opts: BfsOptions = {}): ExploreResult {
  return drive(bfsSearch(system, opts));
}

/** The search, giving way about every 50 ms (drive.ts); with ample sets, through searchReduced. */
export function* bfsSearch(system: TransitionSystem, opts: BfsOptions = {}): Stepwise {
  return yield* searchReduced(system, opts, (o, visibility) => bfs(system, o, visibility));
}

function* bfs(system: TransitionSystem, opts: BfsOptions, visibility: Visibility | undefined): Stepwise {
  const store = new ExhaustiveSearch(system, opts, visibility);
  const tree = new ParentLog();
  // POR: nodes (they carry sleep sets); else vectors in a typed-array frontier
  const vectors = store.por ? undefined : new VectorFrontier(store.space.width);
  const queue: Frontier = vectors ?? new NodeFrontier();
  /** POR: states in the queue not expanded yet, by fingerprint */
  const pending = new Map<number, Node>();
  let cut = false;
  const extraBytes = () => tree.bytes;

  const pathTo = (id: number, last?: number): number[] =>
    last === undefined ? tree.path(id) : [...tree.path(id), last];
  const newId = (from: number, d: number): number => tree.push(from, d);

  /** A state reached from `from` by decision `d`: stored, queued, or met again; true when its vector is kept. */
  const visit = (vec: Vec, c: Canonical, from: number, d: number, depth: number, sleep: Sleeper[]): boolean => {
    const slot = store.insert(c.hi, c.lo);
    if (slot >= 0 && !store.por) {
      queue.push(plainNode(vec, newId(from, d), depth, c.hi, c.lo));
      return false;
    }
    if (slot >= 0) {
      const node = store.node(vec, c, depth, sleep, newId(from, d), true);
      store.set.setValue(slot, store.mask(node));
      pending.set(pendingKey(node), node);
      queue.push(node);
      return true;
    }
    if (!store.por) return false;
    const { again, node } = store.revisit(-slot - 1, vec, c, sleep);
    if (again === 0) return true;
    const waiting = pending.get(pendingKey(node!));
    if (waiting && waiting.fingerprint.hi === node!.fingerprint.hi && waiting.fingerprint.lo === node!.fingerprint.lo) {
      const keep = store.set.value(-slot - 1);
      waiting.sleep = waiting.sleep.filter((u) => {
        const i = waiting.enabled!.findIndex((t) => t.thread === u.thread && t.choice === u.choice);
        return (keep & (1 << waiting.ranks![i]!)) !== 0;
      });
      return true;
    }
    queue.push({ ...node!, depth, id: newId(from, d), only: again });
    return true;
  };

  // plain search: a new state goes to the queue as its parent and outcome (store.expandPlain),
  // without ample sets once a batch of them is stored (store.store(), batch.ts)
  const fresh: Fresh = (hi, lo, d, vec, o, from, depth) =>
    vectors!.pushSuccessor(vec, o, newId(from, d), depth, hi, lo);
  const batch = store.batch;
  /** Store the successors held in the batch (before a result: as they were by then one at a time). */
  const flush = () => {
    if (batch !== undefined && batch.parents > 0) store.store(fresh);
  };

  try {
    const s0 = store.initial();
    visit(s0.vec, s0.fingerprint, NO_PARENT, 0, 0, []);
    // without POR, each state is taken from the queue into the same node (nothing keeps it past its expansion)
    const taken = plainNode(new Array<number>(store.space.width), 0, 0, 0, 0);
    for (;;) {
      if (queue.length === 0) {
        flush();
        if (queue.length === 0) break;
      }
      const node = vectors ? vectors.shiftInto(taken) : queue.shift();
      store.tick(queue.length);
      if (pauseDue(store.bounds)) yield;
      const opened = store.open(node);
      const { enabled } = opened;
      if (node.first) {
        if (store.por && pending.get(pendingKey(node)) === node) pending.delete(pendingKey(node));
        if (node.depth > store.depth) store.depth = node.depth;
        const violation = store.check(opened);
        if (violation) {
          flush();
          return {
            kind: 'violation',
            violation,
            path: pathTo(node.id),
            coverage: store.coverage('bfs', false, extraBytes()),
          };
        }
        if (opts.onState) opts.onState(opened.state, store.text(node));
      }
      if (opts.maxDepth !== undefined && node.depth >= opts.maxDepth) {
        if (enabled.length > 0) cut = true;
        continue;
      }
      if (batch?.full(enabled.length)) store.store(fresh);
      const found = store.plain
        ? store.expandPlain(opened, fresh)
        : store.expand(opened, (next, c, d, sleep) => visit(next, c, node.id, d, node.depth + 1, sleep));
      if (found) {
        flush();
        store.depth = Math.max(store.depth, node.depth + 1);
        return {
          kind: 'violation',
          violation: found.violation,
          path: pathTo(node.id, found.decision),
          coverage: store.coverage('bfs', false, extraBytes()),
        };
      }
    }
  } catch (e) {
    return store.stopped(e, store.coverage('bfs', false, extraBytes()));
  }
  if (cut)
    return {
      kind: 'incomplete',
      bound: `max-depth (${opts.maxDepth})`,
      coverage: store.coverage('bfs', false, extraBytes()),
    };
  return { kind: 'ok', coverage: store.coverage('bfs', true, extraBytes()) };
}

/** A number naming a node's fingerprint among the waiting ones: 53 of its 64 bits (a clash is checked, and only costs a re-expansion). */
function pendingKey(node: Node): number {
  return (node.fingerprint.hi & 0x1fffff) * 4294967296 + node.fingerprint.lo;
}
