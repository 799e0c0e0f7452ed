// The system heap's dma-bufs (drivers/dma-buf/heaps/system_heap.c): a buffer of page
// frames, freed by its release; CPU writes into it, and how much of its source file it holds.

import { register_dma_buf_ops } from './dma-buf-ops.ts';
import { __free_pages, assertPageLive } from './page.ts';
import { VM_DONTEXPAND, VM_PFNMAP, type KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

/**
 * system_heap_buf_ops: .release = system_heap_dma_buf_release (__free_pages on every page);
 * .mmap = system_heap_mmap: remap_pfn_range() of the buffer's pages from vm_pgoff on, which
 * makes the vma VM_PFNMAP (no struct page behind its ptes: get_user_pages, and so direct
 * I/O, fails on it; seed 001) and VM_DONTEXPAND.
 */
export const SYSTEM_HEAP_BUF_OPS = register_dma_buf_ops('system_heap_buf_ops', {
  release: (w, dmabuf) => {
    for (const page of w.dmabufs[dmabuf]!.pages) __free_pages(w, page);
  },
  mmap: (w, dmabuf, vma) => {
    vma.vm_flags |= VM_PFNMAP | VM_DONTEXPAND;
    const pages = w.dmabufs[dmabuf]!.pages;
    for (let i = 0; i < vma.pages; i++) vma.ptes[i] = { page: pages[vma.vm_pgoff + i]! };
    return 0;
  },
});

/** A CPU write of file page `data` into page `index` of the buffer (through the kernel's vmap). */
export const write_buffer_page = helper('write_buffer_page', function write_buffer_page(w: KernelWorld, dmabuf: number, index: number, data: number): void {
  const page = w.dmabufs[dmabuf]!.pages[index]!;
  assertPageLive(w, page, `write to page ${index} of dmabuf${dmabuf}`);
  w.pages[page]!.data = data;
});

/** How many of the buffer's pages hold what the source file has at that offset, of how many should. */
export const filledPages = helper('filledPages', function filledPages(w: KernelWorld, dmabuf: number): { filled: number; expected: number } {
  const d = w.dmabufs[dmabuf]!;
  const expected = d.source < 0 ? 0 : Math.min(d.pages.length, w.inodes[d.source]!.size);
  let filled = 0;
  for (let i = 0; i < expected; i++) if (w.pages[d.pages[i]!]!.data === i) filled++;
  return { filled, expected };
});
