// struct udmabuf (drivers/dma-buf/udmabuf.c) in the three shapes it has had, and the code
// that undoes its pins: unpin_all_folios / deinit_udmabuf / release_udmabuf (the dma-buf's
// .release, run on the last fput of the dma-buf file).
//   unpin-list     v6.10/v6.11 (5e72b2b41a21): a udmabuf_folio node per distinct folio of
//                  each item, on ubuf->unpin_list; release walks the list.
//   folio-array    "[PATCH v2 4/4] udmabuf: remove folio unpin list" (seed 004, not merged):
//                  ubuf->folios[] of the pinned folios, nr = foliocount, and pages[].
//   pinned-folios  v6.13 (Huan Yang's v7 6/7, 7/7): preallocated ubuf->pinned_folios[] with
//                  one entry per successful pin and nr_pinned, plus folios[]/offsets[].
// One record holds the fields of all three; `design` says which ones the driver uses, and
// UDMABUF_DESIGNS holds the code that differs.

import { violation } from '../../src/index.ts';
import { dma_buf_export } from './dma-buf.ts';
import { bvec_set_page, type BioVec } from './bio.ts';
import { register_dma_buf_ops, type RwFileWorld } from './dma-buf-ops.ts';
import { register_file_operations } from './file-operations.ts';
import { EINVAL } from './errno.ts';
import { PAGE_SIZE, unpin_folio, unpin_folios } from './folio.ts';
import { register_vm_operations, set_pte, VM_FAULT_NOPAGE, VM_FAULT_SIGBUS, vmaOf } from './mm.ts';
import { VM_DONTEXPAND, VM_PFNMAP, VM_SHARED } from './world.ts';
import type { MemfdWorld } from './memfd.ts';
import { helper } from './helpers.ts';

export type UdmabufDesign = 'unpin-list' | 'folio-array' | 'pinned-folios';

export interface Udmabuf {
  design: UdmabufDesign;
  /** pages of the buffer */
  pagecount: number;
  /** per page of the buffer: its folio and the byte offset in it (folios[]+offsets[], or pages[]) */
  pages: { folio: number; offset: number }[];
  /** unpin-list: the folio of each udmabuf_folio node, in list order */
  unpin_list: number[];
  /** folio-array: ubuf->folios[], the pinned folios; foliocount is set once every item is pinned */
  folios: number[];
  foliocount: number;
  /** pinned-folios: ubuf->pinned_folios[0..nr_pinned) */
  pinned_folios: number[];
  nr_pinned: number;
  /** the dma-buf exported over it (dmabuf->priv == this ubuf), or -1 before dma_buf_export */
  dmabuf: number;
  freed: boolean;
  /** ghost: which code path did kfree(ubuf) */
  freedBy: string;
}

export interface UdmabufWorld extends MemfdWorld {
  udmabufs: Udmabuf[];
}

/** The pin holder name of a udmabuf (ghost state in Folio.pins). */
export const holderOf = (ubuf: number) => `ubuf${ubuf}`;

/** kzalloc(sizeof(*ubuf)) */
export const kzalloc_udmabuf = helper(
  'kzalloc_udmabuf',
  function kzalloc_udmabuf(w: UdmabufWorld, design: UdmabufDesign): number {
    w.udmabufs.push({
      design,
      pagecount: 0,
      pages: [],
      unpin_list: [],
      folios: [],
      foliocount: 0,
      pinned_folios: [],
      nr_pinned: 0,
      dmabuf: -1,
      freed: false,
      freedBy: '',
    });
    return w.udmabufs.length - 1;
  },
);

export const assertUdmabufLive = helper(
  'assertUdmabufLive',
  function assertUdmabufLive(w: UdmabufWorld, ubuf: number, what: string): void {
    if (w.udmabufs[ubuf]!.freed)
      violation('use-after-free', `${what} reads ubuf${ubuf}, freed by ${w.udmabufs[ubuf]!.freedBy}`);
  },
);

