// DMA_HEAP_IOCTL_ALLOC with DMA_HEAP_ALLOC_AND_READ_FILE: allocate a dma-buf from the
// system heap, read a file into it, and only then install its fd.
// Mirrors "[PATCH v2 1/5] dma-buf: heaps: Introduce DMA_HEAP_ALLOC_AND_READ_FILE heap flag"
// (Huan Yang, dri-devel, 30 Jul 2024; seed 000), drivers/dma-buf/dma-heap.c:
// dma_heap_ioctl -> dma_heap_ioctl_allocate -> dma_heap_buffer_alloc_and_read.
//
// The kernel thread, as posted (each line one atomic step; -E... a fault-injection point):
//   1. dma_heap_ioctl            fdget(heap fd)                               -EBADF if closed
//   2. init_dma_heap_file        fget(file_fd), fsize = i_size_read()          -EINVAL if not open
//   3. kzalloc                   system_heap_allocate: the buffer             -ENOMEM -> error_file
//   4. alloc_largest_available   one page per step, `pages` times             -ENOMEM -> free_buffer
//   5. dma_buf_export            the dma-buf and its file (f_count 1)         -ENOMEM -> free_buffer
//   6. dma_buf_vmap              dma_heap_read_file_sync                      -ENOMEM -> error_put
//   7. kernel_read_file          deny_write_access, i_size                    -EINVAL if empty
//   8. kernel_read               one page per step                            -EIO
//   9. allow_write_access        pos != i_size -> -EIO
//  10. dma_buf_vunmap            ret != 0 -> error_put
//  11. dma_buf_fd                get_unused_fd_flags + fd_install             -EMFILE -> error_put
//  12. deinit_dma_heap_file      fput(file)
//  13. copy_to_user              back in dma_heap_ioctl: heap_allocation->fd   -EFAULT (copyToUserFaults)
//  14. return                    fdput(heap fd); the ioctl returns to userspace
//  error labels: free_buffer (free the pages so far) -> error_file; error_put: dma_buf_put
//  -> error_file: fput(file) -> put_unused_fd (reviewer's variant) -> return. In an order
//  that moves get_unused_fd_flags (kmc orderings), its -EMFILE enters these labels at
//  whatever the blocks before it hold: error_put, error_file, or return.
//
// Racing it, threads of the same process (model/userspace/): an fd guesser (mmap a guessed
// fd, read the mapping, munmap), a closer of a guessed fd, a truncater of the source file,
// and a thread filling the fd table.
//
// Variants (`order` lists the blocks of the kernel path; see BLOCKS):
//   posted               as posted: read, then dma_buf_fd. Holds.
//   fd-before-read       dma_buf_fd moved before the read: the fd is guessable while the
//                        buffer is half read (fd-exposes-unread-buffer); with a read error,
//                        error_put drops the fd table's reference (use-after-free).
//   posted-efault        as posted, with the user's argument unmapped so copy_to_user fails:
//                        the fd stays installed while -EFAULT is returned. This is upstream
//                        dma_heap_ioctl's order (copy_to_user after the handler installed
//                        the fd), not the patch's doing (fd-installed-on-error).
//   reserve-fd           what a reviewer asks for: get_unused_fd_flags() first, fd_install()
//                        last, after every fallible step including copy_to_user. Holds, also
//                        with copy_to_user faults.
//
// Properties: fd-exposes-unread-buffer, half-read-buffer-observed, fd-installed-on-error,
// use-after-free, double-free, leak (properties/).
//
// States at the default parameters (kmc check --strategy bfs): posted 522 distinct states, 1895 transitions (1436 with sleep sets), depth 22.
//
//   o-direct-unaligned   as posted, reading an O_DIRECT file whose size is not page aligned:
//                        init_dma_heap_file returns -EINVAL without fput(file) (leak).
//
// Left out: O_DIRECT reads themselves, sizes that are not page multiples otherwise
// (system_heap_allocate gets an unaligned len and fails with -ENOMEM), the
// fatal_signal_pending() check, and dma_resv locking around dma_buf_vmap.

