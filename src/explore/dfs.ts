// Depth-first exhaustive exploration: a stack of states instead of a layer, so besides the
// fingerprint set the memory is about depth x branching states, for spaces whose BFS
// frontier would not fit. Successors are generated (and marked visited) when their parent
// is expanded, and expanded first-enabled first. Each waiting state carries its path as a
// shared linked list of moves; a counterexample is the path found, not a shortest one.

import type { TransitionSystem } from '../core/system.ts';
import type { Vec } from './state-space.ts';
import { Bound, errorResult, incomplete, Store, type ExhaustiveOptions, type Node, type Sleeper } from './exhaustive.ts';
import type { ExploreResult } from './result.ts';

export type DfsOptions = ExhaustiveOptions;

/** A path as a linked list from the last move back to the initial state. */
interface Trail {
  move: number;
  up: Trail | undefined;
}

interface Frame {
  node: Node;
  trail: Trail | undefined;
}

function pathOf(trail: Trail | undefined, last?: number): number[] {
  const path: number[] = last === undefined ? [] : [last];
  for (let t = trail; t !== undefined; t = t.up) path.push(t.move);
  return path.reverse();
}

export function exploreDfs(system: TransitionSystem, opts: DfsOptions = {}): ExploreResult {
  const store = new Store(system, opts);
  const stack: Frame[] = [];
  let cut = false;
  let children: Frame[] = [];

  const visit = (vec: Vec, trail: Trail | undefined, depth: number, sleep: Sleeper[]) => {
    const c = store.canon(vec, trail !== undefined); // a successor: fingerprinted from its parent
    const slot = store.insert(c);
    if (slot >= 0) {
      const node = store.node(vec.slice(), c, depth, sleep, -1, true);
      if (store.por) store.set.setValue(slot, store.mask(node));
      children.push({ node, trail });
      return;
    }
    if (!store.por) return;
    const { again, node } = store.revisit(-slot - 1, vec.slice(), c, sleep);
    if (again !== 0) children.push({ node: { ...node!, depth, only: again }, trail });
  };

  try {
    visit(store.space.initial(), undefined, 0, []);
    stack.push(...children);
    while (stack.length > 0) {
      const { node, trail } = stack.pop()!;
      store.tick(stack.length);
      const { state, enabled } = store.open(node);
      if (node.first) {
        if (node.depth > store.depth) store.depth = node.depth;
        const violation = system.check(state, enabled.length, opts.target);
        if (violation) return { kind: 'violation', violation, path: pathOf(trail), coverage: store.coverage('dfs', false) };
        if (opts.onState) opts.onState(state, store.text(state));
      }
      if (opts.maxDepth !== undefined && node.depth >= opts.maxDepth) {
        if (enabled.length > 0) cut = true;
        continue;
      }
      children = [];
      const found = store.expand(node, state, enabled, (next, m, sleep) => visit(next, { move: m, up: trail }, node.depth + 1, sleep));
      if (found) {
        store.depth = Math.max(store.depth, node.depth + 1);
        return { kind: 'violation', violation: found.violation, path: pathOf(trail, found.move), coverage: store.coverage('dfs', false) };
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  } catch (e) {
    if (e instanceof Bound) return incomplete(e.message, store.coverage('dfs', false));
    return errorResult(e, store.coverage('dfs', false));
  }
  if (cut) return incomplete(`max-depth (${opts.maxDepth})`, store.coverage('dfs', false));
  return { kind: 'ok', coverage: store.coverage('dfs', true) };
}
