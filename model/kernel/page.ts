// Page frames: allocation from a fixed pool (alloc_pages fails with no free frame, and
// the model may also inject the failure), freeing, and checked access.
//
// A world that maps pages as normal pages (vm_insert_page, GUP pins: seed 001) also keeps
// struct page's counters (include/linux/mm_types.h) in `page_counts`, one entry per frame:
// _refcount (folio_get / folio_put, the allocation's own reference), _mapcount (-1: no pte
// maps the page; rmap.ts) and the FOLL_PIN pins (mm/gup.c try_grab_folio). Every frame is
// an order-0 folio here: a pin adds GUP_PIN_COUNTING_BIAS to _refcount, as the kernel does
// for a small folio, and `_pincount` counts the pins besides (the kernel keeps it only for
// large folios; here it names how many pins the bias stands for). In such a world
// __free_pages is put_page_testzero(): the frame is freed when the last reference goes,
// which may be a bio's final unpin (KERNEL-001-002 Part 3, fact 1). A world without
// `page_counts` frees at __free_pages, as every model before seed 001 does.

import { violation } from '../../src/index.ts';
import type { KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

/** include/linux/mm.h: what one FOLL_PIN pin adds to a small folio's _refcount. */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** struct page's counters. */
export interface PageCounts {
  /** page_ref_count(): 0 for a free frame */
  _refcount: number;
  /** -1: mapped by no pte; each pte mapping the page adds one (folio_add_file_rmap_pte) */
  _mapcount: number;
  /** FOLL_PIN pins held (folio_maybe_dma_pinned) */
  _pincount: number;
}

/** A world that counts references to its page frames. */
export interface PageCountWorld extends KernelWorld {
  page_counts: PageCounts[];
}

/** The counters of `pageFrames` free frames. */
export const emptyPageCounts = helper('emptyPageCounts', function emptyPageCounts(pageFrames: number): PageCounts[] {
  return Array.from({ length: pageFrames }, () => ({ _refcount: 0, _mapcount: -1, _pincount: 0 }));
});

/** The frame's counters, or undefined in a world that does not count references. */
export const countsOf = (w: KernelWorld, page: number): PageCounts | undefined =>
  (w as Partial<PageCountWorld>).page_counts?.[page];

/** The lowest free frame, marked allocated and holding no file data; or -1 when none is free. */
export const alloc_page = helper('alloc_page', function alloc_page(w: KernelWorld): number {
  const page = w.pages.findIndex((p) => p.free);
  if (page < 0) return -1;
  w.pages[page] = { free: false, data: null };
  const counts = countsOf(w, page);
  if (counts) Object.assign(counts, { _refcount: 1, _mapcount: -1, _pincount: 0 }); // set_page_refcounted
  return page;
});

/** free_the_page(): the frame goes back to the buddy allocator. */
const free_the_page = (w: KernelWorld, page: number, what: string) => {
  const counts = countsOf(w, page);
  if (counts && counts._mapcount >= 0)
    violation('use-after-free', `${what} frees page frame ${page}, still mapped by ${counts._mapcount + 1} pte(s)`);
  w.pages[page]!.free = true;
};

/**
 * __free_pages(page, 0): put_page_testzero(), and free_the_page() when it was the last
 * reference; without reference counts, the frame is freed at once.
 */
export const __free_pages = helper('__free_pages', function __free_pages(w: KernelWorld, page: number): void {
  const p = w.pages[page]!;
  if (p.free) violation('double-free', `__free_pages of page frame ${page}, already free`);
  const counts = countsOf(w, page);
  if (!counts) {
    p.free = true;
    return;
  }
  counts._refcount -= 1;
  if (counts._refcount === 0) free_the_page(w, page, '__free_pages');
});

/** folio_get(): one more reference on a frame that has one. */
export const folio_get = helper('folio_get', function folio_get(w: PageCountWorld, page: number): void {
  const counts = w.page_counts[page]!;
  if (w.pages[page]!.free || counts._refcount <= 0)
    violation('use-after-free', `folio_get of page frame ${page}, already freed`);
  counts._refcount += 1;
});

/** folio_put() / folio_put_refs(): drop `refs` references; the last one frees the frame. */
export const folio_put = helper(
  'folio_put',
  function folio_put(w: PageCountWorld, page: number, refs = 1, who = 'folio_put'): void {
    const counts = w.page_counts[page]!;
    if (w.pages[page]!.free || counts._refcount < refs)
      violation(
        'use-after-free',
        `${who} of page frame ${page}, which holds ${counts._refcount} reference(s) (refcount underflow)`,
      );
    counts._refcount -= refs;
    if (counts._refcount === 0) free_the_page(w, page, who);
  },
);

/** A kernel or device access to a page frame: it must still be allocated. */
export const assertPageLive = helper(
  'assertPageLive',
  function assertPageLive(w: KernelWorld, page: number, what: string): void {
    if (w.pages[page]!.free) violation('use-after-free', `${what} touches page frame ${page}, already freed`);
  },
);