import { deinitDmaHeapFileBlock, DMA_HEAP_FOPS, dma_heap_ioctl_return } from './ioctl.ts';
import { defineModel, DONE, sequence, thread, violation, type Block, type Thread } from '../../src/index.ts';
import { dma_buf_put, dma_buf_vmap, dma_buf_vunmap } from '../kernel/dma-buf.ts';
import { system_heap_dma_buf_export, write_buffer_page } from '../kernel/system-heap.ts';
import { EBADF, EFAULT, EINVAL, EIO, ENOMEM } from '../kernel/errno.ts';
import {
  dmaBufFdBlock,
  fail,
  fdInstallBlock,
  getUnusedFdFlagsBlock,
  putUnusedFdStep,
  unwindFd,
  type FdLocals,
} from '../kernel/fd-blocks.ts';
import { fd_install } from '../kernel/fdtable.ts';
import { fget, fput } from '../kernel/file.ts';
import { allow_write_access, deny_write_access, i_size_read } from '../kernel/inode.ts';
import { __free_pages, alloc_page } from '../kernel/page.ts';
import { EXT4_FILE_OPERATIONS } from '../kernel/fs.ts';
import { addInode, allocFile, emptyWorld, type KernelWorld } from '../kernel/world.ts';
import { fdCloser } from '../userspace/fd-closer.ts';
import { fdFiller } from '../userspace/fd-filler.ts';
import { fdGuesser } from '../userspace/fd-guesser.ts';
import { truncater } from '../userspace/truncater.ts';
import { fdExposesUnreadBuffer, fdInstalledOnError, halfReadBufferObserved } from '../../properties/fd-exposure.ts';
import { danglingReference, memorySafetyBugs } from '../../properties/memory-safety.ts';
import { noLeak } from '../../properties/leak.ts';

/** The process's fds at the start: the heap device and the file to read. */
export const HEAP_FD = 0;
export const FILE_FD = 1;

export const POSTED =
  'init_dma_heap_file,system_heap_allocate,dma_heap_read_file_sync,dma_buf_fd,deinit_dma_heap_file,copy_to_user';
export const FD_BEFORE_READ =
  'init_dma_heap_file,system_heap_allocate,dma_buf_fd,dma_heap_read_file_sync,deinit_dma_heap_file,copy_to_user';
export const RESERVE_FD =
  'get_unused_fd_flags,init_dma_heap_file,system_heap_allocate,dma_heap_read_file_sync,deinit_dma_heap_file,copy_to_user,fd_install';

export const params = {
  /** pages of the file, and of the buffer */
  pages: 3,
  /** RLIMIT_NOFILE */
  rlimit: 4,
  guessers: 1,
  closers: 1,
  truncaters: 0,
  fillers: 0,
  /** whether copy_to_user() of the ioctl argument may fail (another thread unmapped it) */
  copyToUserFaults: false,
  /** the blocks of the kernel path, in order */
  order: POSTED,
  /** the file is opened O_DIRECT and its size is not page aligned */
  oDirectUnaligned: false,
};

/** a number of racing threads of one kind */
const COUNT = { integer: true, min: 0, max: 4 } as const;
export type Params = typeof params;

interface Locals extends FdLocals {
  ret: number;
  /** the heap device's file, from fdget() */
  heap: number;
  /** heap_file.file */
  file: number;
  /** heap_file.fsize, in pages */
  fsize: number;
  /** system_heap_allocate's buffer: kzalloc returned it (false: NULL, or not allocated yet) */
  buffer: boolean;
  /** pages allocated so far by system_heap_allocate */
  pages: number[];
  dmabuf: number;
  /** kernel_read_file: i_size and pages copied */
  isize: number;
  copied: number;
}

type K = Block<KernelWorld, Locals>;

const COPY_RESERVED =
  'copy_to_user of a reserved number: the fd is installed only by fd_install, last; an error after the copy puts the number back and the ioctl returns the error, so userspace never uses the number';

