// The system heap's dma-bufs (drivers/dma-buf/heaps/system_heap.c): a buffer of page
// frames, freed by its release; CPU writes into it, and how much of its source file it holds.

import { bvec_set_page, type BioVec } from './bio.ts';
import { register_dma_buf_ops, type RwFileRevision, type RwFileWorld } from './dma-buf-ops.ts';
import { EBUSY } from './errno.ts';
import { PAGE_SIZE } from './folio.ts';
import { register_vm_operations, remap_pfn_range, vmaOf } from './mm.ts';
import { mutex_init } from './mutex.ts';
import { __free_pages, assertPageLive } from './page.ts';
import { dmabuf_page_pool_free, pagePoolsOf, type PagePoolWorld } from './page-pool.ts';
import { dma_buf_export } from './dma-buf.ts';
import type { KernelWorld, SystemHeapBuffer } from './world.ts';
import { helper } from './helpers.ts';

/**
 * system_heap_buf_ops: .release = system_heap_dma_buf_release (__free_pages on every page;
 * in an Android kernel, a world with page pools: system_heap_zero_buffer, then
 * dmabuf_page_pool_free of every page, page-pool.ts);
 * .mmap = system_heap_mmap: remap_pfn_range() (mm.ts) of the buffer's pages from vm_pgoff on,
 * page by page, which makes the vma VM_IO|VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP with special
 * ptes (no struct page behind them: get_user_pages, and so direct I/O, fails on it; seed 001,
 * model/dma-heap/mmap-direct-io.ts, which also models the series' vm_insert_page version).
 * attach/detach (list_add/list_del on buffer->attachments), vmap/vunmap (buffer->vmap_cnt)
 * and begin/end_cpu_access run under buffer->lock (lock_of: the caller's step takes it);
 * map_dma_buf and, upstream, mmap take no lock. .rw_file is the copy_file_range series'
 * (seed 002).
 */
export const SYSTEM_HEAP_BUF_OPS = register_dma_buf_ops<KernelWorld>('system_heap_buf_ops', {
  release: (w, dmabuf) => {
    const pages = heapBufferOf(w, dmabuf).pages;
    if (!pagePoolsOf(w)) {
      for (const page of pages) __free_pages(w, page);
      return;
    }
    for (const page of pages) w.pages[page]!.data = null; // system_heap_zero_buffer: kmap_local_page + memset
    for (const page of pages) dmabuf_page_pool_free(w as PagePoolWorld, 0, page);
  },
  mmap: (w, dmabuf, vma) => {
    const b = heapBufferOf(w, dmabuf);
    if (excludesMmap(w)) {
      // the exclusive-incl-mmap design: no new mapping while rw_file holds the buffer; counted until munmap
      b.mmap_cnt += 1;
      vma.vm_ops = SYSTEM_HEAP_VM_OPS;
      vma.vm_private_data = dmabuf;
    }
    for (let i = 0; i < vma.pages; i++) {
      const ret = remap_pfn_range(w, vma, i, b.pages[vma.vm_pgoff + i]!);
      if (ret < 0) return ret;
    }
    return 0;
  },
  // system_heap_attach: list_add(&a->list, &buffer->attachments); system_heap_detach: list_del
  attach: (w, dmabuf, attach) => (heapBufferOf(w, dmabuf).attachments.push(`attachment${attach}`), 0),
  detach: (w, dmabuf, attach) => {
    const list = heapBufferOf(w, dmabuf).attachments;
    const i = list.indexOf(`attachment${attach}`);
    if (i >= 0) list.splice(i, 1);
  },
  map_dma_buf: () => 0,
  unmap_dma_buf: () => undefined,
  vmap: (w, dmabuf) => ((heapBufferOf(w, dmabuf).vmap_cnt += 1), 0),
  vunmap: (w, dmabuf) => void (heapBufferOf(w, dmabuf).vmap_cnt -= 1),
  begin_cpu_access: () => 0,
  end_cpu_access: () => 0,
  lock_of: (w, dmabuf, op) => (op === 'mmap' && !excludesMmap(w) ? undefined : heapBufferOf(w, dmabuf).lock),
  page_of: (w, dmabuf, pg) => ({ page: heapBufferOf(w, dmabuf).pages[pg]! }),
  rw_file: {
    // v2..v4: if (!list_empty(&buffer->attachments) || buffer->vmap_cnt) return -EBUSY;
    check: (w, dmabuf) => {
      const rev = revisionOf(w);
      const b = heapBufferOf(w, dmabuf);
      if (!rev.exclusive) return 0;
      if (b.attachments.length > 0 || b.vmap_cnt > 0 || (rev.excludeMmap && b.mmap_cnt > 0)) return -EBUSY;
      return 0;
    },
    // for_each_sg: the sg entries are the buffer's pages, each (page, PAGE_SIZE, offset 0)
    bvec: (w, dmabuf, pos, count) => {
      const v4 = revisionOf(w).sgWalk === 'v4';
      const end = pos + count;
      const bvec: BioVec[] = [];
      let bv_end = 0;
      let my_pos = pos;
      for (const page of heapBufferOf(w, dmabuf).pages) {
        const sg = { page, offset: 0, length: PAGE_SIZE };
        const bv_beg = bv_end;
        bv_end += v4 ? sg.offset + sg.length : sg.length; // v4 counts sg->offset into the buffer's range (latent: always 0 here)
        if (bv_end <= my_pos) continue;
        const bv_len = Math.min(bv_end, end) - (v4 ? Math.max(my_pos, bv_beg) : my_pos);
        const bv_off = sg.offset + (v4 ? (my_pos > bv_beg ? my_pos - bv_beg : 0) : my_pos - bv_beg);
        bvec.push(bvec_set_page({ page: sg.page }, bv_len, bv_off));
        my_pos += bv_len;
        if (my_pos >= end) break;
      }
      return bvec;
    },
  },
});

