// Depth-first exhaustive exploration: a stack of states instead of a layer, so besides the
// fingerprint set the memory is about depth x branching states, for spaces whose BFS
// frontier would not fit. Successors are generated (and marked visited) when their parent
// is expanded, and expanded first-enabled first. Each waiting state carries its path as a
// shared linked list of decisions; a counterexample is the path found, not a shortest one.

import type { TransitionSystem } from '../core/system.ts';
import type { Canonical, Vec } from './state-space.ts';
import { ExhaustiveSearch, searchReduced, type ExhaustiveOptions, type Node, type Sleeper } from './exhaustive.ts';
import type { Visibility } from './ample.ts';
import type { ExploreResult } from './result.ts';
import { drive, pauseDue, type Stepwise } from './drive.ts';

export type DfsOptions = ExhaustiveOptions;

/** A path as a linked list from the last decision back to the initial state. */
interface Trail {
  decision: number;
  up: Trail | undefined;
}

interface Frame {
  node: Node;
  trail: Trail | undefined;
}

function pathOf(trail: Trail | undefined, last?: number): number[] {
  const path: number[] = last === undefined ? [] : [last];
  for (let t = trail; t !== undefined; t = t.up) path.push(t.decision);
  return path.reverse();
}

export function exploreDfs(system: TransitionSystem, opts: DfsOptions = {}): ExploreResult {
  return drive(dfsSearch(system, opts));
}

/** The search, giving way about every 50 ms (drive.ts); with ample sets, through searchReduced. */
export function* dfsSearch(system: TransitionSystem, opts: DfsOptions = {}): Stepwise {
  return yield* searchReduced(system, opts, (o, visibility) => dfs(system, o, visibility));
}

function* dfs(system: TransitionSystem, opts: DfsOptions, visibility: Visibility | undefined): Stepwise {
  const store = new ExhaustiveSearch(system, opts, visibility);
  const stack: Frame[] = [];
  let cut = false;
  let children: Frame[] = [];

  /** A state reached by `trail`: stored and stacked, or met again; true when its vector is kept. */
  const visit = (vec: Vec, c: Canonical, trail: Trail | undefined, depth: number, sleep: Sleeper[]): boolean => {
    const slot = store.insert(c.hi, c.lo);
    if (slot >= 0) {
      const node = store.node(vec, c, depth, sleep, -1, true);
      if (store.por) store.set.setValue(slot, store.mask(node));
      children.push({ node, trail });
      return true;
    }
    if (!store.por) return false;
    const { again, node } = store.revisit(-slot - 1, vec, c, sleep);
    if (again !== 0) children.push({ node: { ...node!, depth, only: again }, trail });
    return true;
  };

  try {
    const s0 = store.initial();
    visit(s0.vec, s0.fingerprint, undefined, 0, []);
    stack.push(...children);
    while (stack.length > 0) {
      const { node, trail } = stack.pop()!;
      store.tick(stack.length);
      if (pauseDue(store.bounds)) yield;
      const opened = store.open(node);
      const { enabled } = opened;
      if (node.first) {
        if (node.depth > store.depth) store.depth = node.depth;
        const violation = store.check(opened);
        if (violation)
          return { kind: 'violation', violation, path: pathOf(trail), coverage: store.coverage('dfs', false) };
        if (opts.onState) opts.onState(opened.state, store.text(node));
      }
      if (opts.maxDepth !== undefined && node.depth >= opts.maxDepth) {
        if (enabled.length > 0) cut = true;
        continue;
      }
      children = [];
      const found = store.expand(opened, (next, c, d, sleep) =>
        visit(next, c, { decision: d, up: trail }, node.depth + 1, sleep),
      );
      if (found) {
        store.depth = Math.max(store.depth, node.depth + 1);
        return {
          kind: 'violation',
          violation: found.violation,
          path: pathOf(trail, found.decision),
          coverage: store.coverage('dfs', false),
        };
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  } catch (e) {
    return store.stopped(e, store.coverage('dfs', false));
  }
  if (cut) return { kind: 'incomplete', bound: `max-depth (${opts.maxDepth})`, coverage: store.coverage('dfs', false) };
  return { kind: 'ok', coverage: store.coverage('dfs', true) };
}