/** Mutants of this path that survive `kmc mutate` and are harmless, with why (alloc-and-read and async-read's sync heap share them). */
export const HARMLESS: Record<string, string> = {
  'noop:fd-guesser/munmap:vm_munmap':
    'userspace may keep its mapping: the file reference the vma holds is counted by leak, and nothing obliges the guesser to unmap',
  'goto:ioctl/kzalloc:-ENOMEM:error_put':
    'error_put with no dma-buf yet puts nothing (upstream dma_buf_put(NULL) is WARN_ON and return) and falls through to error_file: the same cleanup',
  'swap:ioctl/dma_buf_fd:deinit_dma_heap_file>copy_to_user':
    'deinit_dma_heap_file drops the source file, dma_buf_fd installs the dma-buf: different objects, and the buffer is fully read before either',
  'order:posted:deinit_dma_heap_file:dma_buf_fd':
    'deinit_dma_heap_file drops the source file, dma_buf_fd installs the dma-buf: different objects, and the buffer is fully read before either',
  'swap:ioctl/deinit_dma_heap_file:copy_to_user>return':
    'copy_to_user writes the installed fd number out; the fput of the source file is independent of it',
  'order:posted:copy_to_user:deinit_dma_heap_file':
    'copy_to_user writes the installed fd number out; the fput of the source file is independent of it',
  'swap:ioctl/copy_to_user:return>done':
    'return is fdput of the heap fd: the copy of the fd number out needs nothing of it',
  'swap:ioctl/error_put:error_file>return':
    'dma_buf_put and the fput of the source file drop references to different objects: either order frees the same',
  'swap:ioctl/error_put:error_file>put_unused_fd':
    'dma_buf_put and the fput of the source file drop references to different objects: either order frees the same',
  'swap:ioctl/error_file:return>done':
    'the fput of the source file and the fdput of the heap fd drop independent references, both before the ioctl returns',
  'swap:ioctl/error_file:put_unused_fd>return':
    'put_unused_fd gives back a number never installed; the fput of the source file is independent of it',
  'swap:ioctl/dma_heap_ioctl:init_dma_heap_file>kzalloc':
    'made where no closer runs (with one, fdget of the heap fd can fail and the swap is not made): fdget of the heap fd and fget of the source file are independent',
  'order:reserve-fd:init_dma_heap_file:get_unused_fd_flags':
    'reserving the fd number before or after fget of the source file: independent, and the number is put back on every error',
  'order:reserve-fd:copy_to_user:init_dma_heap_file': COPY_RESERVED,
  'order:reserve-fd:copy_to_user:system_heap_allocate': COPY_RESERVED,
  'order:reserve-fd:copy_to_user:dma_heap_read_file_sync': COPY_RESERVED,
  'order:reserve-fd:copy_to_user:deinit_dma_heap_file': COPY_RESERVED,
};

/**
 * The error label for a failure at a point the order chose: undo whatever the blocks before
 * it did, as the C labels fall through (error_put -> error_file -> put_unused_fd).
 */
const unwind = (l: Locals) => (l.dmabuf >= 0 ? 'error_put' : l.file >= 0 ? 'error_file' : unwindFd(l));

