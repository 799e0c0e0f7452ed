// struct dma_buf_ops (include/linux/dma-buf.h): the table an exporter gives its dma-bufs,
// registered by name like file_operations (a dma-buf records its table's name,
// dmabuf->ops). An exporter registers its table in its own file.

import { opsTables } from './ops-table.ts';
import type { BioVec, PageRef } from './bio.ts';
import type { Mutex } from './mutex.ts';
import type { KernelWorld, Vma } from './world.ts';

export interface DmaBufOps<W extends KernelWorld = KernelWorld> {
  /** ->release: the last reference to the dma-buf is gone (dma_buf_release) */
  release: (w: W, dmabuf: number) => void;
  /** ->mmap: map the buffer into a new vma of process `pid` (dma_buf_mmap_internal); 0 or -errno */
  mmap?: (w: W, dmabuf: number, vma: Vma, pid: number) => number;
  vmap?: (w: W, dmabuf: number) => number;
  vunmap?: (w: W, dmabuf: number) => void;
  begin_cpu_access?: (w: W, dmabuf: number) => number;
  end_cpu_access?: (w: W, dmabuf: number) => number;
  /** `attach`: the dma_buf_attachment (an index in the dma-buf's attachments) */
  attach?: (w: W, dmabuf: number, attach: number) => number;
  detach?: (w: W, dmabuf: number, attach: number) => void;
  map_dma_buf?: (w: W, dmabuf: number, attach: number) => number;
  unmap_dma_buf?: (w: W, dmabuf: number, attach: number) => void;
  /** ->rw_file of the copy_file_range series (seed 002, v1..v4): see RwFileOps */
  rw_file?: RwFileOps<W>;
  /**
   * The exporter's own lock an op takes (system heap: buffer->lock, in attach, detach, vmap,
   * vunmap, begin/end_cpu_access and rw_file; not in map_dma_buf nor, upstream, in mmap), or
   * undefined: the op takes none. A step calling the op sleeps on it (lock-wait.ts).
   */
  lock_of?: (w: W, dmabuf: number, op: DmaBufLockedOp) => Mutex | undefined;
  /**
   * The memory behind page `pg` of the buffer, as its sg table, vmap and mmap all reach it
   * (system heap: the page frame; udmabuf: folio + page in it, its per-page pages[]). Not a
   * kernel op: the models' name for "the struct page of byte pg * PAGE_SIZE".
   */
  page_of?: (w: W, dmabuf: number, pg: number) => PageRef;
}

export type DmaBufLockedOp =
  | 'attach'
  | 'detach'
  | 'vmap'
  | 'vunmap'
  | 'begin_cpu_access'
  | 'end_cpu_access'
  | 'mmap'
  | 'rw_file';

export const samePage = (a: PageRef, b: PageRef): boolean =>
  'page' in a ? 'page' in b && a.page === b.page : 'folio' in b && a.folio === b.folio && a.index === b.index;

/** 'page frame 3', 'folio1 page 0' */
export const showPage = (r: PageRef): string =>
  'page' in r ? `page frame ${r.page}` : `folio${r.folio} page ${r.index}`;

/**
 * What the copy_file_range series (wangtao, v1 May 2025 .. v4 Jun 2025) changed between
 * revisions of the exporters' rw_file, and the alternatives the model judges.
 */
export interface RwFileRevision {
  /** v2..v4: under the lock, -EBUSY while attachments or vmaps exist (v1: no check) */
  exclusive: boolean;
  /** an alternative design: also -EBUSY while user mappings exist, and mmap takes the lock */
  excludeMmap: boolean;
  /** udmabuf's bvec: as posted from pinned_folios[] + folio_size, or from the per-page pages[] */
  udmabufMap: 'pinned_folios' | 'pages';
  /** the system heap's bvec arithmetic: v3 (bv_end += sg->length) or v4 (bv_end += sg->offset + sg->length) */
  sgWalk: 'v3' | 'v4';
}

/** The world of a kernel running the series: which revision its exporters' rw_file code is (constant). */
export interface RwFileWorld extends KernelWorld {
  series: RwFileRevision;
}

/**
 * ->rw_file, in the parts a copier interleaves at: it takes lock_of(dmabuf, 'rw_file') (if
 * any) for the whole I/O, makes the exclusivity check, builds the bvec array over the
 * buffer's byte range, submits the read into it and waits, unlocks, frees the array.
 */
export interface RwFileOps<W> {
  /** the exclusivity check, under the lock: 0, or -EBUSY */
  check: (w: W, dmabuf: number) => number;
  /** the bvec array over the buffer's bytes [pos, pos + count) (kvcalloc'd by the caller) */
  bvec: (w: W, dmabuf: number, pos: number, count: number) => BioVec[];
}

const tables = opsTables<DmaBufOps<any>>('dma_buf_ops');

/** Register an exporter's table under its C name ('system_heap_buf_ops'). */
export function register_dma_buf_ops<W extends KernelWorld>(name: string, ops: DmaBufOps<W>): string {
  return tables.register(name, ops);
}

/** dmabuf->ops */
export function dma_buf_ops(w: KernelWorld, dmabuf: number): DmaBufOps {
  return tables.get(w.dmabufs[dmabuf]!.ops, `dmabuf${dmabuf}`);
}
