// What a strategy is to the rest of kmc: an Explorer in the registry (strategies.ts). The
// CLI's lists and usage text, `kmc check`'s plan line and whether a trace records a seed
// are all read off these entries, so a new strategy is one file and one registry entry.

import type { TransitionSystem } from '../core/system.ts';
import type { ExhaustiveOptions } from './exhaustive.ts';
import type { ExploreResult } from './result.ts';

/** Everything a strategy may use; each takes what applies to it (see README, "Strategies"). */
export interface ExploreOptions extends ExhaustiveOptions {
  /** sampling: runs to try */
  runs: number;
  /** sampling: the fast-check seed */
  seed: number;
  /** sampling: steps per run */
  maxSteps: number;
}

export interface Explorer {
  /** one line for usage text */
  summary: string;
  /** a violation is found whatever the seed: traces record none (bfs, dfs) */
  exhaustive: boolean;
  /**
   * The CLI options that bound or tune it (README, "Bounds by strategy"): one given that a
   * strategy does not list is refused, never silently ignored.
   */
  honours: readonly string[];
  /** what `kmc check` says it will do, e.g. "1000 random runs per variant" */
  plan(runs: number): string;
  explore(system: TransitionSystem, opts: ExploreOptions): ExploreResult;
  /**
   * The same search, giving way to the event loop about every 50 ms, so that aborting
   * `opts.signal` (Ctrl-C) stops it as `interrupted` with what it covered.
   */
  exploreAsync?(system: TransitionSystem, opts: ExploreOptions): Promise<ExploreResult>;
  /** on worker threads, when the strategy can and `opts.workers` > 1 */
  parallel?(system: TransitionSystem, opts: ExploreOptions): Promise<ExploreResult>;
}