/** The blocks of the kernel path; `order` chains them. Failure labels are those of the C code. */
export function blocks(p: Params): Record<string, K> {
  // copy_to_user before the fd is installed sits in the handler and unwinds; after it,
  // it is dma_heap_ioctl's, and nothing is undone (the handler has returned).
  const order = p.order.split(',');
  const installAt = Math.max(order.indexOf('dma_buf_fd'), order.indexOf('fd_install'));
  const copyUnwinds = order.indexOf('copy_to_user') < installAt;

  return {
    // -EMFILE undoes what the blocks before it did (nothing, when it comes first)
    get_unused_fd_flags: getUnusedFdFlagsBlock({ unwind }),

    init_dma_heap_file: (next) => ({
      init_dma_heap_file: {
        run: (k) => {
          const file = fget(k.world, FILE_FD);
          if (file < 0) return fail(k, -EINVAL, unwindFd(k.local));
          // "Direct I/O only support PAGE_SIZE aligned files": patch 1 returns without fput(file)
          if (p.oDirectUnaligned) return fail(k, -EINVAL, unwindFd(k.local));
          k.local.file = file;
          k.local.fsize = i_size_read(k.world, k.world.files[file]!.inode);
          return next;
        },
      },
    }),

    system_heap_allocate: (next) => ({
      kzalloc: {
        fails: ['-ENOMEM'],
        run: (k, c) =>
          c === 'ok' ? ((k.local.buffer = true), 'alloc_largest_available') : fail(k, -ENOMEM, 'error_file'),
      },
      alloc_largest_available: {
        fails: ['-ENOMEM'],
        run: (k, c) => {
          // list_add_tail(&page->lru, &buffer->pages): a NULL buffer (kzalloc's failure not checked) oopses
          if (!k.local.buffer)
            violation(
              'null-pointer-dereference',
              'system_heap_allocate adds a page to buffer->pages, but kzalloc returned NULL',
            );
          const page = c === 'ok' ? alloc_page(k.world) : -1;
          if (page < 0) return fail(k, -ENOMEM, 'free_buffer');
          k.local.pages.push(page);
          return k.local.pages.length < k.local.fsize ? 'alloc_largest_available' : 'dma_buf_export';
        },
      },
      dma_buf_export: {
        fails: ['-ENOMEM'],
        run: (k, c) => {
          if (c !== 'ok') return fail(k, -ENOMEM, 'free_buffer');
          k.local.dmabuf = system_heap_dma_buf_export(k.world, [...k.local.pages], k.world.files[k.local.file]!.inode);
          return next;
        },
      },
      free_buffer: {
        run: (k) => {
          // list_for_each_entry_safe(page, tmp_page, &buffer->pages, lru): of a NULL buffer, an oops
          if (!k.local.buffer)
            violation('null-pointer-dereference', 'free_buffer walks buffer->pages, but kzalloc returned NULL');
          for (const page of k.local.pages) __free_pages(k.world, page);
          k.local.pages = [];
          return 'error_file';
        },
      },
    }),

    dma_heap_read_file_sync: (next) => ({
      dma_buf_vmap: {
        fails: ['-ENOMEM'],
        run: (k, c) => {
          if (c !== 'ok') return fail(k, -ENOMEM, 'error_put');
          dma_buf_vmap(k.world, k.local.dmabuf);
          return 'kernel_read_file';
        },
      },
      kernel_read_file: {
        run: (k) => {
          const inode = k.world.files[k.local.file]!.inode;
          deny_write_access(k.world, inode);
          k.local.isize = i_size_read(k.world, inode);
          k.local.copied = 0;
          if (k.local.isize <= 0) return fail(k, -EINVAL, 'allow_write_access');
          k.local.fsize = k.local.isize; // *file_size = i_size
          return 'kernel_read';
        },
      },
      kernel_read: {
        fails: ['-EIO'],
        run: (k, c) => {
          if (c !== 'ok') return fail(k, -EIO, 'allow_write_access');
          // vfs_read stops at the i_size of now: a truncate since kernel_read_file (write
          // access not denied) gives bytes == 0, and the loop breaks short of i_size
          if (k.local.copied >= i_size_read(k.world, k.world.files[k.local.file]!.inode)) return 'allow_write_access';
          write_buffer_page(k.world, k.local.dmabuf, k.local.copied, k.local.copied);
          k.local.copied += 1;
          return k.local.copied < Math.min(k.local.pages.length, k.local.isize) ? 'kernel_read' : 'allow_write_access';
        },
      },
      allow_write_access: {
        run: (k) => {
          allow_write_access(k.world, k.world.files[k.local.file]!.inode);
          // kernel_read_file: pos != i_size -> -EIO; dma_heap_read_file_sync: bytes != fsize -> -EIO
          if (k.local.ret !== 0 || k.local.copied !== k.local.isize) k.local.ret = -EIO;
          return 'dma_buf_vunmap';
        },
      },
      dma_buf_vunmap: {
        run: (k) => {
          dma_buf_vunmap(k.world, k.local.dmabuf);
          return k.local.ret === 0 ? next : 'error_put';
        },
      },
    }),

    dma_buf_fd: dmaBufFdBlock({ unwind: () => 'error_put' }),

    fd_install: fdInstallBlock(),

    deinit_dma_heap_file: deinitDmaHeapFileBlock(),

    copy_to_user: (next) => ({
      copy_to_user: {
        fails: p.copyToUserFaults ? ['-EFAULT'] : [],
        run: (k, c) => (c === 'ok' ? next : fail(k, -EFAULT, copyUnwinds ? 'error_put' : 'return')),
      },
    }),
  };
}

