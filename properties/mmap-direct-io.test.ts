// The dma-heap/mmap-direct-io suite (seed 001): every variant gets its expected verdict in
// both directions, exhaustively (the known-bad hunks and orders are caught by the property
// named, the posted series and upstream hold); the shortest counterexamples; and what the
// defaults exercise: upstream's read fails with -EFAULT, the posted read lands the file,
// and upstream's release leaves a pinned page to its final unpin.

import { describe, expect, it } from 'vitest';
import { compile, exploreBfs, type State } from '../src/index.ts';
import { checkModel } from '../src/vitest.ts';
import { mmapDirectIo, type MmapDioWorld } from '../model/dma-heap/mmap-direct-io.ts';
import { EFAULT, EIO, ENOMEM } from '../model/kernel/errno.ts';
import { PAGE_SIZE } from '../model/kernel/folio.ts';

// exhaustive (bfs finds the same whatever the seed); the seed KMC_SEED or 1 is in the titles
const SEED = Number(process.env.KMC_SEED ?? 1);
checkModel(mmapDirectIo, { strategy: 'bfs', seed: SEED, requireExhaustive: true });

/** Every terminal state of a variant (by depth-first walk of the whole state graph, deduplicated by JSON). */
function ends(variant: string, params = {}): State<MmapDioWorld>[] {
  const sys = compile(mmapDirectIo, variant, params);
  const seen = new Set<string>();
  const out: State<MmapDioWorld>[] = [];
  const stack = [sys.initial()];
  while (stack.length > 0) {
    const s = stack.pop()!;
    const key = JSON.stringify(s);
    if (seen.has(key)) continue;
    seen.add(key);
    const next = sys.enabled(s);
    if (next.length === 0) out.push(s as State<MmapDioWorld>);
    for (const t of next) {
      const a = sys.apply(s, t);
      expect(a.violation, `${variant}: ${a.violation?.property}: ${a.violation?.message}`).toBeUndefined();
      stack.push(a.state);
    }
  }
  return out;
}

/** What read() returned in a terminal state (undefined: mmap failed, no read). */
const readRet = (s: State<MmapDioWorld>) => s.world.returned.find((r) => r.call === 'read')?.ret;

