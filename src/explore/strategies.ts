// The registry of strategies: the one list the CLI's --strategy values, usage text and
// plan line, `auto`, and the trace's seed rule derive from. A new strategy is a file that
// exports an Explorer and one entry here (see CONTRIBUTING.md, "Add a strategy").

import type { TransitionSystem } from '../core/system.ts';
import { AUTO_MAX_STATES, fallback } from './auto.ts';
import { bfsSearch, exploreBfs } from './bfs.ts';
import { dfsSearch, exploreDfs } from './dfs.ts';
import { driveAsync } from './drive.ts';
import type { ExploreOptions, Explorer } from './explorer.ts';
import { iddfs } from './iddfs.ts';
import { explorePct, explorePctAsync } from './pct.ts';
import { exploreRandom, exploreRandomAsync } from './random.ts';

const bfs: Explorer = {
  summary: 'exhaustive, breadth-first: a shortest counterexample',
  exhaustive: true,
  honours: ['max-states', 'max-depth', 'timeout', 'max-memory', 'workers', 'por', 'no-por', 'no-symmetry'],
  plan: () => 'bfs',
  explore: exploreBfs,
  exploreAsync: (system, opts) => driveAsync(bfsSearch(system, opts)),
  async parallel(system: TransitionSystem, opts: ExploreOptions) {
    const { exploreBfsParallel } = await import('./parallel.ts');
    return exploreBfsParallel(system, opts);
  },
};

const dfs: Explorer = {
  summary: 'exhaustive, depth-first: memory in proportion to depth',
  exhaustive: true,
  honours: ['max-states', 'max-depth', 'timeout', 'max-memory', 'por', 'no-por', 'no-symmetry'],
  plan: () => 'dfs',
  explore: exploreDfs,
  exploreAsync: (system, opts) => driveAsync(dfsSearch(system, opts)),
};

const random: Explorer = {
  summary: 'fast-check decision lists, shrunk',
  exhaustive: false,
  honours: ['runs', 'max-steps', 'timeout', 'max-memory'],
  plan: (runs) => `${runs} random runs per variant`,
  explore: exploreRandom,
  exploreAsync: exploreRandomAsync,
};

const pct: Explorer = {
  summary: 'probabilistic concurrency testing (thread priorities, change points), shrunk',
  exhaustive: false,
  honours: ['runs', 'max-steps', 'timeout', 'max-memory'],
  plan: (runs) => `${runs} pct runs per variant`,
  explore: explorePct,
  exploreAsync: explorePctAsync,
};

export const STRATEGIES = {
  auto: fallback('auto', ['bfs', bfs], ['random', random], AUTO_MAX_STATES),
  bfs,
  dfs,
  random,
  pct,
  iddfs,
} satisfies Record<string, Explorer>;

export type Strategy = keyof typeof STRATEGIES;

export const STRATEGY_NAMES = Object.keys(STRATEGIES) as Strategy[];

/** The registered strategy of this name (own entries only: `toString` is no strategy). */
export function strategyOf(name: string): Explorer | undefined {
  return Object.hasOwn(STRATEGIES, name) ? STRATEGIES[name as Strategy] : undefined;
}

/** A trace found by this strategy records no seed (any seed finds it). */
export function seedless(name: string): boolean {
  return strategyOf(name)?.exhaustive ?? false;
}
