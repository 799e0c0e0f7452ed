// What the score tests of the seed models share: one bounded `kmc mutate` run per model (the
// variants listed, every operator), its score pinned so it never falls, and the mutants that
// stand for the gaps issue 21 found, each killed by the property that now sees it.

import { expect, it } from 'vitest';
import type { Model } from '../../src/index.ts';
import { mutate, type MutateResult } from '../../src/mutate/mutate.ts';

export interface Pinned {
  model: Model;
  /** the holding variants checked (a bounded run: CI time) */
  variants: string[];
  /** the lowest score allowed, as a fraction */
  minScore: number;
  /** mutant id -> the property that must kill it */
  killedBy: Record<string, string>;
}

export function scoreSuite(p: Pinned): void {
  let r: MutateResult | undefined;
  const run = () => (r ??= mutate(p.model, { variants: p.variants }));

  it(`${p.model.name} on ${p.variants.join(', ')}: score at least ${(100 * p.minScore).toFixed(1)}%, every survivor listed`, () => {
    const res = run();
    const survivors = res.mutants.filter((m) => m.outcome === 'survived').map((m) => `${m.id}: ${m.description}`);
    expect(res.score, `survivors:\n${survivors.join('\n')}`).toBeGreaterThanOrEqual(p.minScore);
    // a crash is never a kill, a harmless one always has its reason
    for (const m of res.mutants) {
      if (m.outcome === 'crashed') expect(m.property).toBeUndefined();
      if (m.outcome === 'harmless') expect(m.message).toMatch(/\w{3,}/);
    }
  });

  it(`${p.model.name}: the gaps' mutants are killed, each by its property`, () => {
    const byId = new Map(run().mutants.map((m) => [m.id, m]));
    for (const [id, property] of Object.entries(p.killedBy)) {
      const m = byId.get(id);
      expect(m, `mutant ${id} is generated`).toBeDefined();
      expect([id, m!.outcome, m!.property]).toEqual([id, 'killed', property]);
    }
  });
}
