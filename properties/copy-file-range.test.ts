// The dma-buf/copy-file-range suite (seed 002): every variant gets its expected verdict in
// both directions, exhaustively (bfs: each variant is at most a few thousand states; seed
// KMC_SEED or 1 in the titles, unused by bfs); plus what the defaults are to exercise (the
// udmabuf items' posted bvec against the per-page map), each racer with and without the
// design that excludes it, the tmpfs deadlock's cycle, and the upstream copy's -EINVAL.

import { describe, expect, it } from 'vitest';
import { compile, exploreBfs, type State } from '../src/index.ts';
import { checkModel } from '../src/vitest.ts';
import { copyFileRange, type CopyFileRangeWorld } from '../model/dma-buf/copy-file-range.ts';
import { dma_buf_ops } from '../model/kernel/dma-buf-ops.ts';

const SEED = Number(process.env.KMC_SEED ?? 1);
checkModel(copyFileRange, { strategy: 'bfs', seed: SEED, requireExhaustive: true });

type S = State<CopyFileRangeWorld>;

/** The plain schedule (first enabled transition, no fault): every state. */
function plainRun(variant: string, params = {}): S[] {
  const sys = compile(copyFileRange, variant, params);
  let state = sys.initial() as S;
  const states = [state];
  for (let n = 0; n < 200; n++) {
    const enabled = sys.enabled(state);
    if (enabled.length === 0) break;
    const applied = sys.apply(state, enabled[0]!);
    expect(applied.violation).toBeUndefined();
    state = applied.state as S;
    states.push(state);
  }
  return states;
}

/** What bfs finds: 'ok' (exhaustive), or the property, the path length and the message. */
function bfs(variant: string, params = {}, target?: string): string {
  const r = exploreBfs(compile(copyFileRange, variant, params), target ? { target } : {});
  if (r.kind === 'ok') return r.coverage.exhaustive ? 'ok' : 'ok, not exhaustive';
  return r.kind === 'violation' ? `${r.violation.property} (${r.path.length}): ${r.violation.message}` : r.kind;
}

