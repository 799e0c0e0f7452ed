// The dma-buf heaps' page pool of Android's common kernel (aosp-mirror/kernel_common
// drivers/dma-buf/heaps/page_pool.c); upstream's system heap has none (KERNEL-001-002
// Part 3, fact 1). A world with `page_pools` is an Android kernel: system_heap_dma_buf_release
// zeroes the buffer and gives its pages to the pool instead of __free_pages (system-heap.ts).
//
//   dmabuf_page_pool_free    if (WARN_ON(pool->order != compound_order(page))) return;
//                            dmabuf_page_pool_add: list_add_tail(&page->lru), count++ --
//                            with no look at the page's refcount: a page still pinned by a
//                            bio goes on the list, and its allocation reference with it
//   dmabuf_page_pool_alloc   the list's first page, or NULL (then alloc_pages)
// Only order 0 is modelled (one pool); the shrinker is not.

import type { KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

/** struct dmabuf_page_pool */
export interface DmabufPagePool {
  order: number;
  /** the pages on its list (page frames), oldest first */
  items: number[];
}

export interface PagePoolWorld extends KernelWorld {
  /** the system heap's pools (pools[0]: order 0) */
  page_pools: DmabufPagePool[];
}

export const emptyPagePools = helper('emptyPagePools', function emptyPagePools(): DmabufPagePool[] {
  return [{ order: 0, items: [] }];
});

/** The world's page pools, or undefined for an upstream kernel. */
export const pagePoolsOf = (w: KernelWorld): DmabufPagePool[] | undefined => (w as Partial<PagePoolWorld>).page_pools;

/** dmabuf_page_pool_free(pool, page): onto the list, whatever holds the page. */
export const dmabuf_page_pool_free = helper(
  'dmabuf_page_pool_free',
  function dmabuf_page_pool_free(w: PagePoolWorld, pool: number, page: number): void {
    w.page_pools[pool]!.items.push(page);
  },
);

/** dmabuf_page_pool_alloc(pool): the first page on the list, or -1. */
export const dmabuf_page_pool_alloc = helper(
  'dmabuf_page_pool_alloc',
  function dmabuf_page_pool_alloc(w: PagePoolWorld, pool: number): number {
    const p = w.page_pools[pool]!;
    const page = p.items[0];
    if (page === undefined) return -1;
    p.items = p.items.slice(1);
    return page;
  },
);

/** The pool that holds `page`, or -1. */
export const page_pool_holding = (w: KernelWorld, page: number): number =>
  pagePoolsOf(w)?.findIndex((p) => p.items.includes(page)) ?? -1;
