// DMA_HEAP_IOCTL_ALLOC with DMA_HEAP_ALLOC_AND_READ_FILE, read asynchronously while the
// buffer is being allocated: the system heap's allocate_async_read.
// Mirrors "[PATCH v2 2/5..5/5] dma-buf: heaps: ... async read" (Huan Yang, dri-devel,
// 30 Jul 2024; seeds 000 and 003): drivers/dma-buf/dma-heap.c (dma_heap_declare_file_read,
// dma_heap_gather_file_page, dma_heap_submit_file_read, init_file_work, the kthread
// heap_fwork_t, dma_heap_wait_for_file_read, dma_heap_end_file_read) and
// drivers/dma-buf/heaps/system_heap.c (__system_heap_allocate with a heap_file).
// Page counts are model pages; `pageMB` (used only by the costs) says how big one is.
//
// The ioctl thread (each line one atomic step; -E... a fault-injection point), in blocks that
// `order` chains (as posted: init_dma_heap_file, system_heap_allocate, dma_buf_export,
// dma_heap_end_file_read, dma_buf_fd, deinit_dma_heap_file):
//   1. dma_heap_ioctl             fdget(heap fd)                                   -EBADF
//   init_dma_heap_file:
//   2. init_dma_heap_file         fget(file_fd), fsize = i_size_read(), cred,      -EINVAL
//                                 glimit = min(PAGE_ALIGN(fsize), gather_limit)
//      (heap without allocate_async_read: patch 1's allocate, read, dma_buf_fd; the
//       `sync` variant runs model/dma-heap/alloc-and-read.ts's thread)
//   system_heap_allocate (__system_heap_allocate up to the sg table):
//   3. dma_heap_declare_file_read kzalloc ftask (ref 0, fail false), kvmalloc parray
//   4. alloc_largest_available    one page                                         -ENOMEM -> free_buffer
//   5. dma_heap_gather_file_page  parray[pindex++] = page, rsize++; rsize < nr_gathered -> 7
//   6. init_file_work             dma_heap_submit_file_read: fail set -> NULL; vmap(parray)
//                                 -ENOMEM -> NULL; ref++; list_add_tail + wake_up(threadwq);
//                                 roffset += rsize; nr_gathered = min(fsize - roffset, nr_gathered)
//                                 NULL -> -ENOMEM -> goto free_buffer, the page NOT on `pages` (§9.5)
//   7. list_add_tail              the page on `pages`; more to allocate -> 4
//   8. sg_alloc_table             pages -> sg table
//   dma_buf_export:
//   9. dma_buf_export             the dma-buf and its file                         -ENOMEM -> free_pages
//   dma_heap_end_file_read:
//  10. dma_heap_end_file_read     wait_event_freezable(workwq, ref == 0) (a signal ends it early:
//                                 return value ignored), kfree(ftask); fail -> dma_buf_put, -EIO
//   dma_buf_fd:
//  11. dma_buf_fd                 get_unused_fd_flags + fd_install                 -EMFILE -> error_put
//   or, reserving the fd apart (kmc orderings' other block set): get_unused_fd_flags
//   (-EMFILE), fd_install (cannot fail)
//   deinit_dma_heap_file:
//  12. deinit_dma_heap_file       fput(file), put_cred
//  13. copy_to_user / return      fdput(heap fd)
//  error labels: free_pages: dma_heap_wait_for_file_read, free the sg table's pages ->
//  free_buffer: dma_heap_end_file_read (wait, kfree ftask), free `pages` -> error_file:
//  fput(file) -> put_unused_fd (an fd reserved, not installed) -> return; error_put:
//  dma_buf_put -> error_file. A failure in an order that moves the blocks enters these labels
//  at what the blocks before it hold: the dma-buf -> error_put, after error_end_file_read
//  (wait, kfree ftask) when no wait has ended the task yet; the sg table -> free_pages; once
//  dma_heap_end_file_read has run, the error paths neither wait nor free the task again.
//
// The I/O thread heap_fwork_t (`workers` of them; the patch has one):
//   1. wait_event_freezable       threadwq until a work is queued; list_splice_init
//   2. kernel_read_file           deny_write_access, i_size (<= 0: -EINVAL),
//                                 whole_file = (offset == 0 && i_size <= size)
//   3. kernel_read                one page through the vmap                       -EIO, short (0 bytes, as at EOF)
//   4. allow_write_access         whole_file && pos != i_size -> -EIO; err < 0 -> *failp = true
//                                 (a short read at offset != 0 is not an error: §9.9)
//   5. deinit_file_work           vunmap, atomic_dec(refp), wake_up(workwq); next work or 1
//
// Racing it, as in alloc-and-read: an fd guesser (mmap, read the mapping, munmap) and a
// closer of a guessed fd.
//
// Variants:
//   posted              the series as posted. Breaks `leak` (a failed gather leaks the page
//                       just allocated, §9.5) and `file-lands-at-offset` (a short read of a
//                       batch at offset != 0 goes unnoticed, §9.9).
//   fixed               posted with those two fixed (page put on `pages` before the gather;
//                       a batch that reads less than its size fails the task). Holds.
//   install-at-submit   fixed, but dma_buf_fd runs once the last batch is submitted and the
//                       wait for the reads comes after it (order INSTALL_AT_SUBMIT).
//   free-without-wait   fixed, but the error paths free the pages without waiting for the
//                       reads in flight.
//   no-last-batch       fixed, but nr_gathered is never lowered to what is left of the file,
//                       so the last partial batch is never submitted.
//   posted-signal       posted, with a signal delivered while the ioctl sleeps in
//                       wait_event_freezable: the wait ends with reads in flight (§9.11).
//   fixed-signal        fixed, waiting with wait_event (uninterruptible). Holds.
//   sync                the heap without allocate_async_read: allocate, then read. Holds.
//
// Properties: those of alloc-and-read (fd-exposes-unread-buffer, half-read-buffer-observed,
// fd-installed-on-error, use-after-free, double-free, leak) plus page-freed-under-io and
// file-lands-at-offset (properties/io-safety.ts, properties/file-contents.ts).
// Default parameters: 3 pages, batches of 2 (one full, one partial), one kthread.
//
// Orderings (kmc orderings dma-heap/async-read, judged as `fixed`): the blocks above, or
// get_unused_fd_flags + fd_install for dma_buf_fd. Constraints: the allocation needs the
// file's size; the export and the wait follow the allocation (the pages, the batches it
// submitted and the task it declared); the file is put after the wait (the batches read it)
// and after the export (the heap's allocate runs on the heap_file); the fd is of the
// dma-buf; the fd installed is the one reserved. 31 orders; every order that installs the
// fd after dma_heap_end_file_read holds, the 5 others expose the unread buffer
// (fd-exposes-unread-buffer). Waiting before the export holds too.
//
// Left out: O_DIRECT and its buffered read of the unaligned tail page by path (§5.4),
// compound pages (the parray overflow of §9.6), kthread_stop, the missing spin_lock_init,
// the fatal_signal_pending() check in the allocation loop, prepare_kernel_cred failing.

