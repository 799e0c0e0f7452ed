// vmap()/vunmap() of a page array (mm/vmalloc.c) and I/O in flight into such a mapping.
// A vmap area holds no page references: the pages must outlive it, and every page a read
// is in flight into must stay allocated until the read has completed.

import { violation } from '../../src/index.ts';
import { assertPageLive } from './page.ts';
import type { KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

export interface VmArea {
  pages: number[];
  live: boolean;
}

/** A read (or write) a device or kernel thread has in flight into some pages. */
export interface InflightIo {
  /** who does the I/O, for messages */
  by: string;
  pages: number[];
  done: boolean;
}

/** The part of the world these helpers use; a model's world extends KernelWorld with it. */
export interface IoWorld extends KernelWorld {
  vmaps: VmArea[];
  io: InflightIo[];
}

/** The vmap/io tables a model adds to its world. */
export const emptyIo = helper('emptyIo', function emptyIo(): Pick<IoWorld, 'vmaps' | 'io'> {
  return { vmaps: [], io: [] };
});

export const vmap = helper('vmap', function vmap(w: IoWorld, pages: readonly number[]): number {
  for (const p of pages) assertPageLive(w, p, 'vmap');
  w.vmaps.push({ pages: [...pages], live: true });
  return w.vmaps.length - 1;
});

export const vunmap = helper('vunmap', function vunmap(w: IoWorld, area: number): void {
  const a = w.vmaps[area]!;
  if (!a.live) violation('double-free', `vunmap of vmap area ${area}, already unmapped`);
  a.live = false;
});

/** A CPU write through a vmap: page `index` of the area gets file page `data`. */
export const write_vmap_page = helper(
  'write_vmap_page',
  function write_vmap_page(w: IoWorld, area: number, index: number, data: number): void {
    const a = w.vmaps[area]!;
    if (!a.live) violation('use-after-free', `write through vmap area ${area}, already unmapped`);
    const page = a.pages[index]!;
    assertPageLive(w, page, `write to page ${index} of vmap area ${area}`);
    w.pages[page]!.data = data;
  },
);

/** I/O into these pages is committed (queued or running) from now on. */
export const start_io = helper('start_io', function start_io(w: IoWorld, by: string, pages: readonly number[]): number {
  w.io.push({ by, pages: [...pages], done: false });
  return w.io.length - 1;
});

export const end_io = helper('end_io', function end_io(w: IoWorld, io: number): void {
  w.io[io]!.done = true;
});
