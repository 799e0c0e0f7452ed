// Reductions are sound on every model and variant: with partial-order reduction (none,
// sleep sets, ample sets) and symmetry reduction on or off, BFS gets the same verdict, the
// same violated property with a counterexample of the same (shortest) length, the same
// distinct-state count where only sleep sets differ (they cut transitions, not states), no
// more states with ample sets (they cut states), and the same set of reachable terminal
// states (compared up to symmetry). DFS with ample sets gets the same verdict, property,
// path and terminal states as DFS without. And random exploration never finds a
// violation that exhaustive exploration says cannot happen.

import { describe, expect, it } from 'vitest';
import { compile, exploreRandom, expectations, type Model, type State } from '../../src/index.ts';
import { exploreBfs } from '../../src/explore/bfs.ts';
import { exploreDfs } from '../../src/explore/dfs.ts';
import { canonicaliser } from './oracle.ts';
import type { ExploreResult } from '../../src/explore/result.ts';
import { models } from '../../model/index.ts';

/** Extra small parameter sets with several interchangeable threads, so symmetry has work to do. */
const symmetric: Record<string, Record<string, number>> = {
  'dma-heap/alloc-and-read': { guessers: 2, closers: 1, pages: 2 },
};

const MAX_STATES = 50_000;
const CONFIGS = [
  { por: 'none', symmetry: false },
  { por: 'sleep', symmetry: false },
  { por: 'none', symmetry: true },
  { por: 'sleep', symmetry: true },
  { por: 'ample', symmetry: false },
  { por: 'ample', symmetry: true },
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
    const runs = CONFIGS.map((c) => {
      if (c.symmetry && !grouped) return undefined;
      const terminals = new Set<string>();
      const r = exploreBfs(system, {
        ...c,
        maxStates: MAX_STATES,
        onState: (s: State) => void (system.terminal(s) && terminals.add(canonical.text(s))),
      });
      return { c, r, terminals };
    });
    if (runs.some((run) => run?.r.kind === 'incomplete')) return; // too big for this suite
    const base = runs[0]!;
    for (const run of runs) {
      if (run === undefined) continue;
      expect(summary(run.r), JSON.stringify(run.c)).toEqual(summary(base.r));
      if (base.r.kind === 'ok')
        expect([...run.terminals].sort(), JSON.stringify(run.c)).toEqual([...base.terminals].sort());
    }
    if (base.r.kind === 'ok') {
      expect(runs[1]!.r.coverage.states).toBe(runs[0]!.r.coverage.states);
      if (grouped) expect(runs[3]!.r.coverage.states).toBe(runs[2]!.r.coverage.states);
      expect(runs[1]!.r.coverage.steps).toBeLessThanOrEqual(runs[0]!.r.coverage.steps);
      expect(runs[4]!.r.coverage.states).toBeLessThanOrEqual(runs[0]!.r.coverage.states);
      if (grouped) expect(runs[5]!.r.coverage.states).toBeLessThanOrEqual(runs[2]!.r.coverage.states);
    } else {
      // a violation found with ample sets is searched again without them: the same path
      const [plain, reduced] = [runs[0]!.r, runs[4]!.r];
      if (plain.kind === 'violation' && reduced.kind === 'violation') expect(reduced.path).toEqual(plain.path);
    }
    // DFS: ample sets change nothing a check reports (the path too: a violation is searched again)
    const dfs = (por: 'none' | 'ample') => {
      const terminals = new Set<string>();
      const r = exploreDfs(system, {
        por,
        symmetry: false,
        maxStates: MAX_STATES,
        onState: (s: State) => void (system.terminal(s) && terminals.add(canonical.text(s))),
      });
      return { r, terminals: [...terminals].sort(), path: r.kind === 'violation' ? r.path : [] };
    };
    const [dPlain, dAmple] = [dfs('none'), dfs('ample')];
    if (dPlain.r.kind !== 'incomplete' && dAmple.r.kind !== 'incomplete') {
      expect(summary(dAmple.r)).toEqual(summary(dPlain.r));
      expect(dAmple.path).toEqual(dPlain.path);
      if (dPlain.r.kind === 'ok') expect(dAmple.terminals).toEqual(dPlain.terminals);
    }
    // each expected violation, targeted: same property, same shortest length
    for (const e of expectations(model.variants[variant]!.expect)) {
      if (e === 'holds') continue;
      const plain = exploreBfs(system, { por: false, symmetry: false, target: e.violates, maxStates: MAX_STATES });
      for (const por of ['sleep', 'ample'] as const) {
        const reduced = exploreBfs(system, { por, symmetry: true, target: e.violates, maxStates: MAX_STATES });
        expect(summary(reduced), por).toEqual(summary(plain));
      }
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
