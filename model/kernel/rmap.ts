// Reverse mapping and the node's mapped-page counter (mm/rmap.c, include/linux/rmap.h),
// and the accounting seed 001's patch 2/2 gates with VM_DMABUF_DIO.
//
// At pte level, for an order-0 file folio:
//   folio_add_file_rmap_pte   atomic_inc_and_test(&page->_mapcount): the first mapping
//                             (-1 -> 0) counts the page in NR_FILE_MAPPED
//   folio_dup_file_rmap_pte   (fork) _mapcount++ only; NR_FILE_MAPPED is untouched
//   folio_remove_rmap_pte     atomic_add_negative(-1, &page->_mapcount): the last unmapping
//                             (0 -> -1) takes the page out of NR_FILE_MAPPED
// So NR_FILE_MAPPED counts pages on their first mapping, and rss counts ptes.
//
// Patch 2/2 ("mm: dmabuf_direct_io: Fix memory statistics error ...") makes six counter
// updates conditional on !(vma->vm_flags & VM_DMABUF_DIO): inc_mm_counter in
// insert_page_into_pte_locked, rss in copy_present_ptes, rss in zap_present_folio_ptes,
// NR_FILE_MAPPED in __folio_add_file_rmap and in __folio_remove_rmap, and smaps'
// smap_gather_stats returns early (do_set_pmd's add_mm_counter too: the PMD path is not
// modelled, every page is order 0). The mapcounts are not gated. Which of those hunks the
// kernel carries is the world's `dmabuf_dio` (none: upstream), so a variant can drop one.

import type { PageCountWorld } from './page.ts';
import { VM_DMABUF_DIO, type KernelWorld, type Vma } from './world.ts';
import { helper } from './helpers.ts';

/** The node's vmstat counters (include/linux/mmzone.h enum node_stat_item) the models read. */
export interface NodeStat {
  NR_FILE_MAPPED: number;
}

/** The hunks of patch 2/2 the kernel carries: each gates one counter update on VM_DMABUF_DIO. */
export interface DmabufDioHunks {
  insert_page_into_pte_locked: boolean;
  copy_present_ptes: boolean;
  zap_present_folio_ptes: boolean;
  __folio_add_file_rmap: boolean;
  __folio_remove_rmap: boolean;
  smap_gather_stats: boolean;
}

export const UPSTREAM_MM: DmabufDioHunks = {
  insert_page_into_pte_locked: false,
  copy_present_ptes: false,
  zap_present_folio_ptes: false,
  __folio_add_file_rmap: false,
  __folio_remove_rmap: false,
  smap_gather_stats: false,
};

/** All of patch 2/2's mm hunks. */
export const DMABUF_DIO_MM: DmabufDioHunks = {
  insert_page_into_pte_locked: true,
  copy_present_ptes: true,
  zap_present_folio_ptes: true,
  __folio_add_file_rmap: true,
  __folio_remove_rmap: true,
  smap_gather_stats: true,
};

/** A world that keeps rmap counts and NR_FILE_MAPPED (seed 001). */
export interface RmapWorld extends PageCountWorld {
  node_stat: NodeStat;
  /** patch 2/2's hunks in this kernel */
  dmabuf_dio: DmabufDioHunks;
}

export const emptyNodeStat = (): NodeStat => ({ NR_FILE_MAPPED: 0 });

/** The counter update `hunk` guards is skipped: the kernel carries the hunk and the vma has VM_DMABUF_DIO. */
export const dmabuf_dio_skips = helper(
  'dmabuf_dio_skips',
  function dmabuf_dio_skips(w: KernelWorld, v: Vma, hunk: keyof DmabufDioHunks): boolean {
    return (w as Partial<RmapWorld>).dmabuf_dio?.[hunk] === true && (v.vm_flags & VM_DMABUF_DIO) !== 0;
  },
);

const nodeStatOf = (w: KernelWorld): NodeStat | undefined => (w as Partial<RmapWorld>).node_stat;

/** folio_add_file_rmap_pte(folio, page, vma) */
export const folio_add_file_rmap_pte = helper(
  'folio_add_file_rmap_pte',
  function folio_add_file_rmap_pte(w: PageCountWorld, page: number, v: Vma): void {
    const counts = w.page_counts[page]!;
    counts._mapcount += 1;
    const stat = nodeStatOf(w);
    if (counts._mapcount === 0 && stat && !dmabuf_dio_skips(w, v, '__folio_add_file_rmap')) stat.NR_FILE_MAPPED += 1;
  },
);

/** folio_dup_file_rmap_pte(folio, page): fork's copy of a mapping; the mapcount only. */
export const folio_dup_file_rmap_pte = helper(
  'folio_dup_file_rmap_pte',
  function folio_dup_file_rmap_pte(w: PageCountWorld, page: number): void {
    w.page_counts[page]!._mapcount += 1;
  },
);

/** folio_remove_rmap_pte(folio, page, vma) */
export const folio_remove_rmap_pte = helper(
  'folio_remove_rmap_pte',
  function folio_remove_rmap_pte(w: PageCountWorld, page: number, v: Vma): void {
    const counts = w.page_counts[page]!;
    counts._mapcount -= 1;
    const stat = nodeStatOf(w);
    if (counts._mapcount === -1 && stat && !dmabuf_dio_skips(w, v, '__folio_remove_rmap')) stat.NR_FILE_MAPPED -= 1;
  },
);
