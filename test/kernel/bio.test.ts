// Block I/O (model/kernel/bio.ts) and iomap direct I/O (direct-io.ts): an ITER_UBUF bio pins
// the user pages (FOLL_PIN) and unpins them at completion, after waking the reader; an
// ITER_BVEC bio takes nothing; pin_user_pages_fast refuses a VM_IO|VM_PFNMAP mapping with
// -EFAULT; the device thread completes bios one by one.

import { describe, expect, it } from 'vitest';
import { compile, defineModel, DONE, exploreBfs, thread } from '../../src/index.ts';
import {
  bio_alloc,
  bio_dma,
  bio_endio,
  bio_iov_iter_get_pages,
  bio_put,
  bio_release_pages,
  bioCompletion,
  BIO_PAGE_PINNED,
  bvec_array_alloc,
  bvec_array_free,
  bvec_set_page,
  emptyBios,
  submit_bio,
} from '../../model/kernel/bio.ts';
import {
  dio_done,
  iomap_dio_alloc,
  iomap_dio_complete,
  iomap_dio_drop_ref,
  iomap_dio_submit_bio,
  type DioWorld,
} from '../../model/kernel/direct-io.ts';
import { PAGE_SIZE } from '../../model/kernel/folio.ts';
import { pin_user_pages_fast } from '../../model/kernel/gup.ts';
import { do_mmap, set_pte, vmaOf, zap_ptes } from '../../model/kernel/mm.ts';
import { __free_pages, alloc_page, emptyPageCounts, GUP_PIN_COUNTING_BIAS } from '../../model/kernel/page.ts';
import {
  addInode,
  emptyWorld,
  VM_IO,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_READ,
  VM_SHARED,
  VM_WRITE,
} from '../../model/kernel/world.ts';
import { EFAULT, EIO } from '../../model/kernel/errno.ts';

/** Two page frames allocated (refcount 1 each) and mapped by one anonymous vma of `flags` at MMAP_BASE; file 'model.bin' of 2 pages. */
function mappedWorld(flags: number): { w: DioWorld; addr: number; inode: number } {
  const w: DioWorld = { ...emptyWorld(1, 2), page_counts: emptyPageCounts(2), ...emptyBios(), dios: [] };
  const inode = addInode(w, 'model.bin', 2);
  const pages = [alloc_page(w), alloc_page(w)];
  const vma = do_mmap(w, 0, -1, { pages: 2, vm_flags: flags, owner: 'reader' });
  vmaOf(w, 0, vma).vm_flags |= flags;
  pages.forEach((page, i) => {
    set_pte(w, 0, vma, i, { page }); // a normal pte takes a reference and an rmap (none in a VM_PFNMAP vma)
  });
  return { w, addr: vmaOf(w, 0, vma).vm_start, inode };
}

const RW_SHARED = VM_READ | VM_WRITE | VM_SHARED;

