// Reductions are sound on every model and variant: with partial-order reduction and
// symmetry reduction on or off, BFS gets the same verdict, the same violated property with
// a counterexample of the same (shortest) length, the same distinct-state count where only
// POR differs (sleep sets cut transitions, not states), and the same set of reachable
// terminal states (compared up to symmetry). And random exploration never finds a
// violation that exhaustive exploration says cannot happen.

import { describe, expect, it } from 'vitest';
import { compile, exploreRandom, expectations, type Model, type State } from '../../src/index.ts';
import { exploreBfs } from '../../src/explore/bfs.ts';
import { canonicaliser } from './oracle.ts';
import type { ExploreResult } from '../../src/explore/result.ts';
import { models } from '../../model/index.ts';

/** Extra small parameter sets with several interchangeable threads, so symmetry has work to do. */
const symmetric: Record<string, Record<string, number>> = {
  'dma-heap/alloc-and-read': { guessers: 2, closers: 1, pages: 2 },
};

const MAX_STATES = 50_000;
const CONFIGS = [
  { por: false, symmetry: false },
  { por: true, symmetry: false },
  { por: false, symmetry: true },
  { por: true, symmetry: true },
] as const;

function summary(r: ExploreResult) {
  if (r.kind === 'violation') return { kind: r.kind, property: r.violation.property, length: r.path.length };
  return { kind: r.kind };
}

const cases = models.flatMap((m: Model) =>
  Object.keys(m.variants).flatMap((v) => [
    { model: m, variant: v, params: {} as Record<string, number> },
    ...(symmetric[m.name] ? [{ model: m, variant: v, params: symmetric[m.name]! }] : []),
  ]),
);

describe.each(cases)('$model.name $variant $params', ({ model, variant, params }) => {
  const system = compile(model, variant, params);
  const canonical = canonicaliser(system, true);

  it('same verdict, property, counterexample length, states and terminal states with reductions on and off', () => {
    // symmetry changes nothing without a group of two or more threads: skip those configurations
    const grouped = system.symmetry.some((g, i) => g !== undefined && system.symmetry.indexOf(g) !== i);
    const runs = CONFIGS.filter((c) => grouped || !c.symmetry).map((c) => {
      const terminals = new Set<string>();
      const r = exploreBfs(system, {
        ...c,
        maxStates: MAX_STATES,
        onState: (s: State) => void (system.terminal(s) && terminals.add(canonical.text(s))),
      });
      return { c, r, terminals };
    });
    if (runs.some(({ r }) => r.kind === 'incomplete')) return; // too big for this suite
    const base = runs[0]!;
    for (const run of runs) {
      expect(summary(run.r), JSON.stringify(run.c)).toEqual(summary(base.r));
      if (base.r.kind === 'ok')
        expect([...run.terminals].sort(), JSON.stringify(run.c)).toEqual([...base.terminals].sort());
    }
    if (base.r.kind === 'ok') {
      expect(runs[1]!.r.coverage.states).toBe(runs[0]!.r.coverage.states);
      if (grouped) expect(runs[3]!.r.coverage.states).toBe(runs[2]!.r.coverage.states);
      expect(runs[1]!.r.coverage.steps).toBeLessThanOrEqual(runs[0]!.r.coverage.steps);
    }
    // each expected violation, targeted: same property, same shortest length
    for (const e of expectations(model.variants[variant]!.expect)) {
      if (e === 'holds') continue;
      const plain = exploreBfs(system, { por: false, symmetry: false, target: e.violates, maxStates: MAX_STATES });
      const reduced = exploreBfs(system, { por: true, symmetry: true, target: e.violates, maxStates: MAX_STATES });
      expect(summary(reduced)).toEqual(summary(plain));
    }
  });

  it('random finds nothing exhaustive rules out', () => {
    const random = exploreRandom(system, { runs: 100, seed: 7, maxSteps: 500 });
    if (random.kind !== 'violation') return;
    // an expected violation was already found exhaustively above
    if (
      expectations(model.variants[variant]!.expect).some(
        (e) => e !== 'holds' && e.violates === random.violation.property,
      )
    )
      return;
    const exhaustive = exploreBfs(system, { target: random.violation.property, maxStates: MAX_STATES });
    expect(exhaustive.kind === 'ok', `random found ${random.violation.property}, exhaustive says impossible`).toBe(
      false,
    );
    if (exhaustive.kind === 'violation') expect(exhaustive.path.length).toBeLessThanOrEqual(random.path.length);
  });
});
