// kmc mutate on the dma-heap seed models (000, 003, 001), bounded to the variants below: the
// score pinned, and the mutants of the gaps of issue 21 killed (fd reservations, the
// write-deny balance, vmap areas unmapped, dma-bufs released, NULL allocations; for 001 the
// read's bytes landed when read() returns, an exited or failed-fork child holding nothing,
// bi_end_io after bio_put).

import { describe } from 'vitest';
import { allocAndRead } from '../../model/dma-heap/alloc-and-read.ts';
import { asyncRead } from '../../model/dma-heap/async-read.ts';
import { mmapDirectIo } from '../../model/dma-heap/mmap-direct-io.ts';
import { scoreSuite } from './score.ts';

describe('kmc mutate: dma-heap/alloc-and-read', () => {
  scoreSuite({
    model: allocAndRead,
    variants: ['posted', 'reserve-fd', 'posted-racers'],
    minScore: 1,
    killedBy: {
      'noop:ioctl/put_unused_fd:put_unused_fd': 'leak', // a reservation never given back
      'noop:ioctl/fd_install:fd_install': 'leak', // the reserved number never installed
      'noop:ioctl/kernel_read_file:deny_write_access': 'leak', // allow without deny
      'noop:ioctl/allow_write_access:allow_write_access': 'leak', // deny never undone
      'noop:ioctl/dma_buf_vmap:dma_buf_vmap': 'double-free', // dma_buf_vunmap of a buffer not vmapped
      'noop:ioctl/dma_buf_vunmap:dma_buf_vunmap': 'use-after-free', // released while vmapped
      'noop:fput:dma_buf_release': 'leak', // the file gone, the dma-buf never released
      'fault:ioctl/kzalloc:-ENOMEM>alloc_largest_available': 'null-pointer-dereference',
      'order:posted:dma_buf_fd:dma_heap_read_file_sync': 'fd-exposes-unread-buffer', // the fd installed before the read
    },
  });
});

describe('kmc mutate: dma-heap/async-read', () => {
  scoreSuite({
    model: asyncRead,
    variants: ['fixed', 'sync'],
    minScore: 0.96,
    killedBy: {
      'noop:heap_fwork_t/deinit_file_work:vunmap': 'leak', // the worker's vmap area never unmapped
      'noop:heap_fwork_t/kernel_read_file:deny_write_access': 'leak',
      'noop:heap_fwork_t/allow_write_access:allow_write_access': 'leak',
    },
  });
});

describe('kmc mutate: dma-heap/mmap-direct-io', () => {
  scoreSuite({
    model: mmapDirectIo,
    variants: ['upstream-pfnmap', 'posted', 'posted-fork'],
    minScore: 1,
    killedBy: {
      'noop:disk/dma:bio_dma': 'dio-read-unfilled', // the disk never transfers: read() returns bytes that never landed
      'guard:reader/wait_for_completion': 'dio-read-unfilled', // read() returns before the bio ended
      'noop:vm_munmap:remove_vma': 'leak', // the exited child keeps its vma and its file reference
      'noop:copy_process:do_exit': 'leak', // the failed fork's child freed with its references held
      'goto:mapper/mmap_region:-ENOMEM:unmap_region': 'null-pointer-dereference', // unmap_region of the vma vm_area_alloc failed to allocate
      'swap:disk/bio_endio:bio_release_pages>queue_rq': 'use-after-free', // bi_end_io after bio_put
    },
  });
});
