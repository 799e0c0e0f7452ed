// The random explorer: fast-check generates decision lists, runs each (a chooser over the
// run loop, run.ts), and on a violation shrinks the list (shorter, smaller numbers), which
// gives short traces with few deviations from the plain schedule "first enabled transition".

import fc from 'fast-check';
import type { TransitionSystem } from '../core/system.ts';
import type { ExploreResult } from './result.ts';
import { run, type Chooser, type Run } from './run.ts';
import { searchWith, searchWithAsync, type SearchOptions } from './search.ts';

export interface RandomOptions extends SearchOptions {
  /** largest decision value generated; decisions are taken modulo the number of enabled transitions */
  maxDecision?: number;
}

/**
 * One decision: 0 (the first enabled transition: no fault, no switch) three times in four,
 * otherwise any. Uniform decisions would inject a fault at half of the fallible steps and
 * switch threads at almost every step, so runs would rarely get deep into a kernel path.
 */
export function decision(maxDecision = 255): fc.Arbitrary<number> {
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(0), weight: 3 },
    { arbitrary: fc.nat({ max: maxDecision }), weight: 1 },
  );
}

export function decisionLists(maxSteps: number, maxDecision = 255): fc.Arbitrary<number[]> {
  return fc.array(decision(maxDecision), { maxLength: maxSteps, size: 'max' });
}

/**
 * Decision i picks enabled[decisions[i] % enabled.length]; once the decisions run out, the
 * first enabled transition is taken until the run ends.
 */
export function decisionChooser(decisions: readonly number[]): Chooser {
  return { choose: (_state, enabled, at) => (at < decisions.length ? decisions[at]! % enabled.length : 0) };
}

/**
 * Run a decision list from the initial state. With `only`, state properties other than that
 * one are not checked (violations raised inside steps always end the run).
 */
export function execute(system: TransitionSystem, decisions: readonly number[], maxSteps: number, only?: string): Run {
  return run(system, decisionChooser(decisions), { maxSteps, ...(only !== undefined ? { only } : {}) });
}

export function exploreRandom(system: TransitionSystem, opts: RandomOptions): ExploreResult {
  return searchWith(
    system,
    'random',
    decisionLists(opts.maxSteps, opts.maxDecision),
    (ds, only) => execute(system, ds, opts.maxSteps, only),
    opts,
  );
}

/** exploreRandom, giving way to the event loop between runs (search.ts), so `signal` can stop it. */
export function exploreRandomAsync(system: TransitionSystem, opts: RandomOptions): Promise<ExploreResult> {
  return searchWithAsync(
    system,
    'random',
    decisionLists(opts.maxSteps, opts.maxDecision),
    (ds, only) => execute(system, ds, opts.maxSteps, only),
    opts,
  );
}
