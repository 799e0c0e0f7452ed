// `kmc mutate`: how strong a model's properties are. Mutants of the model's kernel path
// (operators.ts) are checked exhaustively (bfs, the model's defaults) against the variants
// expected to hold. A mutant is
//   killed      some holding variant breaks a property (deadlock included)
//   crashed     the model threw (a model error): counted apart, never as killed
//   incomplete  the mutant's state space passed the bound (MAX_GROWTH times the original's)
//   equivalent  every variant holds and reaches exactly the states the original reaches
//   harmless    it survived, and the model declares it harmless (`harmless`, with a reason)
//   survived    every variant holds, with a different state space: a gap the author judges
// The score is killed / (killed + survived): equivalent and declared-harmless mutants,
// crashes and incomplete ones are not in it, and each is listed beside it.

import type { Model } from '../core/model.ts';
import { expectations } from '../core/model.ts';
import { ModelError } from '../core/violation.ts';
import { validateModel } from '../core/validate.ts';
import { tracked } from './instrument.ts';
import { applyMutant, generateMutants, OPERATORS, type Mutant, type Operator } from './operators.ts';
import { exploreSpace, profileVariant, type VariantProfile } from './profile.ts';

export type Outcome = 'killed' | 'crashed' | 'incomplete' | 'equivalent' | 'harmless' | 'survived';

export interface MutantResult extends Mutant {
  outcome: Outcome;
  /** killed: the variant and property that caught it, and the counterexample's length */
  variant?: string;
  property?: string;
  length?: number;
  /** crashed / incomplete: what happened; harmless: the model's reason */
  message?: string;
  /** distinct states over its variants */
  states: number;
}

export interface MutateOptions {
  /** only these holding variants (default: every variant expected to hold) */
  variants?: readonly string[];
  operators?: readonly Operator[];
  /** called after each mutant (progress) */
  onMutant?: (r: MutantResult, done: number, total: number) => void;
  /** aborted from outside (Ctrl-C): no more mutants are checked (seen by mutateAsync, which gives way between them) */
  signal?: AbortSignal;
}

export interface MutateResult {
  model: string;
  variants: string[];
  operators: Operator[];
  /** states of each holding variant, unmutated */
  states: Record<string, number>;
  mutants: MutantResult[];
  counts: Record<Outcome, number>;
  /** killed / (killed + survived), as a fraction; 1 when nothing counts */
  score: number;
  /** `harmless` entries that name no mutant generated (only when every operator and variant ran) */
  stale: string[];
  milliseconds: number;
  /** the signal stopped it: `mutants` are those checked before */
  interrupted?: { checked: number; of: number };
}

/** A mutant whose state space grows past this many times the original's is incomplete. */
export const MAX_GROWTH = 20;
const MIN_BOUND = 20_000;

/** The variants of a model expected to hold. */
export function holdingVariants(model: Model): string[] {
  return Object.entries(model.variants)
    .filter(([, v]) => expectations(v.expect).every((e) => e === 'holds'))
    .map(([name]) => name);
}

