// The dma-heap async-read suite: every variant gets its expected verdict in both directions
// (each known-bad variant is caught by every property it names; the fixed, signal-safe and
// sync variants hold), with fixed seeds printed below; plus the racers and parameters the
// defaults leave out.

import { describe, expect, it } from 'vitest';
import { checkVariant, compile, exploreBfs, exploreRandom } from '../src/index.ts';
import { checkModel } from '../src/vitest.ts';
import { asyncRead, INSTALL_AT_SUBMIT } from '../model/dma-heap/async-read.ts';

// sampled (kmc check proves the same exhaustively): each seed's tests are titled with it
const SEEDS = (process.env.KMC_SEEDS ?? '1,2').split(',').map(Number);
for (const seed of SEEDS) checkModel(asyncRead, { strategy: 'random', seed, runs: 1000 });

describe('dma-heap/async-read', () => {
  it('posted: the leak is the page allocated when its gather fails', () => {
    const [c] = checkVariant(asyncRead, 'posted', { strategy: 'random', seed: SEEDS[0]!, runs: 1000 });
    expect(c!.result.kind).toBe('violation');
    if (c!.result.kind === 'violation') expect(c!.result.violation.message).toMatch(/belongs to no live dma-buf/);
  });

  it('fixed: no violation sampled with two I/O threads, a truncater and an fd-table filler', () => {
    for (const extra of [
      { workers: 2 },
      { truncaters: 1, closers: 0 },
      { fillers: 1 },
      { pages: 4, gather: 2 },
      { pages: 2, gather: 4 },
    ]) {
      const r = exploreRandom(compile(asyncRead, 'fixed', extra), { runs: 600, seed: SEEDS[0]!, maxSteps: 400 });
      expect(
        r.kind,
        `${JSON.stringify(extra)}: ${r.kind === 'violation' ? r.violation.property + ': ' + r.violation.message : r.kind}`,
      ).toBe('ok');
    }
  });

  it('no-last-batch without a partial last batch (pages a multiple of gather): no violation sampled', () => {
    const r = exploreRandom(compile(asyncRead, 'no-last-batch', { pages: 4, gather: 2 }), {
      runs: 600,
      seed: SEEDS[0]!,
      maxSteps: 400,
    });
    expect(r.kind).toBe('ok');
  });

  it('free-without-wait without userspace racers: caught, the kernel alone frees under I/O', () => {
    const r = exploreRandom(compile(asyncRead, 'free-without-wait', { guessers: 0, closers: 0 }), {
      runs: 1000,
      seed: SEEDS[0]!,
      maxSteps: 300,
      target: 'page-freed-under-io',
    });
    expect(r.kind).toBe('violation');
  });

  it('fixed, dma_buf_fd failing before the wait (fd table full): the error path waits for the reads in flight, then dma_buf_put', () => {
    const sys = compile(asyncRead, 'fixed', { order: INSTALL_AT_SUBMIT, rlimit: 2, guessers: 0, closers: 0 });
    const r = exploreBfs(sys, {});
    expect(r.kind === 'violation' ? `${r.violation.property}: ${r.violation.message}` : r.kind).toBe('ok');
    // and the path is taken: -EMFILE comes back, through error_end_file_read
    let state = sys.initial();
    const labels: string[] = [];
    for (let enabled = sys.enabled(state); enabled.length > 0; enabled = sys.enabled(state)) {
      labels.push(sys.label(state, enabled[0]!).step);
      state = sys.apply(state, enabled[0]!).state;
    }
    expect(labels).toContain('error_end_file_read');
    expect((state.world as { returned: { ret: number }[] }).returned[0]!.ret).toBe(-24);
  });
});