export function dmaHeapIoctl(p: Params): Thread<KernelWorld> {
  const order = p.order.split(',');
  return thread<KernelWorld, Locals>({
    name: 'ioctl',
    locals: {
      ret: 0,
      heap: -1,
      file: -1,
      fsize: 0,
      buffer: false,
      pages: [],
      dmabuf: -1,
      fd: -1,
      reserved: -1,
      isize: 0,
      copied: 0,
    },
    steps: {
      dma_heap_ioctl: {
        run: (k) => {
          const heap = fget(k.world, HEAP_FD); // fdget() in sys_ioctl
          if (heap < 0) return fail(k, -EBADF, DONE);
          k.local.heap = heap;
          return order[0] === 'get_unused_fd_flags' ? 'get_unused_fd_flags' : 'init_dma_heap_file';
        },
      },
      ...sequence(order, blocks(p), 'return'),
      // error labels, in the order C falls through them
      error_put: {
        run: (k) => {
          if (k.local.dmabuf >= 0) dma_buf_put(k.world, k.local.dmabuf);
          return 'error_file';
        },
      },
      error_file: {
        run: (k) => {
          if (k.local.file >= 0) fput(k.world, k.local.file);
          k.local.file = -1;
          return unwindFd(k.local);
        },
      },
      put_unused_fd: putUnusedFdStep('return', false),
      return: {
        run: (k) => {
          dma_heap_ioctl_return(k.world, k.local);
          return DONE;
        },
      },
    },
  });
}