import { deinitDmaHeapFileBlock, DMA_HEAP_FOPS, dma_heap_ioctl_return } from './ioctl.ts';
import { defineModel, DONE, sequence, thread, type Block, type Thread } from '../../src/index.ts';
import { dma_buf_put } from '../kernel/dma-buf.ts';
import { system_heap_dma_buf_export } from '../kernel/system-heap.ts';
import { EBADF, EINVAL, EIO, ENOMEM } from '../kernel/errno.ts';
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
import { emptyWorkList, queue_work, splice_works, waitChoices, type WorkList } from '../kernel/kthread.ts';
import { __free_pages, alloc_page } from '../kernel/page.ts';
import { emptyIo, end_io, start_io, vmap, vunmap, write_vmap_page, type IoWorld } from '../kernel/vmalloc.ts';
import { EXT4_FILE_OPERATIONS } from '../kernel/fs.ts';
import { addInode, allocFile, emptyWorld } from '../kernel/world.ts';
import { violation } from '../../src/index.ts';
import { fdCloser } from '../userspace/fd-closer.ts';
import { fdFiller } from '../userspace/fd-filler.ts';
import { fdGuesser } from '../userspace/fd-guesser.ts';
import { truncater } from '../userspace/truncater.ts';
import { dmaHeapIoctl, HARMLESS as SYNC_HARMLESS, params as syncParams, POSTED } from './alloc-and-read.ts';
import { fdExposesUnreadBuffer, fdInstalledOnError, halfReadBufferObserved } from '../../properties/fd-exposure.ts';
import { danglingReference, memorySafetyBugs } from '../../properties/memory-safety.ts';
import { noLeak } from '../../properties/leak.ts';
import { pageFreedUnderIo } from '../../properties/io-safety.ts';
import { fileLandsAtOffset } from '../../properties/file-contents.ts';
import type { PromisedWorld } from '../kernel/read-promise.ts';

export const HEAP_FD = 0;
export const FILE_FD = 1;

/** The orders of the ioctl's blocks (see `blocks`): as posted, and the fd installed once the last batch is submitted. */
export const POSTED_ORDER =
  'init_dma_heap_file,system_heap_allocate,dma_buf_export,dma_heap_end_file_read,dma_buf_fd,deinit_dma_heap_file';