/** The exclusive-incl-mmap design's vm_ops: .close drops the mapping's count. */
export const SYSTEM_HEAP_VM_OPS = register_vm_operations('system_heap_vm_ops', {
  close: (w, pid, vma) => void (heapBufferOf(w, vmaOf(w, pid, vma).vm_private_data).mmap_cnt -= 1),
});

/** The series revision the kernel runs (a world without one runs none: the checks of v2). */
const revisionOf = (w: KernelWorld): RwFileRevision =>
  (w as Partial<RwFileWorld>).series ?? { exclusive: true, excludeMmap: false, udmabufMap: 'pages', sgWalk: 'v4' };
const excludesMmap = (w: KernelWorld) => (w as Partial<RwFileWorld>).series?.excludeMmap === true;

/** dmabuf->priv of a system heap dma-buf: its struct system_heap_buffer. */
export const heapBufferOf = (w: KernelWorld, dmabuf: number): SystemHeapBuffer =>
  w.heap_buffers[w.dmabufs[dmabuf]!.priv]!;

/**
 * system_heap_allocate()'s export: the buffer (its pages, and the file it is to be filled
 * from, or -1) and dma_buf_export() with exp_info.ops = &system_heap_buf_ops, priv = buffer.
 */
export const system_heap_dma_buf_export = helper(
  'system_heap_dma_buf_export',
  function system_heap_dma_buf_export(w: KernelWorld, pages: number[], source: number): number {
    w.heap_buffers.push({
      pages,
      source,
      lock: mutex_init(`buffer${w.heap_buffers.length}->lock`),
      attachments: [],
      vmap_cnt: 0,
      mmap_cnt: 0,
    });
    return dma_buf_export(w, { ops: SYSTEM_HEAP_BUF_OPS, priv: w.heap_buffers.length - 1, size: pages.length });
  },
);

/** A CPU write of file page `data` into page `index` of the buffer (through the kernel's vmap). */
export const write_buffer_page = helper(
  'write_buffer_page',
  function write_buffer_page(w: KernelWorld, dmabuf: number, index: number, data: number): void {
    const page = heapBufferOf(w, dmabuf).pages[index]!;
    assertPageLive(w, page, `write to page ${index} of dmabuf${dmabuf}`);
    w.pages[page]!.data = data;
  },
);

/** How many of the buffer's pages hold what the source file has at that offset, of how many should. */
export const filledPages = helper('filledPages', function filledPages(w: KernelWorld, dmabuf: number): {
  filled: number;
  expected: number;
} {
  if (w.dmabufs[dmabuf]!.ops !== SYSTEM_HEAP_BUF_OPS) return { filled: 0, expected: 0 }; // not filled from a file
  const d = heapBufferOf(w, dmabuf);
  const expected = d.source < 0 ? 0 : Math.min(d.pages.length, w.inodes[d.source]!.size);
  let filled = 0;
  for (let i = 0; i < expected; i++) if (w.pages[d.pages[i]!]!.data === i) filled++;
  return { filled, expected };
});
