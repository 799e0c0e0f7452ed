// Parallel BFS on worker threads: the same verdict, distinct-state count and
// counterexample as one thread, byte for byte in its trace, on every run (the workers load
// the models through tsx, here under vitest as under the CLI).

import { describe, expect, it } from 'vitest';
import { checkVariant, compile, encodeTrace, expectations, recordTrace, type Model } from '../../src/index.ts';
import { exploreBfs } from '../../src/explore/bfs.ts';
import { exploreBfsParallel } from '../../src/explore/parallel.ts';
import { models } from '../../model/index.ts';

// the workers load the model from its module, as they do for a model file the CLI loaded
const alloc = {
  ...models.find((m) => m.name === 'dma-heap/alloc-and-read')!,
  source: new URL('../../model/dma-heap/alloc-and-read.ts', import.meta.url).href,
};
const udmabuf = {
  ...models.find((m) => m.name === 'udmabuf/create')!,
  source: new URL('../../model/udmabuf/create.ts', import.meta.url).href,
};

/** Every (variant, property) a model's known-bad variants must break. */
const knownBad = (m: Model) =>
  Object.entries(m.variants).flatMap(([variant, v]) =>
    expectations(v.expect).flatMap((e) => (e === 'holds' ? [] : [{ variant, property: e.violates }])),
  );

describe('workers are deterministic: one worker and n give the same trace, byte for byte', () => {
  const cases = [
    ...knownBad(alloc).map((c) => ({ model: alloc, ...c })),
    ...knownBad(udmabuf)
      .filter((c) => c.variant === 'unpin-list' && (c.property === 'leak' || c.property === 'pin-leak'))
      .map((c) => ({ model: udmabuf, ...c })),
  ];
  it.each(cases)(
    '$model.name $variant $property: --workers 1, and --workers 2 twice',
    async ({ model, variant, property }) => {
      const system = compile(model, variant);
      const [one] = checkVariant(model, variant, {
        strategy: 'bfs',
        only: [
          expectations(model.variants[variant]!.expect).findIndex((e) => e !== 'holds' && e.violates === property),
        ],
      });
      const runs = [
        await exploreBfsParallel(system, { workers: 2, target: property }),
        await exploreBfsParallel(system, { workers: 2, target: property }),
      ];
      const trace = (r: { kind: string; path?: number[]; violation?: unknown }) => {
        if (r.kind !== 'violation') throw new Error(`expected a violation, got ${r.kind}`);
        const v = r as { path: number[]; violation: { property: string; message: string } };
        return encodeTrace(recordTrace(system, v.path, v.violation, 'bfs', null));
      };
      const first = trace(one!.result);
      expect(trace(runs[0]!)).toBe(first);
      expect(trace(runs[1]!)).toBe(first);
      // the counts at the finished layer are the same on every run
      expect([runs[1]!.coverage.states, runs[1]!.coverage.steps]).toEqual([
        runs[0]!.coverage.states,
        runs[0]!.coverage.steps,
      ]);
    },
  );
});

describe('bfs with 2 workers', () => {
  it.each(['posted', 'fd-before-read'])('alloc-and-read %s: same as one worker', async (variant) => {
    const system = compile(alloc, variant);
    const one = exploreBfs(system, { por: false });
    const two = await exploreBfsParallel(system, { workers: 2 });
    expect(two.kind).toBe(one.kind);
    if (one.kind === 'ok') {
      expect([two.coverage.states, two.coverage.steps, two.coverage.exhaustive]).toEqual([
        one.coverage.states,
        one.coverage.steps,
        true,
      ]);
      // each worker's cache misses what it has not met itself: the hits summed are no more than one thread's
      expect(two.coverage.cache!.hits).toBeGreaterThan(0);
      expect(two.coverage.cache!.hits).toBeLessThanOrEqual(one.coverage.cache!.hits);
      expect(two.coverage.cache!.parts).toBeLessThanOrEqual(one.coverage.cache!.parts);
    }
    if (one.kind === 'violation' && two.kind === 'violation') {
      expect(two.violation.property).toBe(one.violation.property);
      expect(two.path.length).toBe(one.path.length);
    }
    expect(two.coverage.workers).toBe(2);
  });
  it('grows the shared visited set between rounds: same states, transitions and verdict', async () => {
    const system = compile(alloc, 'posted');
    const one = exploreBfs(system, { por: false });
    const two = await exploreBfsParallel(system, { workers: 2, tableSlots: 64 });
    expect([two.kind, two.coverage.states, two.coverage.steps]).toEqual([
      one.kind,
      one.coverage.states,
      one.coverage.steps,
    ]);
    const bad = compile(alloc, 'fd-before-read');
    const shortest = exploreBfs(bad, { por: false });
    const found = await exploreBfsParallel(bad, { workers: 2, tableSlots: 64 });
    expect(
      found.kind === 'violation' && shortest.kind === 'violation' && [found.violation.property, found.path.length],
    ).toEqual([
      shortest.kind === 'violation' && shortest.violation.property,
      shortest.kind === 'violation' && shortest.path.length,
    ]);
  });
  it('fixture models load from their own module', async () => {
    const { lostUpdate } = await import('../fixtures/counter.ts');
    const r = await exploreBfsParallel(compile(lostUpdate, 'racy', { threads: 3 }), {
      workers: 2,
      symmetry: false,
      source: new URL('../fixtures/models.ts', import.meta.url).href,
    });
    expect(r.kind === 'violation' && [r.violation.property, r.path.length]).toEqual(['no-lost-update', 6]);
  });
});
