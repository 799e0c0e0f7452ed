// dma-buf objects (drivers/dma-buf/dma-buf.c) exported by the system heap
// (drivers/dma-buf/heaps/system_heap.c): export, fd, put, release, vmap.

import { violation } from '../../src/index.ts';
import { assertLive, fput } from './file.ts';
import { fd_install, get_unused_fd_flags } from './fdtable.ts';
import { __free_pages, assertPageLive } from './page.ts';
import { allocFile, type KernelWorld } from './world.ts';
import { release_udmabuf, type UdmabufWorld } from './udmabuf.ts';

/** dma_buf_export(): a new dma-buf and its anon file (f_count 1, owned by the caller). */
export function dma_buf_export(w: KernelWorld, pages: number[], source: number): number {
  const dmabuf = w.dmabufs.length;
  const file = allocFile(w, { name: `dmabuf${dmabuf}`, kind: 'dma_buf', inode: -1, dmabuf });
  w.dmabufs.push({ exporter: 'system_heap', file, pages, vmaps: 0, freed: false, source });
  return dmabuf;
}

/** dma_buf_export() by udmabuf (export_udmabuf): no heap pages; dmabuf->priv = ubuf. */
export function dma_buf_export_udmabuf(w: UdmabufWorld, ubuf: number): number {
  const dmabuf = w.dmabufs.length;
  const file = allocFile(w, { name: `dmabuf${dmabuf}`, kind: 'dma_buf', inode: -1, dmabuf });
  w.dmabufs.push({ exporter: 'udmabuf', file, pages: [], vmaps: 0, freed: false, source: -1, priv: ubuf });
  return dmabuf;
}

/** dma_buf_fd(): get_unused_fd_flags() + fd_install(); the caller's reference goes to the fd table. */
export function dma_buf_fd(w: KernelWorld, dmabuf: number): number {
  const fd = get_unused_fd_flags(w);
  if (fd < 0) return fd;
  fd_install(w, fd, w.dmabufs[dmabuf]!.file);
  return fd;
}

export function dma_buf_put(w: KernelWorld, dmabuf: number): void {
  fput(w, w.dmabufs[dmabuf]!.file);
}

/** Runs on the last fput of the dma-buf's file. */
export function dma_buf_release(w: KernelWorld, dmabuf: number): void {
  const d = w.dmabufs[dmabuf]!;
  if (d.vmaps > 0) violation('use-after-free', `dma_buf_release of dmabuf${dmabuf} while the kernel still has it vmapped (BUG_ON(dmabuf->vmapping_counter))`);
  if (d.exporter === 'udmabuf') release_udmabuf(w as UdmabufWorld, d.priv!);
  // system_heap_dma_buf_release: __free_pages on every page of the buffer
  else for (const page of d.pages) __free_pages(w, page);
  d.freed = true;
}

export function dma_buf_vmap(w: KernelWorld, dmabuf: number): void {
  assertDmaBufLive(w, dmabuf, 'dma_buf_vmap');
  w.dmabufs[dmabuf]!.vmaps += 1;
}

export function dma_buf_vunmap(w: KernelWorld, dmabuf: number): void {
  assertDmaBufLive(w, dmabuf, 'dma_buf_vunmap');
  w.dmabufs[dmabuf]!.vmaps -= 1;
}

export function assertDmaBufLive(w: KernelWorld, dmabuf: number, what: string): void {
  const d = w.dmabufs[dmabuf]!;
  assertLive(w, d.file, what);
  if (d.freed) violation('use-after-free', `${what} on dmabuf${dmabuf}, already released`);
}

/** A CPU write of file page `data` into page `index` of the buffer (through the kernel's vmap). */
export function write_buffer_page(w: KernelWorld, dmabuf: number, index: number, data: number): void {
  const page = w.dmabufs[dmabuf]!.pages[index]!;
  assertPageLive(w, page, `write to page ${index} of dmabuf${dmabuf}`);
  w.pages[page]!.data = data;
}

/** How many of the buffer's pages hold what the source file has at that offset, of how many should. */
export function filledPages(w: KernelWorld, dmabuf: number): { filled: number; expected: number } {
  const d = w.dmabufs[dmabuf]!;
  const expected = d.source < 0 ? 0 : Math.min(d.pages.length, w.inodes[d.source]!.size);
  let filled = 0;
  for (let i = 0; i < expected; i++) if (w.pages[d.pages[i]!]!.data === i) filled++;
  return { filled, expected };
}
