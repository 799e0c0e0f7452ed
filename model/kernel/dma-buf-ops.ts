// struct dma_buf_ops (include/linux/dma-buf.h): the table an exporter gives its dma-bufs,
// registered by name like file_operations (a dma-buf records its table's name,
// dmabuf->ops). An exporter registers its table in its own file.

import { opsTables } from './ops-table.ts';
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
  attach?: (w: W, dmabuf: number) => number;
  detach?: (w: W, dmabuf: number) => void;
  map_dma_buf?: (w: W, dmabuf: number) => number;
  unmap_dma_buf?: (w: W, dmabuf: number) => void;
  /** the DMA_HEAP_ALLOC_AND_READ_FILE / copy_file_range series' callback: read a file into the buffer */
  rw_file?: (w: W, dmabuf: number, file: number) => number;
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
