// Exhaustive BFS on worker threads (placeholder: runs on one thread until the workers land).

import type { TransitionSystem } from '../core/system.ts';
import { exploreBfs } from './bfs.ts';
import type { ExhaustiveOptions } from './exhaustive.ts';
import type { ExploreResult } from './result.ts';

export async function exploreBfsParallel(system: TransitionSystem, opts: ExhaustiveOptions = {}): Promise<ExploreResult> {
  return exploreBfs(system, { ...opts, workers: 1 });
}