export function mutate(model: Model, opts: MutateOptions = {}): MutateResult {
  const run = mutating(model, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/** mutate, giving way to the event loop after each mutant, so that `opts.signal` (Ctrl-C) can stop it. */
export async function mutateAsync(model: Model, opts: MutateOptions = {}): Promise<MutateResult> {
  const run = mutating(model, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The mutants checked one by one, yielding after each. */
function* mutating(model: Model, opts: MutateOptions): Generator<void, MutateResult, void> {
  const start = Date.now();
  validateModel(model);
  const all = holdingVariants(model);
  const variants = [...(opts.variants ?? all)];
  const operators = [...(opts.operators ?? OPERATORS)];
  const profiles: VariantProfile[] = variants.map((v) => {
    const p = profileVariant(model, v);
    if (p.result.kind === 'error') throw new ModelError(`${model.name} (variant ${v}), unmutated: ${p.result.message}`);
    if (p.result.kind !== 'ok' || !p.result.coverage.exhaustive) {
      const what =
        p.result.kind === 'violation'
          ? `violates ${p.result.violation.property}`
          : p.result.kind === 'incomplete'
            ? `is incomplete (${p.result.bound})`
            : 'was not checked exhaustively';
      throw new NotHolding(
        `${model.name}: variant ${v} is expected to hold but ${what}; kmc mutate needs the model's holding variants to hold (kmc check ${model.name} --variant ${v})`,
      );
    }
    return p;
  });
  const byVariant = new Map(profiles.map((p) => [p.variant, p]));
  const mutants = generateMutants(model, profiles, operators);
  const harmless = model.harmless ?? {};
  const results: MutantResult[] = [];
  for (const m of mutants) {
    if (opts.signal?.aborted) break;
    const r = checkMutant(model, m, byVariant, harmless);
    results.push(r);
    opts.onMutant?.(r, results.length, mutants.length);
    yield;
  }
  const counts: Record<Outcome, number> = {
    killed: 0,
    crashed: 0,
    incomplete: 0,
    equivalent: 0,
    harmless: 0,
    survived: 0,
  };
  for (const r of results) counts[r.outcome] += 1;
  const judged = counts.killed + counts.survived;
  const everything = operators.length === OPERATORS.length && variants.length === all.length;
  const ids = new Set(mutants.map((m) => m.id));
  return {
    model: model.name,
    variants,
    operators,
    states: Object.fromEntries(profiles.map((p) => [p.variant, p.space.size])),
    mutants: results,
    counts,
    score: judged === 0 ? 1 : counts.killed / judged,
    stale: everything ? Object.keys(harmless).filter((id) => !ids.has(id)) : [],
    milliseconds: Date.now() - start,
    ...(results.length < mutants.length ? { interrupted: { checked: results.length, of: mutants.length } } : {}),
  };
}

/** A variant expected to hold does not: mutants of it say nothing (kmc mutate exits 1). */
export class NotHolding extends Error {}

function checkMutant(
  model: Model,
  m: Mutant,
  profiles: Map<string, VariantProfile>,
  harmless: Record<string, string>,
): MutantResult {
  let crash: string | undefined;
  let incomplete: string | undefined;
  /** variants that held with as many states and transitions as the original: maybe the same space */
  const alike: string[] = [];
  let differs = false;
  let states = 0;
  const run = (v: string, space: boolean) => {
    const original = profiles.get(v)!;
    const applied = applyMutant(model, m, original);
    const t = applied.hooks
      ? tracked(applied.model, applied.hooks, applied.helpers)
      : { model: applied.model, restore: () => {} };
    try {
      return exploreSpace(t.model, v, applied.params, {
        maxStates: Math.max(MIN_BOUND, MAX_GROWTH * original.space.size),
        space,
      });
    } finally {
      t.restore();
    }
  };
  // the smallest state space first: a kill there is the cheapest
  const order = [...m.variants].sort((a, b) => profiles.get(a)!.space.size - profiles.get(b)!.space.size);
  for (const v of order) {
    const original = profiles.get(v)!;
    let r: ReturnType<typeof run>['result'];
    try {
      r = run(v, false).result;
    } catch (e) {
      // compiling the mutant failed (a jump to a label the thread lacks, a bad order)
      crash ??= `${v}: ${e instanceof Error ? e.message : String(e)}`;
      continue;
    }
    states += r.coverage.states;
    if (r.kind === 'violation')
      return { ...m, outcome: 'killed', variant: v, property: r.violation.property, length: r.path.length, states };
    if (r.kind === 'error') crash ??= `${v}: ${r.message}`;
    else if (r.kind === 'incomplete') incomplete ??= `${v}: stopped by ${r.bound}`;
    else if (r.coverage.states === original.space.size && r.coverage.steps === original.result.coverage.steps)
      alike.push(v);
    else differs = true;
  }
  if (crash !== undefined) return { ...m, outcome: 'crashed', message: crash, states };
  if (incomplete !== undefined) return { ...m, outcome: 'incomplete', message: incomplete, states };
  // the same counts: compare the states themselves
  const same =
    !differs &&
    alike.every((v) => {
      const space = run(v, true).space!;
      const original = profiles.get(v)!.space;
      return [...space].every((s) => original.has(s));
    });
  if (same) return { ...m, outcome: 'equivalent', states };
  const reason = Object.hasOwn(harmless, m.id) ? harmless[m.id] : undefined;
  return reason !== undefined
    ? { ...m, outcome: 'harmless', message: reason, states }
    : { ...m, outcome: 'survived', states };
}
