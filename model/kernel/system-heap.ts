// The system heap's dma-bufs (drivers/dma-buf/heaps/system_heap.c): a buffer of page
// frames, freed by its release; CPU writes into it, and how much of its source file it holds.

import { register_dma_buf_ops } from './dma-buf-ops.ts';
import { __free_pages, assertPageLive } from './page.ts';
import { dmabuf_page_pool_free, pagePoolsOf, type PagePoolWorld } from './page-pool.ts';
import { dma_buf_export } from './dma-buf.ts';
import { remap_pfn_range } from './mm.ts';
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
 */
export const SYSTEM_HEAP_BUF_OPS = register_dma_buf_ops('system_heap_buf_ops', {
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
    const pages = heapBufferOf(w, dmabuf).pages;
    for (let i = 0; i < vma.pages; i++) {
      const ret = remap_pfn_range(w, vma, i, pages[vma.vm_pgoff + i]!);
      if (ret < 0) return ret;
    }
    return 0;
  },
});

/** dmabuf->priv of a system heap dma-buf: its struct system_heap_buffer. */
export const heapBufferOf = (w: KernelWorld, dmabuf: number): SystemHeapBuffer => w.heap_buffers[w.dmabufs[dmabuf]!.priv]!;

/**
 * system_heap_allocate()'s export: the buffer (its pages, and the file it is to be filled
 * from, or -1) and dma_buf_export() with exp_info.ops = &system_heap_buf_ops, priv = buffer.
 */
export const system_heap_dma_buf_export = helper('system_heap_dma_buf_export', function system_heap_dma_buf_export(w: KernelWorld, pages: number[], source: number): number {
  w.heap_buffers.push({ pages, source });
  return dma_buf_export(w, { ops: SYSTEM_HEAP_BUF_OPS, priv: w.heap_buffers.length - 1, size: pages.length });
});

/** A CPU write of file page `data` into page `index` of the buffer (through the kernel's vmap). */
export const write_buffer_page = helper('write_buffer_page', function write_buffer_page(w: KernelWorld, dmabuf: number, index: number, data: number): void {
  const page = heapBufferOf(w, dmabuf).pages[index]!;
  assertPageLive(w, page, `write to page ${index} of dmabuf${dmabuf}`);
  w.pages[page]!.data = data;
});

/** How many of the buffer's pages hold what the source file has at that offset, of how many should. */
export const filledPages = helper('filledPages', function filledPages(w: KernelWorld, dmabuf: number): { filled: number; expected: number } {
  if (w.dmabufs[dmabuf]!.ops !== SYSTEM_HEAP_BUF_OPS) return { filled: 0, expected: 0 }; // not filled from a file
  const d = heapBufferOf(w, dmabuf);
  const expected = d.source < 0 ? 0 : Math.min(d.pages.length, w.inodes[d.source]!.size);
  let filled = 0;
  for (let i = 0; i < expected; i++) if (w.pages[d.pages[i]!]!.data === i) filled++;
  return { filled, expected };
});