export const INSTALL_AT_SUBMIT =
  'init_dma_heap_file,system_heap_allocate,dma_buf_export,dma_buf_fd,dma_heap_end_file_read,deinit_dma_heap_file';
/** What a reviewer asks for: the fd reserved first and installed last. */
export const RESERVE_FD =
  'get_unused_fd_flags,init_dma_heap_file,system_heap_allocate,dma_buf_export,dma_heap_end_file_read,deinit_dma_heap_file,fd_install';

export const params = {
  /** pages of the file, and of the buffer */
  pages: 3,
  /** gather_limit, in pages (patch 5's module parameter; 128 MB by default) */
  gather: 2,
  /** heap_fwork_t threads (the patch has one) */
  workers: 1,
  /** the heap has allocate_async_read (false: patch 1's allocate-then-read) */
  async: true,
  /** RLIMIT_NOFILE */
  rlimit: 4,
  guessers: 1,
  closers: 1,
  truncaters: 0,
  fillers: 0,
  /** the blocks of the ioctl's path, in order (kmc orderings): as posted, dma_buf_fd after the wait for every read */
  order: POSTED_ORDER,
  /** the error paths wait for the reads in flight before freeing the pages */
  waitOnError: true,
  /** nr_gathered is lowered to what is left of the file, so the last partial batch is submitted */
  lastBatch: true,
  /** fix of §9.5: the page is on `pages` before it is gathered, so a failed gather frees it */
  gatherFreesPage: false,
  /** fix of §9.9: a batch that reads less than its size marks the task failed */
  checkShortRead: false,
  /** a signal may be delivered while the ioctl sleeps in wait_event_freezable */
  signals: false,
  /** the ioctl waits with wait_event_freezable (interruptible, as posted) or wait_event */
  wait: 'freezable',
  // ---- costs (kmc cost only); defaults: the seed's patch 1 figures for a 3 GB file ----
  /** MB in one model page */
  pageMB: 1,
  /** page allocation: 0.19 s for 3 GB */
  allocSecPerMB: 0.0000618,
  /** vmap: 0.04 s for 3 GB */
  vmapSecPerMB: 0.0000138,
  /** read bandwidth: 3 GB in 4.18 s at patch 1 (UFS 4.0 peaks at 4096) */
  readMBps: 735,
  /** fixed cost per kernel_read_file request */
  requestSec: 0,
};

/** a number of racing threads of one kind */
const COUNT = { integer: true, min: 0, max: 4 } as const;
export type Params = typeof params;

interface FTask {
  /** atomic_t ref: works queued and not yet deinit */
  ref: number;
  fail: boolean;
  /** kfree'd by dma_heap_end_file_read */
  freed: boolean;
}

interface FWork {
  vmap: number;
  /** start_size, need_size: in pages */
  start: number;
  size: number;
  ftask: number;
  /** the source file (heap_file->file) */
  file: number;
  /** the in-flight I/O record */
  io: number;
}

export interface AsyncWorld extends IoWorld, PromisedWorld {
  ftasks: FTask[];
  fworks: FWork[];
  fctl: WorkList;
}

interface Locals extends FdLocals {
  ret: number;
  heap: number;
  file: number;
  fsize: number;
  glimit: number;
  ftask: number;
  /** the page just allocated */
  page: number;
  /** the `pages` list of __system_heap_allocate */
  pages: number[];
  /** pages moved into the sg table */
  sgt: number[];
  /** dma_heap_file_task: parray[0..pindex), rsize, roffset, nr_gathered (in pages) */
  parray: number[];
  rsize: number;
  roffset: number;
  nr_gathered: number;
  dmabuf: number;
  /** the fd returned to userspace, once installed */
  fd: number;
  /** an fd number reserved by get_unused_fd_flags and not yet installed */
  reserved: number;
  /** the reads were waited for (or the wait was cut short) and the task freed */
  ended: boolean;
}

type K = Block<AsyncWorld, Locals>;

/**
 * The blocks of the ioctl's path, chained by `order`. A failure enters the error labels at
 * what the blocks before it hold, as the C labels fall through: the dma-buf (after waiting
 * for the reads, if no wait has ended them yet) -> error_put; the pages of the sg table ->
 * free_pages; pages still being gathered -> free_buffer; the file -> error_file.
 */