describe('dma-buf/copy-file-range', () => {
  it('upstream: copy_file_range(file -> dma-buf) returns -EINVAL in generic_copy_file_checks and submits no bio', () => {
    const final = plainRun('upstream', { importers: 0, cpuMappers: 0 }).at(-1)!.world;
    expect(final.returned).toEqual([{ thread: 'copier', call: 'copy_file_range', ret: -22, files: [] }]);
    expect(final.bios).toEqual([]);
  });

  it("v1 on a file shorter than the buffer: DMA_BUF_IOCTL_RW_FILE returns 0 (success) with only the file's page read", () => {
    const final = plainRun('v1-ioctl', { importers: 0, filePages: 1 }).at(-1)!.world;
    expect(final.returned).toEqual([{ thread: 'copier', call: 'ioctl', ret: 0, files: [] }]);
    expect(final.copies[0]!.ret).toBe(4096);
    expect(final.heap_buffers[0]!.pages.map((p) => final.pages[p]!.data)).toEqual([0, null]);
  });

  it('the default udmabuf items: pinned_folios [f0, f1, f1, f2]; the posted bvec maps f0 whole, f1 twice and never f2, the per-page map each page once', () => {
    const bvecOf = (udmabufMap: string) => {
      const w = compile(copyFileRange, 'fixed-udmabuf-alone', { udmabufMap }).initial().world as CopyFileRangeWorld;
      expect(w.udmabufs[0]!.pinned_folios).toEqual([0, 1, 1, 2]);
      expect(w.udmabufs[0]!.pages).toEqual([
        { folio: 0, offset: 4096 },
        { folio: 1, offset: 0 },
        { folio: 1, offset: 0 },
        { folio: 2, offset: 0 },
      ]);
      return dma_buf_ops(w, 0)
        .rw_file!.bvec(w, 0, 0, 4 * 4096)
        .map((b) => [b.bv_page, b.bv_offset, b.bv_len]);
    };
    expect(bvecOf('pinned_folios')).toEqual([
      [{ folio: 0, index: 0 }, 0, 8192],
      [{ folio: 1, index: 0 }, 0, 4096],
      [{ folio: 1, index: 0 }, 0, 4096],
    ]);
    expect(bvecOf('pages')).toEqual([
      [{ folio: 0, index: 0 }, 4096, 4096],
      [{ folio: 1, index: 0 }, 0, 4096],
      [{ folio: 1, index: 0 }, 0, 4096],
      [{ folio: 2, index: 0 }, 0, 4096],
    ]);
  });

  it("v3-udmabuf with no racer: the offset bug is the kernel's alone (file page 0 lands in memfd page 0, outside both items); the per-page map holds", () => {
    const alone = { importers: 0 };
    expect(bfs('v3-udmabuf', alone, 'file-lands-at-offset')).toBe(
      "file-lands-at-offset (11): copier's copy returned 16384 bytes, but file page 0 landed in folio0 page 0 (memfd page 0), not in buffer page 0 (folio0 page 1 (memfd page 1))",
    );
    expect(bfs('v3-udmabuf', alone, 'write-outside-buffer')).toBe(
      "write-outside-buffer (7): copier's read wrote file bytes 0..8191 over folio0 page 0 (memfd page 0), which is not a page of dmabuf0",
    );
    expect(bfs('v3-udmabuf', { ...alone, udmabufMap: 'pages' })).toBe('ok');
  });

  it('the system heap, v2..v4: the importer and the vmapper are excluded by the check under buffer->lock, v1 lets both in', () => {
    const kernelUsers = { cpuMappers: 0, importers: 1, vmappers: 1 };
    expect(bfs('v3-system-heap-kernel-users')).toBe('ok');
    expect(bfs('v2-ioctl', kernelUsers)).toBe('ok');
    expect(bfs('v4-system-heap', kernelUsers)).toBe('ok');
    expect(bfs('v1-ioctl', { vmappers: 1 }, 'device-access-during-copy')).toMatch(
      /^device-access-during-copy \(9\): importer0's device writes page frame 0 while the read of copier into it is in flight$/,
    );
    expect(bfs('v1-ioctl', { importers: 0, vmappers: 1 }, 'cpu-access-during-copy')).toMatch(
      /^cpu-access-during-copy \(\d+\): vmapper0 \(through its vmap\) writes page frame 0/,
    );
  });

  it('exclusive-incl-mmap holds with importer, vmapper and CPU mapper; without excludeMmap the same racers break cpu-access-during-copy', () => {
    expect(bfs('exclusive-incl-mmap')).toBe('ok');
    expect(bfs('exclusive-incl-mmap', { excludeMmap: false }, 'cpu-access-during-copy')).toMatch(
      /^cpu-access-during-copy \(\d+\): mapper0 \(through its mapping\) writes page frame 0 while the read of copier into it is in flight$/,
    );
  });

  it('async-kiocb: the device then reads the freed array (use-after-free); the sync kiocb of v3 holds', () => {
    expect(bfs('async-kiocb', {}, 'use-after-free')).toMatch(
      /^use-after-free \(\d+\): the device reads the bvec array of copier for a bio of copier, already kvfree'd$/,
    );
    expect(bfs('async-kiocb', { asyncKiocb: false })).toBe('ok');
  });

  it('ebusy-keeps-lock: the -EBUSY path is taken only with an importer attached; with the unlock the same racer holds', () => {
    expect(bfs('ebusy-keeps-lock', { importers: 0 })).toBe('ok');
    expect(bfs('ebusy-keeps-lock', { ebusyKeepsLock: false })).toBe('ok');
  });

  it('tmpfs-cfr: a deadlock whose cycle is the two destination folio locks; tmpfs-cfr-same-folio waits for its own', () => {
    const r = exploreBfs(compile(copyFileRange, 'tmpfs-cfr'), {});
    expect(r.kind === 'violation' && r.violation.cycle).toEqual([
      { thread: 'copierA', step: 'shmem_file_read_iter', lock: 'folio0->PG_locked', holder: 'copierB' },
      { thread: 'copierB', step: 'shmem_file_read_iter', lock: 'folio1->PG_locked', holder: 'copierA' },
    ]);
    const self = exploreBfs(compile(copyFileRange, 'tmpfs-cfr-same-folio'), {});
    expect(self.kind === 'violation' && self.violation.cycle).toEqual([
      { thread: 'copier', step: 'shmem_file_read_iter', lock: 'folio0->PG_locked', holder: 'copier' },
    ]);
    expect(bfs('tmpfs-cfr-same-folio', { tmpfsUnlock: true })).toBe('ok');
  });
});