/** kfree(ubuf); `by` names the path (ghost, for the ownership property). */
export const kfree_udmabuf = helper(
  'kfree_udmabuf',
  function kfree_udmabuf(w: UdmabufWorld, ubuf: number, by: string): void {
    const u = w.udmabufs[ubuf]!;
    if (u.freed) violation('double-free', `kfree(ubuf${ubuf}) by ${by}, already freed by ${u.freedBy}`);
    u.freed = true;
    u.freedBy = by;
  },
);

/** unpin-list: unpin_all_folios(&ubuf->unpin_list): unpin and kfree every node. */
export const unpin_all_folios_list = helper(
  'unpin_all_folios_list',
  function unpin_all_folios_list(w: UdmabufWorld, ubuf: number): void {
    const u = w.udmabufs[ubuf]!;
    for (const folio of u.unpin_list) unpin_folio(w, folio, holderOf(ubuf));
    u.unpin_list = [];
  },
);

/** pinned-folios: unpin_all_folios(ubuf): one unpin_folio per pinned_folios entry. */
export const unpin_all_folios_array = helper(
  'unpin_all_folios_array',
  function unpin_all_folios_array(w: UdmabufWorld, ubuf: number): void {
    const u = w.udmabufs[ubuf]!;
    for (const folio of u.pinned_folios.slice(0, u.nr_pinned)) unpin_folio(w, folio, holderOf(ubuf));
  },
);

/** A page of the buffer: its folio and the byte offset in it. */
export interface UdmabufPage {
  folio: number;
  offset: number;
}

/**
 * What differs between the three designs; udmabuf_create and release_udmabuf are written
 * once over it (model/udmabuf/create.ts).
 */
export interface UdmabufDesignParts {
  /** udmabuf_create's allocations before the list loop, one -ENOMEM step each */
  arrays: readonly string[];
  /** a kvmalloc_array of the item's folios before memfd_pin_folios (-ENOMEM) */
  itemFolios: boolean;
  /** the bookkeeping step after memfd_pin_folios */
  record: string;
  /** one record step per pinned folio, each an allocation that can fail after the pin */
  perFolio: boolean;
  /** record pinned folios and the buffer pages they give; returns how many entries it added to ubuf->folios[] (nr_folios) */
  record_pins: (u: Udmabuf, folios: readonly number[], pages: readonly UdmabufPage[]) => number;
  /** ubuf->foliocount is set from nr_folios once every item is pinned (release reads it) */
  publishesFoliocount: boolean;
  /** undo the recorded pins (the err label, and release_udmabuf); nr_folios: the folios[] entries to unpin */
  unpin_all: (w: UdmabufWorld, ubuf: number, nr_folios: number) => void;
}

export const UDMABUF_DESIGNS: Record<UdmabufDesign, UdmabufDesignParts> = {
  'unpin-list': {
    arrays: ['kvmalloc_array_folios', 'kvcalloc_offsets'],
    itemFolios: true,
    // for each page: if (j == 0 || ubuf->folios[pgbuf-1] != folios[k]) add_to_unpin_list(folios[k])
    record: 'add_to_unpin_list',
    perFolio: true,
    record_pins: (u, folios, pages) => (u.unpin_list.push(...folios), u.pages.push(...pages), 0),
    publishesFoliocount: false,
    unpin_all: (w, ubuf) => unpin_all_folios_list(w, ubuf),
  },
  'folio-array': {
    arrays: ['kvmalloc_array_folios', 'kvmalloc_array_pages'],
    itemFolios: false,
    record: 'record_folios',
    perFolio: false,
    // pages[nr_pages++] = folio_page(); folios += ret; nr_folios += ret
    record_pins: (u, folios, pages) => (u.pages.push(...pages), u.folios.push(...folios), folios.length),
    publishesFoliocount: true,
    unpin_all: (w, ubuf, nr_folios) => {
      if (nr_folios) unpin_folios(w, w.udmabufs[ubuf]!.folios.slice(0, nr_folios), holderOf(ubuf));
    },
  },
  'pinned-folios': {
    arrays: [
      'kvmalloc_array_folios',
      'kvcalloc_offsets',
      'kvmalloc_array_pinned_folios',
      'kvmalloc_array_scratch_folios',
    ],
    itemFolios: false,
    record: 'record_pinned_folios',
    perFolio: false,
    // folios[upgcnt], offsets[upgcnt]; pinned_folios[nr_pinned++] = folios[cur_folio]
    record_pins: (u, folios, pages) => (
      u.pages.push(...pages), u.pinned_folios.push(...folios), (u.nr_pinned += folios.length), 0
    ),
    publishesFoliocount: false,
    unpin_all: (w, ubuf) => unpin_all_folios_array(w, ubuf), // deinit_udmabuf
  },
};