describe('dma-heap/mmap-direct-io', () => {
  it(`upstream-pfnmap: every read that runs returns -EFAULT (or an injected -ENOMEM); no page is ever pinned (seed ${SEED})`, () => {
    const rets = new Set(ends('upstream-pfnmap').map(readRet));
    expect([...rets].sort()).toEqual([-EFAULT, -ENOMEM, undefined].sort());
  });

  it(`posted: the read returns PAGE_SIZE, or -EFAULT (munmap came first), -EIO, -ENOMEM; every page free at the end, nothing pinned (seed ${SEED})`, () => {
    const all = ends('posted');
    const rets = new Set(all.map(readRet));
    expect([...rets].sort()).toEqual([PAGE_SIZE, -EFAULT, -EIO, -ENOMEM, undefined].sort());
    // a read that returned PAGE_SIZE ran its bio's dma: file page 0 landed in page frame 0
    const landed = all.filter((s) => readRet(s) === PAGE_SIZE).map((s) => s.world.bios[0]!.landed);
    expect(
      landed.every((l) => l.length === 1 && l[0]!.pos === 0 && 'page' in l[0]!.page && l[0]!.page.page === 0),
    ).toBe(true);
    for (const s of all) {
      expect(s.world.pages.every((p) => p.free)).toBe(true);
      expect(s.world.page_counts.every((c) => c._refcount === 0 && c._pincount === 0 && c._mapcount === -1)).toBe(true);
    }
  });

  it(`posted: close and munmap while the bio is in flight leave page 0 allocated, held by the pin alone, until bio_release_pages frees it (seed ${SEED})`, () => {
    // the android-pool variant's counterexample, replayed on upstream's release: the same schedule holds
    const sys = compile(mmapDirectIo, 'posted');
    const r = exploreBfs(compile(mmapDirectIo, 'posted-android-pool'), { target: 'page-freed-under-io' });
    expect(r.kind).toBe('violation');
    if (r.kind !== 'violation') return;
    let s = sys.initial();
    for (const d of r.path) s = sys.apply(s, sys.enabled(s)[d]!).state;
    const w = s.world as MmapDioWorld;
    expect([
      w.dmabufs[0]!.freed,
      w.pages[0]!.free,
      w.page_counts[0]!._refcount,
      w.page_counts[0]!._pincount,
      w.pages[1]!.free,
    ]).toEqual([true, false, 1024, 1, true]);
  });

  it(`the shortest counterexamples (seed ${SEED})`, () => {
    const shortest = (variant: string, target: string) => {
      const r = exploreBfs(compile(mmapDirectIo, variant), { target });
      return r.kind === 'violation' ? `${r.path.length}: ${r.violation.message}` : r.kind;
    };
    // mmap_region, dma_buf_mmap_internal, the first vm_insert_page: RssFile counts it
    expect(shortest('patch1', 'dmabuf-accounting-unchanged')).toBe('3: RssFile of pid 0 counts 1 dma-buf page(s)');
    // mmap (6), the read pins page 0 and submits, munmap (2 steps), close: release pools a pinned page
    expect(shortest('posted-android-pool', 'page-freed-under-io')).toBe(
      '10: page frame 0 went back to the page pool while bio0 of reader still holds it (submitted, pincount 1)',
    );
    // ... and with an allocator: munmap and close first, the disk's DMA lands in the pooled page, which the allocator then gets and reads
    expect(shortest('posted-android-pool-reuse', 'foreign-data-observed')).toBe(
      '14: allocator reads dmabuf1, just allocated and never filled, and finds file data in 1 page(s)',
    );
    // no racing thread at all: mmap (6), read: submit, the disk's queue_rq, dma, bio_endio wakes the reader, which returns (2); exit (3) before bio_release_pages
    expect(shortest('posted-android-pool-exit', 'page-freed-under-io')).toBe(
      '15: page frame 0 went back to the page pool while bio0 of reader still holds it (ended, pincount 1)',
    );
    expect(shortest('posted-importer', 'dio-write-unfenced')).toBe(
      "11: importer's device job writes page frame 0 (fence unsignaled) while bio0 of reader reads the file into it",
    );
    // mmap (5: no flag before the loop), vm_flags_set, munmap (2), the disk's idle and ... (11 in all)
    expect(shortest('flag-after-insert', 'rss-counter-balanced')).toBe(
      '11: BUG: Bad rss-counter state mm of pid 0 type:MM_FILEPAGES val:2',
    );
    expect(shortest('flag-after-insert', 'nr-file-mapped-balanced')).toBe(
      '11: nothing is mapped, but NR_FILE_MAPPED is 2',
    );
    expect(shortest('ungated-fork', 'rss-counter-balanced')).toBe(
      '13: BUG: Bad rss-counter state mm of pid 1 type:MM_FILEPAGES val:2',
    );
    // the second vm_insert_page fails: unmap_region's zap uncounts page 0, never counted
    expect(shortest('ungated-remove-rmap', 'nr-file-mapped-nonnegative')).toBe('6: NR_FILE_MAPPED is -1');
  });

  it(`the importer conflict needs the direct I/O: with upstream's remap_pfn_range the read fails and the importer's device job races nothing (seed ${SEED})`, () => {
    expect(exploreBfs(compile(mmapDirectIo, 'upstream-pfnmap', { importers: 1 }), {}).kind).toBe('ok');
    const rets = new Set(ends('upstream-pfnmap', { importers: 1 }).map(readRet));
    expect(rets.has(PAGE_SIZE)).toBe(false);
  });

  it(`the posted hunks hold where their removal breaks: posted-fork holds, ungated-fork with the fork hunk put back holds (seed ${SEED})`, () => {
    expect(exploreBfs(compile(mmapDirectIo, 'ungated-fork', { mm: 'patch-2/2' }), {}).kind).toBe('ok');
    expect(exploreBfs(compile(mmapDirectIo, 'ungated-remove-rmap', { mm: 'patch-2/2' }), {}).kind).toBe('ok');
    expect(exploreBfs(compile(mmapDirectIo, 'posted-android-pool', { pagePool: false }), {}).kind).toBe('ok');
    expect(exploreBfs(compile(mmapDirectIo, 'posted-android-pool-exit', { pagePool: false }), {}).kind).toBe('ok');
    // upstream's allocator never gets a pinned page: it is not free until the last unpin, and alloc_pages zeroes
    expect(exploreBfs(compile(mmapDirectIo, 'posted-android-pool-reuse', { pagePool: false }), {}).kind).toBe('ok');
  });
});
