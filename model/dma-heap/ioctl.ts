// What both dma-heap models share: the heap device's file_operations, deinit_dma_heap_file,
// and the end of dma_heap_ioctl, where the return value (the fd, or -errno) reaches
// userspace and sys_ioctl's fdput() drops the heap file reference.

import type { Block } from '../../src/index.ts';
import { fput } from '../kernel/file.ts';
import { register_file_operations } from '../kernel/file-operations.ts';
import type { KernelWorld } from '../kernel/world.ts';

/** dma_heap_fops: the heap device (/dev/dma_heap/system); nothing to release. */
export const DMA_HEAP_FOPS = register_file_operations('dma_heap_fops', {});

export function dma_heap_ioctl_return(
  w: KernelWorld,
  l: { ret: number; fd: number; dmabuf: number; heap: number },
): void {
  const ret = l.ret === 0 ? l.fd : l.ret;
  const created = l.dmabuf >= 0 ? [w.dmabufs[l.dmabuf]!.file] : [];
  w.returned.push({ thread: 'ioctl', call: 'DMA_HEAP_IOCTL_ALLOC', ret, files: created });
  fput(w, l.heap); // fdput()
}

/** deinit_dma_heap_file(): fput(heap_file->file). */
export function deinitDmaHeapFileBlock<W extends KernelWorld, L extends { file: number }>(): Block<W, L> {
  return (next) => ({
    deinit_dma_heap_file: {
      run: (k) => {
        fput(k.world, k.local.file);
        k.local.file = -1;
        return next;
      },
    },
  });
}