describe('ITER_UBUF: pinned for the bio, unpinned at completion', () => {
  it('a read of 2 pages pins both (refcount 2 + GUP_PIN_COUNTING_BIAS), lands file pages 0 and 1, wakes the reader, then unpins', () => {
    const { w, addr, inode } = mappedWorld(RW_SHARED | VM_MIXEDMAP);
    const dio = iomap_dio_alloc(w, 'reader');
    expect(
      iomap_dio_submit_bio(
        w,
        dio,
        { type: 'ITER_UBUF', data_source: 'ITER_DEST', pid: 0, addr, count: 2 * PAGE_SIZE },
        inode,
        0,
      ),
    ).toBe(0);
    const bio = w.dios[dio]!.bios[0]!;
    expect([
      w.bios[bio]!.bi_flags & BIO_PAGE_PINNED,
      w.bios[bio]!.state,
      w.page_counts.map((c) => [c._refcount, c._pincount]),
    ]).toEqual([
      BIO_PAGE_PINNED,
      'submitted',
      [
        [2 + GUP_PIN_COUNTING_BIAS, 1],
        [2 + GUP_PIN_COUNTING_BIAS, 1],
      ],
    ]);
    expect(iomap_dio_drop_ref(w, dio), 'the bio holds the dio').toBe('wait');
    bio_dma(w, bio, 0);
    expect(w.pages.map((p) => p.data)).toEqual([0, 1]);
    expect(bio_endio(w, bio)).toBe('release');
    expect([dio_done(w, dio), w.dios[dio]!.waiter], 'woken before the pages are released').toEqual([true, null]);
    expect(w.page_counts.map((c) => c._pincount)).toEqual([1, 1]);
    bio_release_pages(w, bio);
    bio_put(w, bio);
    expect([w.page_counts.map((c) => [c._refcount, c._pincount]), iomap_dio_complete(w, dio)]).toEqual([
      [
        [2, 0],
        [2, 0],
      ],
      2 * PAGE_SIZE,
    ]);
  });

  it('the last reference is the pin: __free_pages and the pte gone leave the page allocated until bio_release_pages frees it', () => {
    const { w, addr, inode } = mappedWorld(RW_SHARED | VM_MIXEDMAP);
    const dio = iomap_dio_alloc(w, 'reader');
    iomap_dio_submit_bio(
      w,
      dio,
      { type: 'ITER_UBUF', data_source: 'ITER_DEST', pid: 0, addr, count: PAGE_SIZE },
      inode,
      0,
    );
    const bio = w.dios[dio]!.bios[0]!;
    // munmap of page 0 (zap, then tlb_finish_mmu's folio_put) and the exporter's __free_pages
    zap_ptes(w, 0, 0, 0, 1);
    __free_pages(w, 0);
    expect([w.pages[0]!.free, w.page_counts[0]!._refcount]).toEqual([false, GUP_PIN_COUNTING_BIAS]);
    bio_dma(w, bio, 0);
    bio_endio(w, bio);
    bio_release_pages(w, bio);
    expect([w.pages[0]!.free, w.page_counts[0]!._refcount, w.pages[1]!.free]).toEqual([true, 0, false]);
  });

  it('pin_user_pages_fast on a VM_IO|VM_PFNMAP mapping: GUP-fast bails on the special pte, check_vma_flags returns -EFAULT; the dio fails, nothing is submitted', () => {
    const { w, addr, inode } = mappedWorld(RW_SHARED | VM_IO | VM_PFNMAP);
    expect(pin_user_pages_fast(w, 0, addr, 1, 0)).toBe(-EFAULT);
    const dio = iomap_dio_alloc(w, 'reader');
    expect(
      iomap_dio_submit_bio(
        w,
        dio,
        { type: 'ITER_UBUF', data_source: 'ITER_DEST', pid: 0, addr, count: PAGE_SIZE },
        inode,
        0,
      ),
    ).toBe(-EFAULT);
    expect([
      w.bios.map((b) => b.state),
      w.page_counts.map((c) => c._refcount),
      iomap_dio_drop_ref(w, dio),
      iomap_dio_complete(w, dio),
    ]).toEqual([['put'], [1, 1], 'complete', -EFAULT]);
  });

  it('a read (FOLL_WRITE) into a mapping without VM_WRITE is -EFAULT; outside every vma -EFAULT', () => {
    const { w, addr } = mappedWorld(VM_READ | VM_SHARED | VM_MIXEDMAP);
    expect(pin_user_pages_fast(w, 0, addr, 1, 0x01)).toBe(-EFAULT);
    expect(pin_user_pages_fast(w, 0, addr + 5, 1, 0)).toBe(-EFAULT);
    expect(pin_user_pages_fast(w, 0, addr + 1, 2, 0), 'a partial range pins what it can').toEqual([1]);
  });

  it('a read running past the mapping pins what the mapping has: the bio gets 1 page of the 2 asked, the dio counts 1 page', () => {
    const { w, addr, inode } = mappedWorld(RW_SHARED | VM_MIXEDMAP);
    const dio = iomap_dio_alloc(w, 'reader');
    expect(
      iomap_dio_submit_bio(
        w,
        dio,
        { type: 'ITER_UBUF', data_source: 'ITER_DEST', pid: 0, addr: addr + 1, count: 2 * PAGE_SIZE },
        inode,
        0,
      ),
    ).toBe(0);
    expect([w.bios[0]!.bi_io_vec, w.dios[dio]!.size]).toEqual([
      [{ bv_page: { page: 1 }, bv_offset: 0, bv_len: PAGE_SIZE }],
      PAGE_SIZE,
    ]);
  });
});

