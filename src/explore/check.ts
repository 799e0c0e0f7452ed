// Checking one variant of a model: compile it, run a strategy, and judge the result
// against the variant's expected verdict.

import { match } from 'ts-pattern';
import { expectations, type Expectation, type Model, type Plain, type ExpectedVerdict } from '../core/model.ts';
import { compile, type TransitionSystem } from '../core/system.ts';
import { exploreRandom } from './random.ts';
import { explorePct } from './pct.ts';
import { exploreBfs } from './bfs.ts';
import { exploreDfs } from './dfs.ts';
import type { ExhaustiveOptions } from './exhaustive.ts';
import type { ExploreResult, Strategy } from './result.ts';

export type Verdict = 'holds' | 'violates' | 'incomplete' | 'error';

export interface CheckOptions {
  /** 'auto': bfs when it completes within AUTO_MAX_STATES states, else random (default: random) */
  strategy?: Strategy | 'auto';
  runs?: number;
  seed?: number;
  maxSteps?: number;
  params?: Record<string, Plain>;
  /** bfs/dfs bounds and reductions (target is set from the expectation) */
  exhaustive?: Omit<ExhaustiveOptions, 'target'>;
}

/** The state budget under which `auto` checks exhaustively (see README, "Exhaustive checking"). */
export const AUTO_MAX_STATES = 200_000;

export interface VariantCheck {
  system: TransitionSystem;
  /** what this check expects: the variant holds, or breaks this one property */
  expected: ExpectedVerdict;
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

/** Like checkVariant; with `exhaustive.workers` > 1, bfs runs on worker threads. */
export async function checkVariantAsync(model: Model, variant: string, opts: CheckOptions = {}): Promise<VariantCheck[]> {
  const workers = opts.exhaustive?.workers ?? 1;
  if (workers <= 1 || (opts.strategy !== 'bfs' && opts.strategy !== 'auto')) return checkVariant(model, variant, opts);
  const { exploreBfsParallel } = await import('./parallel.ts');
  const system = compile(model, variant, opts.params ?? {});
  const out: VariantCheck[] = [];
  for (const expected of expectations(model.variants[variant]!.expect)) {
    const target = expected !== 'holds' ? { target: expected.violates } : {};
    let result = await exploreBfsParallel(system, { ...opts.exhaustive, ...target, ...(opts.strategy === 'auto' ? { maxStates: AUTO_MAX_STATES } : {}) });
    if (opts.strategy === 'auto' && result.kind === 'incomplete') result = sample('random', system, expected, opts);
    out.push(judge(system, expected, result));
  }
  return out;
}

function sample(strategy: 'random' | 'pct', system: TransitionSystem, expected: ExpectedVerdict, opts: CheckOptions): ExploreResult {
  const o = {
    runs: opts.runs ?? DEFAULTS.runs,
    seed: opts.seed ?? DEFAULTS.seed,
    maxSteps: opts.maxSteps ?? DEFAULTS.maxSteps,
    // A known-bad variant must stay caught by *its* property; others met on the way are noted.
    ...(expected !== 'holds' ? { target: expected.violates } : {}),
  };
  return strategy === 'random' ? exploreRandom(system, o) : explorePct(system, o);
}

function checkOne(system: TransitionSystem, expected: ExpectedVerdict, opts: CheckOptions): VariantCheck {
  const strategy = opts.strategy ?? 'random';
  const exhaustive: ExhaustiveOptions = { ...opts.exhaustive, ...(expected !== 'holds' ? { target: expected.violates } : {}) };
  const result = match(strategy)
    .with('random', 'pct', (s) => sample(s, system, expected, opts))
    .with('bfs', () => exploreBfs(system, exhaustive))
    .with('dfs', () => exploreDfs(system, exhaustive))
    .with('auto', () => {
      // exhaustive when the space is small enough to finish; the budget keeps `kmc check` quick
      const r = exploreBfs(system, { ...exhaustive, maxStates: Math.min(exhaustive.maxStates ?? AUTO_MAX_STATES, AUTO_MAX_STATES) });
      return r.kind === 'incomplete' ? sample('random', system, expected, opts) : r;
    })
    .exhaustive();
  return judge(system, expected, result);
}

function judge(system: TransitionSystem, expected: ExpectedVerdict, result: ExploreResult): VariantCheck {
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