export function blocks(p: Params): Record<string, K> {
  const interruptible = p.wait === 'freezable' && p.signals;
  const ftaskOf = (w: AsyncWorld, l: Locals) => w.ftasks[l.ftask]!;
  const unwind = (l: Locals) => {
    if (l.dmabuf >= 0) return l.ended ? 'error_put' : 'error_end_file_read';
    if (l.sgt.length > 0) return 'free_pages';
    if (l.ftask >= 0) return 'free_buffer';
    return l.file >= 0 ? 'error_file' : unwindFd(l);
  };
  return {
    init_dma_heap_file: (next) => ({
      init_dma_heap_file: {
        run: (k) => {
          const file = fget(k.world, FILE_FD);
          if (file < 0) return fail(k, -EINVAL, unwind(k.local));
          k.local.file = file;
          k.local.fsize = i_size_read(k.world, k.world.files[file]!.inode);
          k.local.glimit = Math.min(k.local.fsize, p.gather);
          return next;
        },
      },
    }),

    // __system_heap_allocate up to the sg table: allocate page by page, gather each batch and
    // submit its read to the kthread as soon as it is full
    system_heap_allocate: (next) => ({
      dma_heap_declare_file_read: {
        run: (k) => {
          k.world.ftasks.push({ ref: 0, fail: false, freed: false });
          k.local.ftask = k.world.ftasks.length - 1;
          k.local.nr_gathered = k.local.glimit;
          return 'alloc_largest_available';
        },
      },
      alloc_largest_available: {
        fails: ['-ENOMEM'],
        cost: { resource: 'cpu', seconds: p.pageMB * p.allocSecPerMB },
        run: (k, c) => {
          const page = c === 'ok' ? alloc_page(k.world) : -1;
          if (page < 0) return fail(k, -ENOMEM, 'free_buffer');
          k.local.page = page;
          if (p.gatherFreesPage) k.local.pages.push(page);
          return 'dma_heap_gather_file_page';
        },
      },
      dma_heap_gather_file_page: {
        run: (k) => {
          const l = k.local;
          l.parray.push(l.page);
          l.rsize += 1;
          return l.rsize < l.nr_gathered ? 'list_add_tail' : 'init_file_work';
        },
      },
      init_file_work: {
        fails: ['-ENOMEM'],
        cost: { resource: 'cpu', seconds: (_w, l) => l.parray.length * p.pageMB * p.vmapSecPerMB },
        run: (k, c) => {
          const w = k.world;
          const l = k.local;
          const ftask = ftaskOf(w, l);
          // NULL from init_file_work (an earlier read failed, kmem_cache_alloc or vmap failed)
          if (ftask.fail || c !== 'ok') return fail(k, -ENOMEM, 'free_buffer');
          const area = vmap(w, l.parray);
          const io = start_io(w, 'heap_fwork_t', l.parray);
          w.fworks.push({ vmap: area, start: l.roffset, size: l.rsize, ftask: l.ftask, file: l.file, io });
          ftask.ref += 1;
          queue_work(w.fctl, w.fworks.length - 1);
          l.roffset += l.rsize;
          l.rsize = 0;
          l.parray = [];
          if (p.lastBatch) l.nr_gathered = Math.min(l.fsize - l.roffset, l.nr_gathered);
          return 'list_add_tail';
        },
      },
      list_add_tail: {
        run: (k) => {
          const l = k.local;
          if (!p.gatherFreesPage) l.pages.push(l.page);
          l.page = -1;
          return l.pages.length < l.fsize ? 'alloc_largest_available' : 'sg_alloc_table';
        },
      },
      sg_alloc_table: {
        run: (k) => {
          k.local.sgt = k.local.pages;
          k.local.pages = [];
          return next;
        },
      },
    }),

    dma_buf_export: (next) => ({
      dma_buf_export: {
        fails: ['-ENOMEM'],
        run: (k, c) => {
          if (c !== 'ok') return fail(k, -ENOMEM, unwind(k.local));
          const w = k.world;
          k.local.dmabuf = system_heap_dma_buf_export(w, [...k.local.sgt], w.files[k.local.file]!.inode);
          w.promised.push({ dmabuf: k.local.dmabuf, size: k.local.fsize });
          return next;
        },
      },
    }),

    // wait_event_freezable(workwq, ref == 0), kfree(ftask); a batch failed: -EIO
    dma_heap_end_file_read: (next) => ({
      dma_heap_end_file_read: {
        enabled: (w, l) => ftaskOf(w, l).ref === 0 || interruptible,
        choices: (w, l) => waitChoices(ftaskOf(w, l).ref === 0, interruptible),
        run: (k) => {
          const ftask = ftaskOf(k.world, k.local);
          const failed = ftask.fail;
          ftask.freed = true; // kvfree(parray), kfree(ftask)
          k.local.ended = true;
          if (!failed) return next;
          // after the export: dma_buf_put(dmabuf); dmabuf = ERR_PTR(-EIO)
          return fail(k, -EIO, unwind(k.local));
        },
      },
    }),

    dma_buf_fd: dmaBufFdBlock({ unwind }),

    get_unused_fd_flags: getUnusedFdFlagsBlock({ unwind }),

    fd_install: fdInstallBlock(),

    deinit_dma_heap_file: deinitDmaHeapFileBlock(),
  };
}