export const allocAndRead = defineModel({
  name: 'dma-heap/alloc-and-read',
  title: 'DMA_HEAP_IOCTL_ALLOC with DMA_HEAP_ALLOC_AND_READ_FILE (seed 000, v2 1/5)',
  params,
  // what --param and a replayed trace may set: thread counts and sizes that keep the state space in reach
  schema: {
    pages: { integer: true, min: 1, max: 16 },
    rlimit: { integer: true, min: 1, max: 64 },
    guessers: COUNT,
    closers: COUNT,
    truncaters: COUNT,
    fillers: COUNT,
  },
  world: (p) => {
    const w = emptyWorld(p.rlimit, p.pages);
    const heap = allocFile(w, { name: '/dev/dma_heap/system', f_op: DMA_HEAP_FOPS });
    const file = allocFile(w, {
      name: 'model.bin',
      f_op: EXT4_FILE_OPERATIONS,
      inode: addInode(w, 'model.bin', p.pages),
    });
    fd_install(w, HEAP_FD, heap);
    fd_install(w, FILE_FD, file);
    return w;
  },
  threads: (p) => [
    dmaHeapIoctl(p),
    ...Array.from({ length: p.guessers }, (_, i) => fdGuesser(`guesser${i}`)),
    ...Array.from({ length: p.closers }, (_, i) => fdCloser(`closer${i}`)),
    ...Array.from({ length: p.truncaters }, (_, i) => truncater(`truncater${i}`, 0, Math.max(1, p.pages - 1))),
    ...Array.from({ length: p.fillers }, (_, i) => fdFiller(`filler${i}`)),
  ],
  properties: () => [fdExposesUnreadBuffer, halfReadBufferObserved, fdInstalledOnError, danglingReference, noLeak],
  bugs: memorySafetyBugs,
  // kmc orderings: the blocks that may move, and the data dependencies that hold regardless.
  orderings: {
    param: 'order',
    blocks: {
      // dma_buf_fd() reserves and installs in one call ...
      'dma-buf-fd': [
        'init_dma_heap_file',
        'system_heap_allocate',
        'dma_heap_read_file_sync',
        'dma_buf_fd',
        'deinit_dma_heap_file',
        'copy_to_user',
      ],
      // ... or the fd is reserved and installed apart
      'reserve-install': [
        'get_unused_fd_flags',
        'init_dma_heap_file',
        'system_heap_allocate',
        'dma_heap_read_file_sync',
        'deinit_dma_heap_file',
        'copy_to_user',
        'fd_install',
      ],
    },
    constraints: [
      ['init_dma_heap_file', 'system_heap_allocate'], // the size comes from the file
      ['system_heap_allocate', 'dma_heap_read_file_sync'], // read into the buffer
      ['dma_heap_read_file_sync', 'deinit_dma_heap_file'], // read from the file
      ['system_heap_allocate', 'dma_buf_fd'], // the fd is of the dma-buf
      ['system_heap_allocate', 'fd_install'],
      ['get_unused_fd_flags', 'fd_install'],
      ['dma_buf_fd', 'copy_to_user'], // copy_to_user() copies the fd number out
      ['get_unused_fd_flags', 'copy_to_user'],
    ],
    // kmc orderings --from-patch: the C these blocks stand for. alloc-and-read.c is
    // dma-heap.c after patch 1/5 (the posted variant); alloc-and-read.base.c is v6.10's,
    // which the real patch applies to (its index line names that blob).
    source: {
      files: ['alloc-and-read.c', 'alloc-and-read.base.c'].map((f) => new URL(f, import.meta.url).href), // beside this file, however it is loaded
      functions: ['dma_heap_ioctl', 'dma_heap_ioctl_allocate', 'dma_heap_buffer_alloc_and_read'],
      calls: {
        init_dma_heap_file: ['init_dma_heap_file'],
        system_heap_allocate: ['heap->ops->allocate'],
        dma_heap_read_file_sync: ['dma_heap_read_file_sync'],
        dma_buf_fd: ['dma_buf_fd'],
        get_unused_fd_flags: ['get_unused_fd_flags'],
        fd_install: ['fd_install'],
        deinit_dma_heap_file: ['deinit_dma_heap_file'],
        copy_to_user: ['copy_to_user'], // in dma_heap_ioctl, after the handler returns
      },
    },
  },
  // kmc mutate: the surviving mutants that change nothing a user or the kernel can tell
  harmless: HARMLESS,
  variants: {
    posted: { description: 'as posted: read, then dma_buf_fd', expect: 'holds' },
    'fd-before-read': {
      description: 'dma_buf_fd moved before the read',
      params: { order: FD_BEFORE_READ },
      expect: { violates: ['fd-exposes-unread-buffer', 'half-read-buffer-observed', 'use-after-free'] },
    },
    'posted-efault': {
      description: 'as posted, copy_to_user fails after the fd is installed',
      params: { copyToUserFaults: true },
      expect: { violates: 'fd-installed-on-error' },
    },
    'o-direct-unaligned': {
      description: 'as posted, O_DIRECT file of unaligned size: init_dma_heap_file returns -EINVAL without fput',
      params: { oDirectUnaligned: true },
      expect: { violates: 'leak' },
    },
    'reserve-fd': {
      description: 'get_unused_fd_flags first, fd_install after copy_to_user',
      params: { order: RESERVE_FD, copyToUserFaults: true },
      expect: 'holds',
    },
    'posted-racers': {
      description:
        'as posted, raced by a truncater and an fd-table filler instead of the guesser and closer: a real -EMFILE from dma_buf_fd, a truncate refused while the read denies writes',
      params: { guessers: 0, closers: 0, truncaters: 1, fillers: 1 },
      expect: 'holds',
    },
  },
});

export default allocAndRead;
