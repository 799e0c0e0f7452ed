// Checking one variant of a model: compile it, run a strategy, and judge the result
// against the variant's expected verdict.
//
// `holds` is said only of an exhaustive check. A sampled check that finds nothing is
// `sampled` ("no violation in N runs, not exhaustive"): as expected for a variant that
// should hold, unless `requireExhaustive` asks for a proof (then it is incomplete).

import { match } from 'ts-pattern';
import { expectations, type Expectation, type Model, type Plain, type ExpectedVerdict } from '../core/model.ts';
import { compile, type TransitionSystem } from '../core/system.ts';
import { validateModel } from '../core/validate.ts';
import type { ExhaustiveOptions } from '../explore/exhaustive.ts';
import type { ExploreOptions } from '../explore/explorer.ts';
import type { ExploreResult } from '../explore/result.ts';
import { STRATEGIES, type Strategy } from '../explore/strategies.ts';

export type Verdict = 'holds' | 'violates' | 'sampled' | 'incomplete' | 'error';

export interface CheckOptions {
  /** a name in the registry (strategies.ts); 'auto' (default): bfs when it completes within AUTO_MAX_STATES states, else random */
  strategy?: Strategy;
  runs?: number;
  /** random/pct seed (default: KMC_SEED, else 1) */
  seed?: number;
  maxSteps?: number;
  params?: Record<string, Plain>;
  /** bfs/dfs bounds and reductions (target is set from the expectation); random and pct honour timeoutMs and maxMemoryBytes */
  exhaustive?: Omit<ExhaustiveOptions, 'target'>;
  /** a check that only sampled (random, pct, or auto past its budget) is incomplete, not as expected */
  requireExhaustive?: boolean;
  /** only these of the variant's expected verdicts (indices into expectations(); default all) */
  only?: readonly number[];
}

const chosen = <T>(all: readonly T[], only: readonly number[] | undefined): T[] =>
  all.filter((_, i) => only === undefined || only.includes(i));

export interface VariantCheck {
  system: TransitionSystem;
  /** what this check expects: the variant holds, or breaks this one property */
  expected: ExpectedVerdict;
  result: ExploreResult;
  verdict: Verdict;
  asExpected: boolean;
  /** why the verdict is not a proof, or what stopped the check */
  note?: string;
}

export const DEFAULTS = { runs: 1000, maxSteps: 500, seed: 1 } as const;

/** KMC_SEED, when it is set. */
export function envSeed(): number | undefined {
  const env = typeof process === 'object' ? process.env.KMC_SEED : undefined;
  if (env === undefined || env === '') return undefined;
  if (!/^\d+$/.test(env)) throw new RangeError(`KMC_SEED must be a non-negative integer, got '${env}'`);
  return Number(env);
}

/** KMC_SEED when set, else 1: the seed a check uses when none is given. */
export function defaultSeed(): number {
  return envSeed() ?? DEFAULTS.seed;
}

export function showExpectation(e: Expectation): string {
  if (e === 'holds') return 'holds';
  return `violates: ${typeof e.violates === 'string' ? e.violates : e.violates.join(', ')}`;
}

/** Check a variant: one exploration per expected verdict (each property it must break, or "holds"). */
export function checkVariant(model: Model, variant: string, opts: CheckOptions = {}): VariantCheck[] {
  validateModel(model);
  const system = compile(model, variant, opts.params ?? {});
  return chosen(expectations(model.variants[variant]!.expect), opts.only).map((expected) =>
    checkExpectation(system, expected, opts),
  );
}

/** Like checkVariant; with `exhaustive.workers` > 1, a strategy that can runs on worker threads. */
export async function checkVariantAsync(
  model: Model,
  variant: string,
  opts: CheckOptions = {},
): Promise<VariantCheck[]> {
  const workers = opts.exhaustive?.workers ?? 1;
  const explorer = STRATEGIES[opts.strategy ?? 'auto'];
  // on workers, or giving way to the event loop so that the signal can stop it
  const explore =
    workers > 1 && explorer.parallel
      ? explorer.parallel
      : opts.exhaustive?.signal !== undefined
        ? explorer.exploreAsync
        : undefined;
  if (explore === undefined) return checkVariant(model, variant, opts);
  validateModel(model);
  const system = compile(model, variant, opts.params ?? {});
  const out: VariantCheck[] = [];
  for (const expected of chosen(expectations(model.variants[variant]!.expect), opts.only)) {
    const result = await explore.call(explorer, system, exploreOptions(expected, opts));
    out.push(judge(system, expected, result, opts));
    // interrupted: the expectations left are not checked
    if (opts.exhaustive?.signal?.aborted) break;
  }
  return out;
}

/** What an explorer is given for one expected verdict. */
function exploreOptions(expected: ExpectedVerdict, opts: CheckOptions): ExploreOptions {
  return {
    ...opts.exhaustive,
    runs: opts.runs ?? DEFAULTS.runs,
    seed: opts.seed ?? defaultSeed(),
    maxSteps: opts.maxSteps ?? DEFAULTS.maxSteps,
    // A known-bad variant must stay caught by *its* property; others met on the way are noted.
    ...(expected !== 'holds' ? { target: expected.violates } : {}),
  };
}

/** One expected verdict of a compiled variant (checkVariant runs one per expectation). */
export function checkExpectation(
  system: TransitionSystem,
  expected: ExpectedVerdict,
  opts: CheckOptions = {},
): VariantCheck {
  return judge(
    system,
    expected,
    STRATEGIES[opts.strategy ?? 'auto'].explore(system, exploreOptions(expected, opts)),
    opts,
  );
}

function judge(
  system: TransitionSystem,
  expected: ExpectedVerdict,
  result: ExploreResult,
  opts: CheckOptions,
): VariantCheck {
  const c = match(result)
    .returnType<Pick<VariantCheck, 'verdict' | 'asExpected' | 'note'>>()
    .with({ kind: 'ok' }, (r) => {
      if (r.coverage.exhaustive) return { verdict: 'holds', asExpected: expected === 'holds' };
      const note =
        r.coverage.fallback ?? `${r.coverage.strategy}: no violation in ${r.coverage.runs} runs, not exhaustive`;
      // a known-bad variant sampling no longer catches is a differing verdict whatever --exhaustive says
      if (opts.requireExhaustive && expected === 'holds')
        return { verdict: 'incomplete', asExpected: false, note: `${note} (an exhaustive check was required)` };
      return { verdict: 'sampled', asExpected: expected === 'holds', note };
    })
    .with({ kind: 'violation' }, (r) => ({
      verdict: 'violates',
      asExpected: expected !== 'holds' && r.violation.property === expected.violates,
    }))
    .with({ kind: 'incomplete' }, (r) => ({ verdict: 'incomplete', asExpected: false, note: `stopped by ${r.bound}` }))
    .with({ kind: 'error' }, (r) => ({ verdict: 'error', asExpected: false, note: r.message }))
    .exhaustive();
  return { system, expected, result, ...c };
}