/** release_udmabuf(): the dma-buf's .release; the only place an exported ubuf is freed. */
export const release_udmabuf = helper('release_udmabuf', function release_udmabuf(w: UdmabufWorld, ubuf: number): void {
  const u = w.udmabufs[ubuf]!;
  assertUdmabufLive(w, ubuf, 'release_udmabuf');
  UDMABUF_DESIGNS[u.design].unpin_all(w, ubuf, u.foliocount);
  kfree_udmabuf(w, ubuf, 'release_udmabuf');
});

/**
 * udmabuf_vm_fault(): pgoff past pagecount: SIGBUS; else vmf_insert_pfn() of the page's
 * folio + offset. No page reference is taken: only the pins keep the folios alive. A page
 * below pagecount whose folio the create path has not recorded yet reads an uninitialised
 * ubuf->folios[] entry (kvmalloc_array, not zeroed).
 */
export const udmabuf_vm_fault = helper(
  'udmabuf_vm_fault',
  function udmabuf_vm_fault(w: UdmabufWorld, pid: number, vma: number, pgoff: number): number {
    const v = vmaOf(w, pid, vma);
    const ubuf = v.vm_private_data;
    assertUdmabufLive(w, ubuf, `udmabuf_vm_fault (${v.owner})`);
    const u = w.udmabufs[ubuf]!;
    if (pgoff >= u.pagecount) return VM_FAULT_SIGBUS;
    const page = u.pages[pgoff];
    if (page === undefined)
      violation(
        'uninit-value',
        `${v.owner} writes page ${pgoff} of its udmabuf mapping: udmabuf_vm_fault reads ubuf->folios[${pgoff}], not set yet (${u.pages.length} of ${u.pagecount} pages pinned)`,
      );
    set_pte(w, pid, vma, pgoff - v.vm_pgoff, { folio: page.folio, index: page.offset / PAGE_SIZE });
    return VM_FAULT_NOPAGE;
  },
);

export const UDMABUF_VM_OPS = register_vm_operations<UdmabufWorld>('udmabuf_vm_ops', { fault: udmabuf_vm_fault });

/**
 * udmabuf_rw_file() of the copy_file_range series (v3 3/4, v4 3/4): no lock, no check. The
 * bvec array as posted walks pinned_folios[] with folio_size(), which is the array kept for
 * unpinning (one entry per pin, whole folios, a folio twice when two items share it): right
 * only when every item starts and ends on a folio boundary. The per-page map is pages[]
 * (folios[] + offsets[]), page `b >> PAGE_SHIFT` at offsets[pg] + (b & ~PAGE_MASK).
 */
