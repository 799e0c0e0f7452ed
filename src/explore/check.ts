// Checking one variant of a model: compile it, run a strategy, and judge the result
// against the variant's expected verdict.

import { match } from 'ts-pattern';
import { expectations, type Expectation, type Model, type Plain, type Verdict1 } from '../core/model.ts';
import { compile, type TransitionSystem } from '../core/system.ts';
import { exploreRandom } from './random.ts';
import { explorePct } from './pct.ts';
import type { ExploreResult, Strategy } from './result.ts';

export type Verdict = 'holds' | 'violates' | 'incomplete' | 'error';

export interface CheckOptions {
  strategy?: Strategy;
  runs?: number;
  seed?: number;
  maxSteps?: number;
  params?: Record<string, Plain>;
}

export interface VariantCheck {
  system: TransitionSystem;
  /** what this check expects: the variant holds, or breaks this one property */
  expected: Verdict1;
  result: ExploreResult;
  verdict: Verdict;
  asExpected: boolean;
}

export const DEFAULTS = { runs: 1000, maxSteps: 500, seed: 1 } as const;

export function showExpectation(e: Expectation): string {
  if (e === 'holds') return 'holds';
  return `violates: ${typeof e.violates === 'string' ? e.violates : e.violates.join(', ')}`;
}

/** Check a variant: one exploration per expected verdict (each property it must break, or "holds"). */
export function checkVariant(model: Model, variant: string, opts: CheckOptions = {}): VariantCheck[] {
  const system = compile(model, variant, opts.params ?? {});
  return expectations(model.variants[variant]!.expect).map((expected) => checkOne(system, expected, opts));
}

function checkOne(system: TransitionSystem, expected: Verdict1, opts: CheckOptions): VariantCheck {
  const strategy = opts.strategy ?? 'random';
  const result = match(strategy)
    .with('random', () =>
      exploreRandom(system, {
        runs: opts.runs ?? DEFAULTS.runs,
        seed: opts.seed ?? DEFAULTS.seed,
        maxSteps: opts.maxSteps ?? DEFAULTS.maxSteps,
        // A known-bad variant must stay caught by *its* property; others met on the way are noted.
        ...(expected !== 'holds' ? { target: expected.violates } : {}),
      }),
    )
    .with('pct', () =>
      explorePct(system, {
        runs: opts.runs ?? DEFAULTS.runs,
        seed: opts.seed ?? DEFAULTS.seed,
        maxSteps: opts.maxSteps ?? DEFAULTS.maxSteps,
        ...(expected !== 'holds' ? { target: expected.violates } : {}),
      }),
    )
    .with('bfs', 'dfs', (s): ExploreResult => ({
      kind: 'error',
      message: `strategy ${s} is not available yet`,
      coverage: { strategy: s, runs: 0, steps: 0, states: 0, depth: 0, exhaustive: false, ms: 0 },
    }))
    .exhaustive();
  const verdict = match(result)
    .returnType<Verdict>()
    .with({ kind: 'ok' }, () => 'holds')
    .with({ kind: 'violation' }, () => 'violates')
    .with({ kind: 'incomplete' }, () => 'incomplete')
    .with({ kind: 'error' }, () => 'error')
    .exhaustive();
  const asExpected = match(result)
    .with({ kind: 'ok' }, () => expected === 'holds')
    .with({ kind: 'violation' }, (r) => expected !== 'holds' && r.violation.property === expected.violates)
    .with({ kind: 'incomplete' }, () => false)
    .with({ kind: 'error' }, () => false)
    .exhaustive();
  return { system, expected, result, verdict, asExpected };
}
