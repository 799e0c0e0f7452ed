// Page frames: allocation from a fixed pool (alloc_pages fails with no free frame, and
// the model may also inject the failure), freeing, and checked access.

import { violation } from '../../src/index.ts';
import type { KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

/** The lowest free frame, marked allocated and holding no file data; or -1 when none is free. */
export const alloc_page = helper('alloc_page', function alloc_page(w: KernelWorld): number {
  const page = w.pages.findIndex((p) => p.free);
  if (page < 0) return -1;
  w.pages[page] = { free: false, data: null };
  return page;
});

export const __free_pages = helper('__free_pages', function __free_pages(w: KernelWorld, page: number): void {
  const p = w.pages[page]!;
  if (p.free) violation('double-free', `__free_pages of page frame ${page}, already free`);
  p.free = true;
});

/** A kernel or device access to a page frame: it must still be allocated. */
export const assertPageLive = helper('assertPageLive', function assertPageLive(w: KernelWorld, page: number, what: string): void {
  if (w.pages[page]!.free) violation('use-after-free', `${what} touches page frame ${page}, already freed`);
});
