// The fast-check driver shared by the sampling explorers (random, pct): run generated
// inputs, lock onto the first violated property so shrinking cannot drift to another,
// shrink, re-execute the smallest failing input into a path, and minimize that path.

import fc from 'fast-check';
import type { Violation } from '../core/violation.ts';
import type { TransitionSystem } from '../core/system.ts';
import { minimize } from './minimize.ts';
import type { ExploreResult } from './result.ts';

export interface Sampled {
  path: number[];
  violation?: Violation;
  truncated: boolean;
}

export interface SearchOptions {
  runs: number;
  seed: number;
  maxSteps: number;
  /**
   * Look for violations of this property only: other state properties are not checked and
   * other in-step violations are noted, not reported. Default: the first property found.
   */
  target?: string;
}

const ERROR = '(error)';

export function searchWith<T>(
  system: TransitionSystem,
  strategy: string,
  inputs: fc.Arbitrary<T>,
  run: (input: T, only?: string) => Sampled,
  opts: SearchOptions,
): ExploreResult {
  const started = performance.now();
  let runs = 0;
  let steps = 0;
  let depth = 0;
  let truncated = 0;
  let target = opts.target;
  let errorMessage: string | undefined;

  const holds = (input: T): boolean => {
    runs++;
    let property: string | undefined;
    try {
      const ex = run(input, opts.target);
      steps += ex.path.length;
      depth = Math.max(depth, ex.path.length);
      if (ex.truncated) truncated++;
      property = ex.violation?.property;
    } catch (e) {
      errorMessage ??= e instanceof Error ? e.message : String(e);
      property = ERROR;
    }
    if (property === undefined) return true;
    target ??= property;
    return property !== target && property !== ERROR;
  };

  const details = fc.check(fc.property(inputs, holds), { seed: opts.seed, numRuns: opts.runs, endOnFailure: false });
  const coverage = () => ({ strategy, runs, steps, states: 0, depth, exhaustive: false, ms: performance.now() - started });

  if (!details.failed) {
    if (truncated > 0) return { kind: 'incomplete', bound: `max-steps (${truncated} of ${runs} runs cut off at ${opts.maxSteps} steps)`, coverage: coverage() };
    return { kind: 'ok', coverage: coverage() };
  }
  const counterexample = details.counterexample?.[0] as T;
  try {
    const ex = run(counterexample, target === ERROR ? undefined : target);
    if (!ex.violation) return { kind: 'error', message: errorMessage ?? 'the violation did not reproduce on re-execution (is the model deterministic?)', coverage: coverage() };
    const shortest = minimize(system, ex.path, ex.violation, opts.maxSteps);
    return { kind: 'violation', violation: shortest.violation, path: shortest.path, seed: opts.seed, shrinks: details.numShrinks, coverage: coverage() };
  } catch (e) {
    return { kind: 'error', message: errorMessage ?? (e instanceof Error ? e.message : String(e)), coverage: coverage() };
  }
}