export const udmabuf_rw_file_bvec = helper(
  'udmabuf_rw_file_bvec',
  function udmabuf_rw_file_bvec(
    w: UdmabufWorld & Partial<RwFileWorld>,
    dmabuf: number,
    pos: number,
    count: number,
  ): BioVec[] {
    const u = w.udmabufs[w.dmabufs[dmabuf]!.priv]!;
    const my_end = pos + count;
    const bvec: BioVec[] = [];
    if (w.series?.udmabufMap === 'pinned_folios') {
      // for (i = 0; i < ubuf->nr_pinned && my_pos < my_end; i++) { folio = pinned_folios[i];
      //   bv_beg = bv_end; bv_end += folio_size(folio); if (bv_end <= my_pos) continue;
      //   bv_len = min(bv_end, my_end) - my_pos; bvec_set_page(&folio->page, bv_len, my_pos - bv_beg) }
      let bv_end = 0;
      let my_pos = pos;
      for (let i = 0; i < u.nr_pinned && my_pos < my_end; i++) {
        const folio = u.pinned_folios[i]!;
        const bv_beg = bv_end;
        bv_end += w.folios[folio]!.nrPages * PAGE_SIZE;
        if (bv_end <= my_pos) continue;
        const bv_len = Math.min(bv_end, my_end) - my_pos;
        bvec.push(bvec_set_page({ folio, index: 0 }, bv_len, my_pos - bv_beg)); // &folio->page
        my_pos += bv_len;
      }
      return bvec;
    }
    for (let b = pos; b < my_end; b += PAGE_SIZE) {
      const pg = u.pages[Math.floor(b / PAGE_SIZE)]!;
      bvec.push(
        bvec_set_page({ folio: pg.folio, index: 0 }, Math.min(PAGE_SIZE, my_end - b), pg.offset + (b % PAGE_SIZE)),
      );
    }
    return bvec;
  },
);

/** udmabuf_ops: .release = release_udmabuf (dmabuf->priv is the ubuf); .mmap = mmap_udmabuf; .rw_file of the 002 series. */
export const UDMABUF_OPS = register_dma_buf_ops<UdmabufWorld>('udmabuf_ops', {
  release: (w, dmabuf) => release_udmabuf(w, w.dmabufs[dmabuf]!.priv),
  map_dma_buf: () => 0, // map_udmabuf: get_sg_table + dma_map_sgtable, no lock
  unmap_dma_buf: () => undefined,
  // udmabuf takes no lock of its own (vmap_udmabuf asserts the dma_resv lock, which rw_file does not take)
  lock_of: () => undefined,
  page_of: (w, dmabuf, pg) => {
    const page = w.udmabufs[w.dmabufs[dmabuf]!.priv]!.pages[pg]!;
    return { folio: page.folio, index: page.offset / PAGE_SIZE };
  },
  rw_file: { check: () => 0, bvec: (w, dmabuf, pos, count) => udmabuf_rw_file_bvec(w, dmabuf, pos, count) },
  // mmap_udmabuf(): shared mappings only; vm_private_data = ubuf, VM_PFNMAP | VM_DONTEXPAND
  mmap: (w, dmabuf, vma) => {
    const ubuf = w.dmabufs[dmabuf]!.priv;
    assertUdmabufLive(w, ubuf, `mmap_udmabuf (${vma.owner})`);
    if ((vma.vm_flags & VM_SHARED) === 0) return -EINVAL;
    vma.vm_ops = UDMABUF_VM_OPS;
    vma.vm_private_data = ubuf;
    vma.vm_flags |= VM_PFNMAP | VM_DONTEXPAND;
    return 0;
  },
});

/** udmabuf_fops: /dev/udmabuf, nothing to release. */
export const UDMABUF_FOPS = register_file_operations('udmabuf_fops', {});

/** export_udmabuf(): dma_buf_export() with exp_info.ops = &udmabuf_ops, exp_info.priv = ubuf, exp_info.size = pagecount pages. */
export const export_udmabuf = helper('export_udmabuf', function export_udmabuf(w: UdmabufWorld, ubuf: number): number {
  return dma_buf_export(w, { ops: UDMABUF_OPS, priv: ubuf, size: w.udmabufs[ubuf]!.pagecount });
});

/** A dma-buf exported by udmabuf (dmabuf->ops == &udmabuf_ops). */
export const is_udmabuf = helper('is_udmabuf', function is_udmabuf(w: UdmabufWorld, dmabuf: number): boolean {
  return w.dmabufs[dmabuf]!.ops === UDMABUF_OPS;
});
