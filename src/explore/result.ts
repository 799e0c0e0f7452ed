// The one result type every explorer returns. Failures are values, not exceptions.

import type { Violation } from '../core/violation.ts';

/** What an exploration covered. */
export interface Coverage {
  /** the registry name (strategies.ts) of the explorer that ran */
  strategy: string;
  /** why another explorer ran than the one asked for (auto past its budget) */
  fallback?: string;
  /** random/pct: executions run (including shrinking); bfs/dfs: 0. */
  runs: number;
  /** transitions applied. */
  steps: number;
  /** bfs/dfs: distinct states stored. */
  states: number;
  /** deepest path seen. */
  depth: number;
  /** every reachable state within the bounds was visited. */
  exhaustive: boolean;
  ms: number;
  /**
   * bfs/dfs: what the process uses per stored state: its resident memory (RSS) at the end
   * less at the start of the search, over the states (memory.ts).
   */
  bytesPerState?: number;
  /** bfs/dfs: the visited set's share of it: the fingerprint set (and BFS's parent log) per stored state. */
  visitedBytesPerState?: number;
  /** bfs/dfs: estimated probability that a fingerprint collision hid a state (TLC's optimistic estimate). */
  collisionProbability?: number;
  /** bfs/dfs: the reductions that were on. */
  reductions?: {
    por: boolean;
    symmetry: boolean;
    /** which partial-order reduction ran ('ample', 'sleep'), and what it did when it says more */
    partialOrder?: string;
  };
  /** bfs/dfs: worker threads used. */
  workers?: number;
  /** bfs/dfs: transitions answered by the transition cache, distinct parts of states stored (state-space.ts); with workers, their hits summed and the most parts one stored */
  cache?: { hits: number; parts: number };
}

export type ExploreResult =
  | { kind: 'ok'; coverage: Coverage }
  /** `path`: the index taken among the enabled transitions at each step. */
  | { kind: 'violation'; violation: Violation; path: number[]; seed?: number; coverage: Coverage; shrinks?: number }
  | { kind: 'incomplete'; bound: string; coverage: Coverage }
  | { kind: 'error'; message: string; coverage: Coverage };
