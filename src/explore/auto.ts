// `auto`, kmc's default strategy, built once as a fallback wrapper: exhaustive first, within
// a state budget that keeps `kmc check` quick; when that budget (not a bound the user set)
// stops it, sampling instead, and the result says so (Coverage.fallback).

import type { TransitionSystem } from '../core/system.ts';
import type { Explorer, ExploreOptions } from './explorer.ts';
import type { ExploreResult } from './result.ts';

/** The state budget under which `auto` checks exhaustively (see README, "Exhaustive checking"). */
export const AUTO_MAX_STATES = 200_000;

/** `first` within `budget` states unless the user set --max-states; past the budget, `then`. */
export function fallback(name: string, first: [string, Explorer], then: [string, Explorer], budget: number): Explorer {
  const [firstName, exhaustive] = first;
  const [thenName, sampling] = then;
  const note = (runs: number) => `${name}: more than ${budget} states, so sampled ${runs} runs instead`;
  const overBudget = (r: ExploreResult) => r.kind === 'incomplete' && r.bound.startsWith('max-states');
  const marked = (r: ExploreResult, runs: number): ExploreResult => ({
    ...r,
    coverage: { ...r.coverage, fallback: note(runs) },
  });
  // a --timeout bounds the whole check: the sampling gets what the exhaustive part left of it
  const rest = (opts: ExploreOptions, r: ExploreResult): ExploreOptions =>
    opts.timeoutMs === undefined ? opts : { ...opts, timeoutMs: Math.max(0, opts.timeoutMs - r.coverage.ms) };
  // the sampling, giving way to the event loop when it can (Ctrl-C)
  const sample = (system: TransitionSystem, opts: ExploreOptions) =>
    sampling.exploreAsync ? sampling.exploreAsync(system, opts) : Promise.resolve(sampling.explore(system, opts));
  return {
    summary: `exhaustive ${firstName} up to ${budget} states, else ${thenName}`,
    exhaustive: false,
    // the exhaustive part's bounds, and the sampling's should it fall back
    honours: [...new Set([...exhaustive.honours, ...sampling.honours])],
    plan: (runs) => `${exhaustive.plan(runs)}, or ${sampling.plan(runs)} past ${budget} states`,
    explore(system, opts) {
      if (opts.maxStates !== undefined) return exhaustive.explore(system, opts);
      const r = exhaustive.explore(system, { ...opts, maxStates: budget });
      return overBudget(r) ? marked(sampling.explore(system, rest(opts, r)), opts.runs) : r;
    },
    async exploreAsync(system, opts) {
      const first = exhaustive.exploreAsync ?? (async (s, o) => exhaustive.explore(s, o));
      if (opts.maxStates !== undefined) return first(system, opts);
      const r = await first(system, { ...opts, maxStates: budget });
      return overBudget(r) ? marked(await sample(system, rest(opts, r)), opts.runs) : r;
    },
    ...(exhaustive.parallel && {
      async parallel(system, opts) {
        const parallel = exhaustive.parallel!;
        if (opts.maxStates !== undefined) return parallel(system, opts);
        const r = await parallel(system, { ...opts, maxStates: budget });
        return overBudget(r) ? marked(await sample(system, rest(opts, r)), opts.runs) : r;
      },
    }),
  };
}
