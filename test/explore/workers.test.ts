// Parallel BFS on worker threads: the same verdict, distinct-state count and
// counterexample length as one thread (the workers load the models through tsx, here
// under vitest as under the CLI).

import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.ts';
import { exploreBfs } from '../../src/explore/bfs.ts';
import { exploreBfsParallel } from '../../src/explore/parallel.ts';
import { models } from '../../model/index.ts';

// the workers load the model from its module, as they do for a model file the CLI loaded
const alloc = { ...models.find((m) => m.name === 'dma-heap/alloc-and-read')!, source: new URL('../../model/dma-heap/alloc-and-read.ts', import.meta.url).href };

describe('bfs with 2 workers', () => {
  it.each(['posted', 'fd-before-read'])('alloc-and-read %s: same as one worker', async (variant) => {
    const system = compile(alloc, variant);
    const one = exploreBfs(system, { por: false });
    const two = await exploreBfsParallel(system, { workers: 2 });
    expect(two.kind).toBe(one.kind);
    if (one.kind === 'ok') expect([two.coverage.states, two.coverage.steps, two.coverage.exhaustive]).toEqual([one.coverage.states, one.coverage.steps, true]);
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
    expect([two.kind, two.coverage.states, two.coverage.steps]).toEqual([one.kind, one.coverage.states, one.coverage.steps]);
    const bad = compile(alloc, 'fd-before-read');
    const shortest = exploreBfs(bad, { por: false });
    const found = await exploreBfsParallel(bad, { workers: 2, tableSlots: 64 });
    expect(found.kind === 'violation' && shortest.kind === 'violation' && [found.violation.property, found.path.length]).toEqual([
      shortest.kind === 'violation' && shortest.violation.property,
      shortest.kind === 'violation' && shortest.path.length,
    ]);
  });
  it('fixture models load from their own module', async () => {
    const { lostUpdate } = await import('../fixtures/counter.ts');
    const r = await exploreBfsParallel(compile(lostUpdate, 'racy', { threads: 3 }), { workers: 2, symmetry: false, source: new URL('../fixtures/models.ts', import.meta.url).href });
    expect(r.kind === 'violation' && [r.violation.property, r.path.length]).toEqual(['no-lost-update', 6]);
  });
});
