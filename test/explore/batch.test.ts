// The plain BFS stores successors in batches (batch.ts): it expands several states, then
// looks their successors up in the visited set together. Stored in the order they were
// found, they give the search it gives one at a time: on every model and variant, and on
// the BEEM ports at their small size, the same verdict, property, counterexample, state
// and transition counts and depth, with and without batches, whole or cut by a state bound
// in mid-batch.

import { describe, expect, it } from 'vitest';
import { compile, exploreBfs, type ExploreResult, type Model } from '../../src/index.ts';
import { models } from '../../model/index.ts';
import { PORTS } from '../../bench/beem/ports.ts';

/** What a result says, less its timings. */
function said(r: ExploreResult) {
  const c = r.coverage;
  return {
    kind: r.kind,
    property: r.kind === 'violation' ? r.violation.property : undefined,
    path: r.kind === 'violation' ? r.path : undefined,
    bound: r.kind === 'incomplete' ? r.bound : undefined,
    states: c.states,
    steps: c.steps,
    depth: c.depth,
  };
}

const cases = [
  ...models.flatMap((m: Model) =>
    Object.keys(m.variants).map((v) => ({ name: `${m.name} ${v}`, system: () => compile(m, v) })),
  ),
  ...PORTS.flatMap((p) =>
    [p.variant, ...p.bad.map((b) => b.variant)].map((v) => ({
      name: `beem/${p.name} ${v}`,
      system: () => compile(p.model as Model, v, p.sizes[0]!.params as never),
    })),
  ),
];

describe('successors stored in batches: the search they give one at a time', () => {
  it.each(cases)('$name', ({ system }) => {
    const sys = system();
    for (const maxStates of [undefined, 997]) {
      const opts = { por: false, symmetry: false, maxStates, timeoutMs: 60_000 } as const;
      const one = said(exploreBfs(sys, { ...opts, batch: false }));
      const batched = said(exploreBfs(sys, opts));
      expect(batched).toEqual(one);
    }
  });
});