describe('ITER_BVEC: the caller keeps the pages and the array alive', () => {
  it('takes no pin and no reference; the device reads the caller array; kvfree before the DMA is a use-after-free', () => {
    const { w, inode } = mappedWorld(RW_SHARED | VM_MIXEDMAP);
    const bvec = bvec_array_alloc(w, 'copier', [bvec_set_page({ page: 1 }, PAGE_SIZE, 0)]);
    const bio = bio_alloc(w, {
      by: 'copier',
      op: 'REQ_OP_READ',
      inode,
      pos: PAGE_SIZE,
      bi_end_io: 'iomap_dio_bio_end_io',
      bi_private: 0,
    });
    expect(
      bio_iov_iter_get_pages(w, bio, { type: 'ITER_BVEC', data_source: 'ITER_DEST', bvec, count: PAGE_SIZE }),
    ).toBe(0);
    submit_bio(w, bio);
    expect([w.bios[bio]!.bi_flags, w.page_counts.map((c) => c._refcount)]).toEqual([0, [2, 2]]);
    bvec_array_free(w, bvec);
    expect(() => bio_dma(w, bio, 0)).toThrow(
      /use-after-free: the device reads the bvec array of copier for a bio of copier, already kvfree'd/,
    );
  });

  it('a partial segment lands where its offset says: recorded, page.data untouched', () => {
    const { w, inode } = mappedWorld(RW_SHARED | VM_MIXEDMAP);
    const bvec = bvec_array_alloc(w, 'copier', [
      bvec_set_page({ page: 0 }, 1024, 512),
      bvec_set_page({ page: 1 }, PAGE_SIZE, 0),
    ]);
    const bio = bio_alloc(w, {
      by: 'copier',
      op: 'REQ_OP_READ',
      inode,
      pos: 0,
      bi_end_io: 'iomap_dio_bio_end_io',
      bi_private: 0,
    });
    bio_iov_iter_get_pages(w, bio, { type: 'ITER_BVEC', data_source: 'ITER_DEST', bvec, count: 1024 + PAGE_SIZE });
    submit_bio(w, bio);
    bio_dma(w, bio, 0);
    expect([w.bios[bio]!.landed, w.pages.map((p) => p.data)]).toEqual([
      [
        { pos: 0, len: 1024, page: { page: 0 }, offset: 512 },
        { pos: 1024, len: PAGE_SIZE, page: { page: 1 }, offset: 0 },
      ],
      [null, null],
    ]);
  });
});

describe('the device thread', () => {
  // A reader submits one ITER_UBUF bio over page 0 and sleeps until the dio is done; the
  // device thread takes it, transfers it (or fails it with -EIO), ends it, releases it.
  const reader = defineModel({
    name: 'test/dio-read',
    title: 'a direct-I/O read of one mapped page, completed by the device thread',
    params: { fails: true },
    world: () => mappedWorld(RW_SHARED | VM_MIXEDMAP).w,
    threads: (p) => [
      thread<DioWorld, { dio: number; ret: number }>({
        name: 'reader',
        locals: { dio: -1, ret: 0 },
        steps: {
          submit: {
            run: (k) => {
              k.local.dio = iomap_dio_alloc(k.world, 'reader');
              iomap_dio_submit_bio(
                k.world,
                k.local.dio,
                { type: 'ITER_UBUF', data_source: 'ITER_DEST', pid: 0, addr: 16, count: PAGE_SIZE },
                0,
                PAGE_SIZE,
              );
              return iomap_dio_drop_ref(k.world, k.local.dio) === 'complete' ? 'complete' : 'wait';
            },
          },
          wait: { enabled: (w, l) => dio_done(w, l.dio), run: () => 'complete' },
          complete: { run: (k) => ((k.local.ret = iomap_dio_complete(k.world, k.local.dio)), DONE) },
        },
      }),
      bioCompletion<DioWorld>('nvme0q1', {
        idle: (w) => w.dios.length > 0 && w.dios.every((d) => d.completed),
        fails: p.fails,
      }),
    ],
    properties: () => [],
    variants: { plain: { description: 'as is', expect: 'holds' } },
  });

  it('every end: the reader got PAGE_SIZE and page 0 holds file page 1, or -EIO and nothing landed; every pin dropped, every bio put', () => {
    const sys = compile(reader, 'plain');
    const r = exploreBfs(sys, { por: false, symmetry: false });
    expect(r.kind).toBe('ok');
    const ends = new Set<string>();
    const visit = (s: ReturnType<typeof sys.initial>, depth: number): void => {
      const next = sys.enabled(s);
      if (next.length === 0) {
        const w = s.world as DioWorld;
        expect(sys.terminal(s)).toBe(true);
        ends.add(
          JSON.stringify([
            s.threads[0]!.local.ret,
            w.pages[0]!.data,
            w.page_counts[0]!._pincount,
            w.bios.map((b) => b.state),
          ]),
        );
        return;
      }
      for (const t of next) visit(sys.apply(s, t).state, depth + 1);
    };
    visit(sys.initial(), 0);
    expect([...ends].sort()).toEqual(
      [JSON.stringify([-EIO, null, 0, ['put']]), JSON.stringify([PAGE_SIZE, 1, 0, ['put']])].sort(),
    );
  });
});
