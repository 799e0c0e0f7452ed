// Iterative deepening: depth-first search with a depth bound, doubled (1, 2, 4, ...) until
// a search cuts nothing. It keeps dfs's memory (about depth x branching states besides
// the visited set) and finds short counterexamples first: a violation within the bound is
// reported at the first bound whose search meets it. Not always a shortest one: the
// visited set lets a state first met deep under the bound hide a shorter path to it. The
// last search is a plain exhaustive dfs, so the verdict and the state count are dfs's.
//
// Added as the demonstration of the strategy registry: this file and one entry in
// strategies.ts, nothing else.

import { dfsSearch } from './dfs.ts';
import { drive, driveAsync, type Stepwise } from './drive.ts';
import type { Explorer, ExploreOptions } from './explorer.ts';
import type { ExploreResult } from './result.ts';
import type { TransitionSystem } from '../core/system.ts';

const cutByDepth = (r: ExploreResult) => r.kind === 'incomplete' && r.bound.startsWith('max-depth');

function* iddfsSearch(system: TransitionSystem, opts: ExploreOptions): Stepwise {
  const started = performance.now();
  let steps = 0;
  for (let bound = 1; ; bound *= 2) {
    const maxDepth = opts.maxDepth === undefined ? bound : Math.min(bound, opts.maxDepth);
    const timeoutMs =
      opts.timeoutMs === undefined ? undefined : Math.max(0, opts.timeoutMs - (performance.now() - started));
    const r = yield* dfsSearch(system, { ...opts, maxDepth, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    steps += r.coverage.steps;
    if (!cutByDepth(r) || maxDepth === opts.maxDepth) {
      return { ...r, coverage: { ...r.coverage, strategy: 'iddfs', steps, ms: performance.now() - started } };
    }
  }
}

export const iddfs: Explorer = {
  summary: 'iterative deepening dfs: depth bound 1, 2, 4, ... until nothing is cut',
  exhaustive: true,
  honours: ['max-states', 'max-depth', 'timeout', 'max-memory', 'por', 'no-por', 'no-symmetry'],
  plan: () => 'iddfs',
  explore: (system, opts) => drive(iddfsSearch(system, opts)),
  exploreAsync: (system, opts) => driveAsync(iddfsSearch(system, opts)),
};
