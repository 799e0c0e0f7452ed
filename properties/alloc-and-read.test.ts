// The dma-heap alloc-and-read suite: every variant gets its expected verdict, in both
// directions (the known-bad orderings are caught by the property named, the posted and
// the reviewer's ordering hold), over several seeds.

import { describe, expect, it } from 'vitest';
import { checkVariant, compile, exploreRandom } from '../src/index.ts';
import { checkModel } from '../src/vitest.ts';
import { allocAndRead } from '../model/dma-heap/alloc-and-read.ts';

// sampled (kmc check proves the same exhaustively): each seed's tests are titled with it
const SEEDS = (process.env.KMC_SEEDS ?? '1,2,3').split(',').map(Number);
for (const seed of SEEDS) checkModel(allocAndRead, { strategy: 'random', seed, runs: 1000 });

describe('dma-heap/alloc-and-read', () => {
  it('fd-before-read: the counterexamples are the shortest possible', () => {
    // fd-exposes-unread-buffer: dma_heap_ioctl, init_dma_heap_file, kzalloc, 3 x alloc_largest_available,
    // dma_buf_export, dma_buf_fd. half-read-buffer-observed: + the guesser's mmap and read_mapping.
    // use-after-free: + a failing dma_buf_vmap and error_put dropping the fd table's reference.
    const shortest = { 'fd-exposes-unread-buffer': 8, 'half-read-buffer-observed': 10, 'use-after-free': 10 };
    for (const c of checkVariant(allocAndRead, 'fd-before-read', { strategy: 'random', seed: SEEDS[0]!, runs: 1000 })) {
      expect(c.result.kind).toBe('violation');
      if (c.result.kind === 'violation')
        expect(c.result.path.length).toBe(shortest[c.result.violation.property as keyof typeof shortest]);
    }
  });

  it('fd-before-read without racing threads: still exposes the fd, but nobody observes the buffer', () => {
    const sys = compile(allocAndRead, 'fd-before-read', { guessers: 0, closers: 0 });
    expect(
      exploreRandom(sys, { runs: 300, seed: SEEDS[0]!, maxSteps: 200, target: 'fd-exposes-unread-buffer' }).kind,
    ).toBe('violation');
    expect(
      exploreRandom(sys, { runs: 300, seed: SEEDS[0]!, maxSteps: 200, target: 'half-read-buffer-observed' }).kind,
    ).toBe('ok');
  });

  it('posted with a truncater and an fd-table filler: no violation sampled', () => {
    const sys = compile(allocAndRead, 'posted', { truncaters: 1, fillers: 1, closers: 0 });
    const r = exploreRandom(sys, { runs: 1000, seed: SEEDS[0]!, maxSteps: 300 });
    expect(r.kind).toBe('ok');
  });
});