function ioctlAsync(p: Params): Thread<AsyncWorld> {
  const interruptible = p.wait === 'freezable' && p.signals;
  const ftaskOf = (w: AsyncWorld, l: Locals) => w.ftasks[l.ftask]!;
  // the error paths' waits: none once a wait has ended the task (a signal may have cut it
  // short: the reads still in flight then go on into freed pages), none without the fix
  const errorWait = {
    enabled: (w: AsyncWorld, l: Locals) => l.ended || !p.waitOnError || ftaskOf(w, l).ref === 0 || interruptible,
    choices: (w: AsyncWorld, l: Locals) =>
      l.ended ? [''] : p.waitOnError ? waitChoices(ftaskOf(w, l).ref === 0, interruptible) : ['skip-wait'],
  };
  const chain = sequence(p.order.split(','), blocks(p), 'return');
  return thread<AsyncWorld, Locals>({
    name: 'ioctl',
    locals: {
      ret: 0,
      heap: -1,
      file: -1,
      fsize: 0,
      glimit: 0,
      ftask: -1,
      page: -1,
      pages: [],
      sgt: [],
      parray: [],
      rsize: 0,
      roffset: 0,
      nr_gathered: 0,
      dmabuf: -1,
      fd: -1,
      reserved: -1,
      ended: false,
    },
    steps: {
      dma_heap_ioctl: {
        run: (k) => {
          const heap = fget(k.world, HEAP_FD);
          if (heap < 0) {
            k.world.returned.push({ thread: 'ioctl', call: 'DMA_HEAP_IOCTL_ALLOC', ret: -EBADF, files: [] });
            return fail(k, -EBADF, DONE);
          }
          k.local.heap = heap;
          return Object.keys(chain)[0]!;
        },
      },
      ...chain,
      // ---- error labels ----
      free_pages: {
        ...errorWait,
        run: (k) => {
          // dma_heap_wait_for_file_read, then free the sg table's pages
          for (const page of k.local.sgt) __free_pages(k.world, page);
          k.local.sgt = [];
          return 'free_buffer';
        },
      },
      free_buffer: {
        ...errorWait,
        run: (k) => {
          // dma_heap_end_file_read: wait, kfree(ftask); then free every page on `pages`
          if (!k.local.ended) {
            ftaskOf(k.world, k.local).freed = true;
            k.local.ended = true;
          }
          for (const page of k.local.pages) __free_pages(k.world, page);
          k.local.pages = [];
          return 'error_file';
        },
      },
      // a failure after the export with reads in flight (an order that installs the fd before
      // the wait): dma_heap_end_file_read, then dma_buf_put
      error_end_file_read: {
        ...errorWait,
        run: (k) => {
          ftaskOf(k.world, k.local).freed = true;
          k.local.ended = true;
          return 'error_put';
        },
      },
      error_put: {
        run: (k) => {
          dma_buf_put(k.world, k.local.dmabuf);
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
      put_unused_fd: putUnusedFdStep('return'),
      return: {
        run: (k) => {
          dma_heap_ioctl_return(k.world, k.local);
          return DONE;
        },
      },
    },
  });
}

interface WorkerLocals {
  works: number[];
  isize: number;
  pos: number;
  copied: number;
  err: number;
}

/** heap_fwork_t: dma_heap_file_work_thread and __work_this_io. */
function heapFworkThread(p: Params, name: string): Thread<AsyncWorld> {
  const work = (w: AsyncWorld, l: WorkerLocals) => w.fworks[l.works[0]!]!;
  const ioctlReturned = (w: AsyncWorld) => w.returned.some((r) => r.thread === 'ioctl');
  const ftaskAccess = (w: AsyncWorld, f: FWork, what: string) => {
    if (w.ftasks[f.ftask]!.freed)
      violation(
        'use-after-free',
        `${name}: ${what} on the dma_heap_file_task, already kfree'd by dma_heap_end_file_read`,
      );
    return w.ftasks[f.ftask]!;
  };
  return thread<AsyncWorld, WorkerLocals>({
    name,
    locals: { works: [], isize: 0, pos: 0, copied: 0, err: 0 },
    symmetry: 'heap_fwork_t',
    steps: {
      wait_event_freezable: {
        enabled: (w) => w.fctl.queue.length > 0 || ioctlReturned(w),
        run: (k) => {
          if (k.world.fctl.queue.length === 0) return DONE; // nothing more will come (the model's stand-in for kthread_stop)
          k.local.works = splice_works(k.world.fctl);
          return 'kernel_read_file';
        },
      },
      kernel_read_file: {
        cost: { resource: 'io', seconds: p.requestSec },
        run: (k) => {
          const w = k.world;
          const f = work(w, k.local);
          const inode = w.files[f.file]!.inode;
          deny_write_access(w, inode);
          k.local.isize = i_size_read(w, inode);
          k.local.pos = f.start;
          k.local.copied = 0;
          k.local.err = 0;
          if (k.local.isize <= 0) {
            k.local.err = -EINVAL;
            return 'allow_write_access';
          }
          return 'kernel_read';
        },
      },
      kernel_read: {
        fails: ['-EIO', 'short'],
        cost: { resource: 'io', seconds: p.pageMB / p.readMBps },
        run: (k, c) => {
          const w = k.world;
          const l = k.local;
          const f = work(w, l);
          if (c === '-EIO') {
            l.err = -EIO;
            return 'allow_write_access';
          }
          // bytes == 0 (EOF, or the injected short read): break. vfs_read stops at the
          // i_size of now, so a truncate since kernel_read_file (write access not denied) shows
          if (c === 'short' || l.pos >= l.isize || l.pos >= i_size_read(w, w.files[f.file]!.inode))
            return 'allow_write_access';
          write_vmap_page(w, f.vmap, l.copied, l.pos);
          l.copied += 1;
          l.pos += 1;
          return l.copied < f.size ? 'kernel_read' : 'allow_write_access';
        },
      },
      allow_write_access: {
        run: (k) => {
          const w = k.world;
          const l = k.local;
          const f = work(w, l);
          allow_write_access(w, w.files[f.file]!.inode);
          const wholeFile = f.start === 0 && l.isize <= f.size;
          if (l.err === 0 && wholeFile && l.pos !== l.isize) l.err = -EIO;
          if (l.err === 0 && p.checkShortRead && l.copied !== f.size) l.err = -EIO;
          if (l.err < 0) ftaskAccess(w, f, 'WRITE_ONCE(*failp, true)').fail = true;
          return 'deinit_file_work';
        },
      },
      deinit_file_work: {
        run: (k) => {
          const w = k.world;
          const f = work(w, k.local);
          vunmap(w, f.vmap);
          end_io(w, f.io);
          ftaskAccess(w, f, 'atomic_dec(refp)').ref -= 1; // then wake_up(workwq)
          w.fctl.nr_work -= 1;
          k.local.works = k.local.works.slice(1);
          return k.local.works.length > 0 ? 'kernel_read_file' : 'wait_event_freezable';
        },
      },
    },
  });
}

/** Costs of the sync path's steps (model/dma-heap/alloc-and-read.ts), attached by label. */
function syncIoctl(p: Params): Thread<AsyncWorld> {
  const t = dmaHeapIoctl({
    ...syncParams,
    pages: p.pages,
    rlimit: p.rlimit,
    guessers: 0,
    closers: 0,
    truncaters: 0,
    fillers: 0,
    copyToUserFaults: false,
    order: POSTED,
  });
  const costs: Record<string, NonNullable<Thread<AsyncWorld>['steps'][string]['cost']>> = {
    alloc_largest_available: { resource: 'cpu', seconds: p.pageMB * p.allocSecPerMB },
    dma_buf_vmap: { resource: 'cpu', seconds: (_w, l) => l.pages.length * p.pageMB * p.vmapSecPerMB },
    kernel_read_file: { resource: 'io', seconds: p.requestSec },
    kernel_read: { resource: 'io', seconds: p.pageMB / p.readMBps },
  };
  const steps = Object.fromEntries(
    Object.entries(t.steps).map(([label, s]) => [label, costs[label] ? { ...s, cost: costs[label] } : s]),
  );
  return { ...t, steps };
}

const FIXED = { gatherFreesPage: true, checkShortRead: true } as const;

/** Mutants of this path that survive `kmc mutate` and are harmless, with why. */
const HARMLESS: Record<string, string> = {
  'noop:fd-guesser/munmap:vm_munmap': SYNC_HARMLESS['noop:fd-guesser/munmap:vm_munmap']!,
  'goto:ioctl/kzalloc:-ENOMEM:error_put': SYNC_HARMLESS['goto:ioctl/kzalloc:-ENOMEM:error_put']!,
  'swap:ioctl/dma_buf_fd:deinit_dma_heap_file>return':
    'deinit_dma_heap_file drops the source file, dma_buf_fd installs the dma-buf: different objects, and every read has been waited for before either',
  'swap:ioctl/dma_buf_fd:deinit_dma_heap_file>copy_to_user':
    SYNC_HARMLESS['swap:ioctl/dma_buf_fd:deinit_dma_heap_file>copy_to_user']!,
  'order:fixed:deinit_dma_heap_file:dma_buf_fd':
    'deinit_dma_heap_file drops the source file, dma_buf_fd installs the dma-buf: different objects, and every read has been waited for before either',
  'swap:ioctl/deinit_dma_heap_file:copy_to_user>return':
    SYNC_HARMLESS['swap:ioctl/deinit_dma_heap_file:copy_to_user>return']!,
  'swap:ioctl/copy_to_user:return>done': SYNC_HARMLESS['swap:ioctl/copy_to_user:return>done']!,
  'swap:ioctl/error_file:return>done': SYNC_HARMLESS['swap:ioctl/error_file:return>done']!,
  'swap:ioctl/dma_heap_ioctl:init_dma_heap_file>dma_heap_declare_file_read':
    SYNC_HARMLESS['swap:ioctl/dma_heap_ioctl:init_dma_heap_file>kzalloc']!,
  'goto:ioctl/alloc_largest_available:-ENOMEM:free_pages':
    "before sg_alloc_table the kzalloc'd sg table is empty: free_pages frees none of its pages, waits for the reads in flight and falls through to free_buffer",
  'goto:ioctl/init_file_work:-ENOMEM:free_pages':
    "before sg_alloc_table the kzalloc'd sg table is empty: free_pages frees none of its pages, waits for the reads in flight and falls through to free_buffer",
  'order:fixed:dma_heap_end_file_read:dma_buf_export':
    'exporting is not publishing: the fd is installed by dma_buf_fd after the wait either way, and a failed read after the export puts the dma-buf',
};

export const asyncRead = defineModel<AsyncWorld, Params>({
  name: 'dma-heap/async-read',
  title: 'DMA_HEAP_ALLOC_AND_READ_FILE with allocate_async_read (seeds 000/003, v2 2/5..5/5)',
  params,
  // what --param and a replayed trace may set: thread counts and sizes that keep the state space in reach
  schema: {
    pages: { integer: true, min: 1, max: 1024 },
    gather: { integer: true, min: 1, max: 1024 },
    workers: { integer: true, min: 1, max: 4 },
    rlimit: { integer: true, min: 1, max: 64 },
    guessers: COUNT,
    closers: COUNT,
    truncaters: COUNT,
    fillers: COUNT,
    wait: { values: ['freezable', 'uninterruptible'] },
    pageMB: { min: 0 },
    allocSecPerMB: { min: 0 },
    vmapSecPerMB: { min: 0 },
    readMBps: { min: 1 },
    requestSec: { min: 0 },
  },
  world: (p): AsyncWorld => {
    const w = emptyWorld(p.rlimit, p.pages);
    const heap = allocFile(w, { name: '/dev/dma_heap/system', f_op: DMA_HEAP_FOPS });
    const file = allocFile(w, {
      name: 'model.bin',
      f_op: EXT4_FILE_OPERATIONS,
      inode: addInode(w, 'model.bin', p.pages),
    });
    fd_install(w, HEAP_FD, heap);
    fd_install(w, FILE_FD, file);
    return { ...w, ...emptyIo(), promised: [], ftasks: [], fworks: [], fctl: emptyWorkList() };
  },
  threads: (p) => [
    p.async ? ioctlAsync(p) : syncIoctl(p),
    ...(p.async
      ? Array.from({ length: p.workers }, (_, i) =>
          heapFworkThread(p, p.workers === 1 ? 'heap_fwork_t' : `heap_fwork_t${i}`),
        )
      : []),
    ...Array.from({ length: p.guessers }, (_, i) => fdGuesser<AsyncWorld>(`guesser${i}`)),
    ...Array.from({ length: p.closers }, (_, i) => fdCloser<AsyncWorld>(`closer${i}`)),
    ...Array.from({ length: p.truncaters }, (_, i) =>
      truncater<AsyncWorld>(`truncater${i}`, 0, Math.max(1, p.pages - 1)),
    ),
    ...Array.from({ length: p.fillers }, (_, i) => fdFiller<AsyncWorld>(`filler${i}`)),
  ],
  properties: () => [
    fdExposesUnreadBuffer,
    halfReadBufferObserved,
    fdInstalledOnError,
    danglingReference,
    noLeak,
    pageFreedUnderIo,
    fileLandsAtOffset,
  ],
  bugs: memorySafetyBugs,
  costParams: { pages: 768, pageMB: 4, gather: 32, guessers: 0, closers: 0 },
  // kmc orderings: the blocks of the ioctl's path that may move, and the data dependencies.
  orderings: {
    param: 'order',
    variant: 'fixed',
    blocks: {
      // dma_buf_fd() reserves and installs in one call ...
      'dma-buf-fd': [
        'init_dma_heap_file',
        'system_heap_allocate',
        'dma_buf_export',
        'dma_heap_end_file_read',
        'dma_buf_fd',
        'deinit_dma_heap_file',
      ],
      // ... or the fd is reserved and installed apart
      'reserve-install': [
        'get_unused_fd_flags',
        'init_dma_heap_file',
        'system_heap_allocate',
        'dma_buf_export',
        'dma_heap_end_file_read',
        'deinit_dma_heap_file',
        'fd_install',
      ],
    },
    constraints: [
      ['init_dma_heap_file', 'system_heap_allocate'], // the size comes from the file, the batches read it
      ['system_heap_allocate', 'dma_buf_export'], // the pages exported are those allocated
      ['system_heap_allocate', 'dma_heap_end_file_read'], // it waits for the batches the allocation submitted, and frees their task
      ['dma_heap_end_file_read', 'deinit_dma_heap_file'], // the batches read through heap_file's reference
      ['dma_buf_export', 'deinit_dma_heap_file'], // the heap's allocate (export included) runs on the heap_file
      ['dma_buf_export', 'dma_buf_fd'], // the fd is of the dma-buf
      ['dma_buf_export', 'fd_install'],
      ['get_unused_fd_flags', 'fd_install'], // the fd installed is the one reserved
    ],
    // kmc orderings --from-patch: the C these blocks stand for, the series as posted in two
    // files (dma-heap.c after 2/5, system_heap.c after 4/5), and the texts the real patches
    // apply to (their index lines name the blobs). heap->ops->allocate_async_read is read as
    // the function system_heap_ops assigns to it.
    source: {
      files: [
        'async-read.c',
        'async-read.system-heap.c',
        'alloc-and-read.c',
        'alloc-and-read.base.c',
        'async-read.system-heap.base.c',
      ].map((f) => new URL(f, import.meta.url).href), // beside this file, however it is loaded
      functions: [
        'dma_heap_ioctl',
        'dma_heap_ioctl_allocate',
        'dma_heap_buffer_alloc_and_read',
        'system_heap_allocate_async_read_file',
        '__system_heap_allocate',
      ],
      calls: {
        init_dma_heap_file: ['init_dma_heap_file'],
        // the allocation loop: the read task it declares, each page it gathers
        system_heap_allocate: ['dma_heap_declare_file_read', 'alloc_largest_available', 'dma_heap_gather_file_page'],
        dma_buf_export: ['dma_buf_export'],
        dma_heap_end_file_read: ['dma_heap_end_file_read'],
        dma_buf_fd: ['dma_buf_fd'],
        get_unused_fd_flags: ['get_unused_fd_flags'],
        fd_install: ['fd_install'],
        deinit_dma_heap_file: ['deinit_dma_heap_file'],
      },
    },
  },
  // kmc mutate: the surviving mutants that change nothing a user or the kernel can tell
  harmless: HARMLESS,
  variants: {
    posted: {
      description:
        'as posted: every read waited for, then dma_buf_fd (with the leak of §9.5 and the unnoticed short read of §9.9)',
      expect: { violates: ['leak', 'file-lands-at-offset'] },
    },
    fixed: { description: 'posted, with the gather leak and the short read fixed', params: FIXED, expect: 'holds' },
    'install-at-submit': {
      description: 'dma_buf_fd once the last batch is submitted, the wait after it',
      params: { ...FIXED, order: INSTALL_AT_SUBMIT },
      expect: { violates: ['fd-exposes-unread-buffer', 'file-lands-at-offset', 'page-freed-under-io'] },
    },
    'free-without-wait': {
      description: 'the error paths free the pages without waiting for the reads in flight',
      params: { ...FIXED, waitOnError: false },
      expect: { violates: 'page-freed-under-io' },
    },
    'no-last-batch': {
      description: 'nr_gathered never lowered: the last partial batch is never submitted',
      params: { ...FIXED, lastBatch: false },
      expect: { violates: ['fd-exposes-unread-buffer', 'file-lands-at-offset'] },
    },
    'posted-signal': {
      description: 'posted, a signal arrives while the ioctl sleeps in wait_event_freezable',
      params: { signals: true },
      expect: { violates: ['fd-exposes-unread-buffer', 'page-freed-under-io', 'use-after-free'] },
    },
    'fixed-signal': {
      description: 'fixed, waiting with wait_event: a signal does not end the wait',
      params: { ...FIXED, signals: true, wait: 'uninterruptible' },
      expect: 'holds',
    },
    sync: {
      description: 'the heap without allocate_async_read: allocate, then read (patch 1)',
      params: { async: false },
      expect: 'holds',
    },
    'fixed-racers': {
      description:
        'fixed, raced by a truncater and an fd-table filler instead of the guesser and closer: a real -EMFILE from dma_buf_fd, a truncate refused while a read denies writes',
      params: { ...FIXED, guessers: 0, closers: 0, truncaters: 1, fillers: 1 },
      expect: 'holds',
    },
  },
});

export default asyncRead;
