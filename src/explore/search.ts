// The fast-check driver shared by the sampling explorers (random, pct): run generated
// inputs, lock onto the first violated property so shrinking cannot drift to another,
// shrink, re-execute the smallest failing input into a path, and minimize that path.

import fc from 'fast-check';
import type { Violation } from '../core/violation.ts';
import type { TransitionSystem } from '../core/system.ts';
import { interrupted, PAUSE_MS } from './bounds.ts';
import { Memory } from './memory.ts';
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
  /** stop generating runs after this long (incomplete, as a bfs stops) */
  timeoutMs?: number;
  /** stop when the process's resident memory passes this many bytes (the measure bfs uses, memory.ts) */
  maxMemoryBytes?: number;
  /** aborted from outside (Ctrl-C): no more runs, `interrupted` (seen only by searchWithAsync, which gives way) */
  signal?: AbortSignal;
}

/** The bound (interrupted, timeout, max-memory, V8's heap limit) that is reached, if one is. */
function boundReached(opts: SearchOptions, memory: Memory, started: number, runs: number): string | undefined {
  if (opts.signal?.aborted) return interrupted(opts.signal);
  if (opts.timeoutMs !== undefined && performance.now() - started > opts.timeoutMs)
    return `timeout (${opts.timeoutMs / 1000} s)`;
  return runs % 16 === 0 ? memory.reached() : undefined;
}

/** Thrown into fast-check to end its runs when a bound is reached before any failure. */
class Stop extends Error {}

const ERROR = '(error)';

export function searchWith<T>(
  system: TransitionSystem,
  strategy: string,
  inputs: fc.Arbitrary<T>,
  run: (input: T, only?: string) => Sampled,
  opts: SearchOptions,
): ExploreResult {
  const search = sampling(system, strategy, run, opts);
  const details = fc.check(fc.property(inputs, search.holds), {
    seed: opts.seed,
    numRuns: opts.runs,
    endOnFailure: false,
  });
  return search.result(details);
}

/**
 * searchWith, giving way to the event loop about every 50 ms (between runs), so that
 * `signal` can stop it. The same runs, shrinking and result as searchWith.
 */
export async function searchWithAsync<T>(
  system: TransitionSystem,
  strategy: string,
  inputs: fc.Arbitrary<T>,
  run: (input: T, only?: string) => Sampled,
  opts: SearchOptions,
): Promise<ExploreResult> {
  const search = sampling(system, strategy, run, opts);
  let lastPause = performance.now();
  const holds = async (input: T): Promise<boolean> => {
    const now = performance.now();
    if (now - lastPause >= PAUSE_MS) {
      lastPause = now;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return search.holds(input);
  };
  const details = await fc.check(fc.asyncProperty(inputs, holds), {
    seed: opts.seed,
    numRuns: opts.runs,
    endOnFailure: false,
  });
  return search.result(details);
}

/** The property a sampling search checks per input, and its result from fast-check's report. */
function sampling<T>(
  system: TransitionSystem,
  strategy: string,
  run: (input: T, only?: string) => Sampled,
  opts: SearchOptions,
): { holds: (input: T) => boolean; result: (details: fc.RunDetails<[T]>) => ExploreResult } {
  const started = performance.now();
  const memory = new Memory(opts.maxMemoryBytes);
  let runs = 0;
  let steps = 0;
  let depth = 0;
  let truncated = 0;
  let target = opts.target;
  let errorMessage: string | undefined;

  let bound: string | undefined;
  const holds = (input: T): boolean => {
    if (bound === undefined) bound = boundReached(opts, memory, started, runs);
    if (bound !== undefined) {
      // before any failure: end the runs (fast-check then shrinks a throwing property, at once);
      // while shrinking a real failure: keep the smallest one found so far
      if (target === undefined) throw new Stop(bound);
      return true;
    }
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

  const coverage = () => ({
    strategy,
    runs,
    steps,
    states: 0,
    depth,
    exhaustive: false,
    ms: performance.now() - started,
  });

  const result = (details: fc.RunDetails<[T]>): ExploreResult => {
    if (bound !== undefined && target === undefined) return { kind: 'incomplete', bound, coverage: coverage() };
    if (!details.failed) {
      if (truncated > 0)
        return {
          kind: 'incomplete',
          bound: `max-steps (${truncated} of ${runs} runs cut off at ${opts.maxSteps} steps)`,
          coverage: coverage(),
        };
      return { kind: 'ok', coverage: coverage() };
    }
    const counterexample = details.counterexample?.[0] as T;
    try {
      const ex = run(counterexample, target === ERROR ? undefined : target);
      if (!ex.violation)
        return {
          kind: 'error',
          message: errorMessage ?? 'the violation did not reproduce on re-execution (is the model deterministic?)',
          coverage: coverage(),
        };
      const shortest = minimize(system, ex.path, ex.violation, opts.maxSteps);
      return {
        kind: 'violation',
        violation: shortest.violation,
        path: shortest.path,
        seed: opts.seed,
        shrinks: details.numShrinks,
        coverage: coverage(),
      };
    } catch (e) {
      return {
        kind: 'error',
        message: errorMessage ?? (e instanceof Error ? e.message : String(e)),
        coverage: coverage(),
      };
    }
  };
  return { holds, result };
}
