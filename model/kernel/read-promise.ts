// What the kernel undertook when it sized a buffer from a file (i_size_read at
// init_dma_heap_file): to fill the dma-buf with the file's first `size` pages. A ghost
// record of the world (no kernel field holds it), kept for the file-contents property
// (properties/file-contents.ts), which judges every state against it.

import type { KernelWorld } from './world.ts';

/** The kernel undertook to fill `dmabuf` with the first `size` pages of its source file. */
export interface ReadPromise {
  dmabuf: number;
  size: number;
}

export interface PromisedWorld extends KernelWorld {
  promised: ReadPromise[];
}
