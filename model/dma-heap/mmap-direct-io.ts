// mmap of a system-heap dma-buf with vm_insert_page, so that direct I/O can read a file
// into the mapping, and VM_DMABUF_DIO to keep that memory out of the mm's counters.
// Read by the posted variant: the read returns PAGE_SIZE, or -EFAULT when munmap came first.
// Mirrors "[PATCH 1/2] mm: dmabuf_direct_io: Support direct_io for memory allocated by
// dmabuf" and "[PATCH 2/2] mm: dmabuf_direct_io: Fix memory statistics error for dmabuf
// allocated memory with direct_io support" (Lei Liu, 10 Jul 2024; seed 001):
// drivers/dma-buf/heaps/system_heap.c system_heap_mmap, mm/memory.c (insert_page_into_pte_locked,
// copy_present_ptes, zap_present_folio_ptes), mm/rmap.c, fs/proc/task_mmu.c; the kernel side
// is model/kernel/{mm,rmap,fork,gup,bio,direct-io,page,page-pool}.ts.
//
// The mapper, mmap(PROT_READ|PROT_WRITE, MAP_SHARED) of the dma-buf fd (each line one
// atomic step; -E... a fault-injection point):
//   1. mmap_region             fget(fd) -EBADF; vm_area_alloc -ENOMEM; vma->vm_file (the
//                              reference fget took stands for get_file + the syscall's fput)
//   2. dma_buf_mmap_internal   vm_pgoff + pages > size -> -EINVAL
//   system_heap_mmap, the blocks `order` chains:
//   3. vm_flags_set            vm_flags_set(vma, VM_DMABUF_DIO)  (2/2; not upstream, not 1/2)
//   4. for_each_sgtable_page   one page per step: remap_pfn_range (upstream: VM_IO|VM_PFNMAP,
//                              a special pte, nothing counted) or vm_insert_page (1/2:
//                              VM_MIXEDMAP, folio_get, inc_mm_counter [gated],
//                              folio_add_file_rmap_pte [NR_FILE_MAPPED gated]); pte alloc -ENOMEM
//   5. vma_link                the vma goes into the mm; mmap returns its address
//   error: unmap_region        zap what was inserted (its counters undone as zap does them),
//                              tlb_finish_mmu, fput(vm_file); mmap returns -errno
//
// The reader, read(O_DIRECT file fd, addr, readPages pages) into the mapping (once mmap returned):
//   1. iomap_dio_rw            kmalloc(dio) -ENOMEM; bio_iov_iter_get_pages: pin_user_pages_fast
//                              (FOLL_WRITE|FOLL_PIN; on the upstream mapping GUP-fast bails on the
//                              special pte and check_vma_flags says -EFAULT: the read fails, the
//                              failure the series works around); submit_bio; drop the
//                              submitter's dio reference
//   2. wait_for_completion     sleeps until the bio's end_io dropped the last reference
//   3. iomap_dio_complete      read() returns the bytes, or the error
// The disk (model/kernel/bio.ts bioCompletion): queue_rq, dma (-EIO), bio_endio
// (iomap_dio_bio_end_io: wake the reader), bio_release_pages (unpin: the final unpin frees a
// page the heap already let go of) + bio_put.
// The unmapper: munmap(addr): detach the vma and zap its ptes into the mmu_gather
// (rss [gated], folio_remove_rmap_pte [NR_FILE_MAPPED gated]), then tlb_finish_mmu (folio_put)
// and remove_vma (fput).
// With `exit`, instead of those two: the process exits after read() returned (exit_mmap:
// unmap_vmas, tlb_finish_mmu + remove_vma; exit_files).
// The closer: close(dma-buf fd). The last of the fd, the vma and a fork child's vma runs
// system_heap_dma_buf_release: upstream __free_pages (put_page_testzero: a pinned page
// lives on until its unpin), Android (`pagePool`): zero the pages and put them on the
// page pool with no refcount check.
// Optional: an allocator (DMA_HEAP_IOCTL_ALLOC of a page -ENOMEM: the pool first on
// Android; a CPU read of the new buffer; dma_buf_put), a forker (fork, copy_page_range
// -ENOMEM; copy_present_ptes: folio_get, folio_dup_file_rmap_pte, rss [gated]; the child
// exits at once), and an importer (dma_buf_get, dma_buf_attach -ENOMEM,
// dma_buf_map_attachment -ENOMEM, a device job writing page 0 under a fence,
// dma_fence_signal, unmap + detach + put).
//
// Variants (KERNEL-001-002 §1.7's table; all agree with it):
//   upstream-pfnmap       remap_pfn_range. Holds; every read returns -EFAULT.
//   patch1                1/2 alone: the counters balance, but the dma-buf's pages count in
//                         RssFile, NR_FILE_MAPPED and smaps (dmabuf-accounting-unchanged).
//   posted                1/2 + 2/2, upstream's __free_pages. Holds: counters, accounting,
//                         and page-freed-under-io (the pin keeps the page).
//   posted-fork           posted with a forker. Holds.
//   posted-importer       posted with an importer: its device writes page 0 while the direct
//                         I/O read into it is in flight (dio-write-unfenced): Christian's NAK.
//   posted-android-pool   posted with Android's page-pool release: close + munmap while the bio
//                         is in flight puts a pinned page on the pool (page-freed-under-io).
//   posted-android-pool-reuse  the same, with an allocator: it gets the pooled page from
//                         the pool, the read lands in it, and the allocator reads file data
//                         in a buffer it never filled (foreign-data-observed).
//   posted-android-pool-exit  the same with no racing thread: read() returns once
//                         iomap_dio_bio_end_io woke it, before bio_release_pages; the
//                         process exits (exit_mmap, exit_files) and the release pools the
//                         page the bio still pins (page-freed-under-io).
//   flag-after-insert     vm_flags_set after the insert loop (order): the inserts are counted,
//                         the zaps are not (rss-counter-balanced, nr-file-mapped-balanced).
//   ungated-fork          2/2 without its copy_present_ptes hunk, with a forker: the child
//                         counts the pages, its exit does not uncount them (rss-counter-balanced).
//   ungated-remove-rmap   2/2 without its __folio_remove_rmap hunk: NR_FILE_MAPPED goes below
//                         0 (nr-file-mapped-nonnegative, nr-file-mapped-balanced).
//
// Properties: rss-counter-balanced, rss-counter-nonnegative, nr-file-mapped-balanced,
// nr-file-mapped-nonnegative, mapcount-balanced, mapcount-nonnegative,
// dmabuf-accounting-unchanged (properties/mm-counters.ts), page-freed-under-io,
// dio-write-unfenced, dio-read-unfilled, foreign-data-observed (properties/io-safety.ts), leak,
// use-after-free, double-free, unpin-not-pinned.
//
// States at the default parameters (2 pages, a read of 1 page; mapper, reader, disk,
// unmapper, closer; kmc check --strategy bfs, states / transitions with sleep sets /
// without): upstream-pfnmap 114 / 147 / 223, posted 218 / 288 / 465, posted-fork
// 1703 / 3623 / 4711; the bad variants stop at their shortest counterexample.
//
// Orderings (kmc orderings dma-heap/mmap-direct-io, judged as `posted`): vm_flags_set and
// for_each_sgtable_page. The flag after the loop is unsafe (dmabuf-accounting-unchanged,
// 3 steps: the first insert is counted); the rule inferred: vm_flags_set before the loop.
//
// kmc mutate (every holding variant, every operator): 100% (41 of 41 killed; 87.8%, 36 of 41,
// before dio-read-unfilled, the detached-vma and failed-fork leaks and the NULL vma were
// seen); 7 equivalent, 1 declared harmless (HARMLESS), 3 model errors: the reader or the
// unmapper using the address before mmap returned it, a forker exiting a child fork failed
// to make.
//
// Left out: the PMD path (do_set_pmd: every page is order 0; a large folio's batch paths in
// copy_present_ptes and zap are not modelled), the mmap_lock (the vma is private to the
// mapper until vma_link, and the reader and unmapper use the address mmap returned),
// smaps' other fields, track_pfn_remap / track_pfn_copy (PAT), should_dirty, partial reads.

import {
  defineModel,
  DONE,
  ModelError,
  sequence,
  thread,
  violation,
  type Block,
  type Thread,
} from '../../src/index.ts';
import { bioCompletion, emptyBios } from '../kernel/bio.ts';
import { dma_buf_put, assertDmaBufLive } from '../kernel/dma-buf.ts';
import { device_job_start, dma_fence_signal } from '../kernel/dma-fence.ts';
import {
  dio_done,
  iomap_dio_alloc,
  iomap_dio_complete,
  iomap_dio_drop_ref,
  iomap_dio_submit_bio,
} from '../kernel/direct-io.ts';
import { EBADF, EINVAL, ENOMEM } from '../kernel/errno.ts';
import { close_fd, fd_install } from '../kernel/fdtable.ts';
import { fget, fput } from '../kernel/file.ts';
import { PAGE_SIZE } from '../kernel/folio.ts';
import { copy_process, do_exit, exit_files, exit_mmap_finish, exit_mmap_unmap_vmas } from '../kernel/fork.ts';
import { EXT4_FILE_OPERATIONS } from '../kernel/fs.ts';
import {
  munmap_detach_and_zap,
  remap_pfn_range,
  remove_vma,
  tlb_finish_mmu,
  unmap_region,
  vm_area_alloc,
  vm_insert_page,
  vma_link,
} from '../kernel/mm.ts';
import { alloc_page, emptyPageCounts } from '../kernel/page.ts';
import { dmabuf_page_pool_alloc, emptyPagePools, type PagePoolWorld } from '../kernel/page-pool.ts';
import { DMABUF_DIO_MM, emptyNodeStat, UPSTREAM_MM, type DmabufDioHunks } from '../kernel/rmap.ts';
import { heapBufferOf, system_heap_dma_buf_export } from '../kernel/system-heap.ts';
import {
  addInode,
  allocFile,
  emptyWorld,
  VM_DMABUF_DIO,
  VM_READ,
  VM_SHARED,
  VM_WRITE,
  type Vma,
} from '../kernel/world.ts';
import type { RmapWorld } from '../kernel/rmap.ts';
import type { DioWorld } from '../kernel/direct-io.ts';
import type { FenceWorld } from '../kernel/dma-fence.ts';
import type { DmabufPagePool } from '../kernel/page-pool.ts';
import {
  dmabufAccountingUnchanged,
  mapcountBalanced,
  mapcountNonnegative,
  nrFileMappedBalanced,
  nrFileMappedNonnegative,
  rssCounterBalanced,
  rssCounterNonnegative,
} from '../../properties/mm-counters.ts';
import {
  dioReadUnfilled,
  dioWriteUnfenced,
  foreignDataObserved,
  pageFreedUnderBio,
} from '../../properties/io-safety.ts';
import { danglingReference, memorySafetyBugs } from '../../properties/memory-safety.ts';
import { folioPinBugs } from '../../properties/folio-pins.ts';
import { noLeak } from '../../properties/leak.ts';

export interface MmapDioWorld extends RmapWorld, DioWorld, FenceWorld {
  /** an Android kernel's heap page pools (page-pool.ts); absent upstream */
  page_pools?: DmabufPagePool[];
}

/** The process's fds at the start: the O_DIRECT file and the dma-buf (already allocated from the heap). */
export const FILE_FD = 0;
export const DMABUF_FD = 1;

/** The orders of system_heap_mmap's blocks. */
export const POSTED_ORDER = 'vm_flags_set,for_each_sgtable_page';
export const FLAG_AFTER_INSERT = 'for_each_sgtable_page,vm_flags_set';
export const NO_FLAG = 'for_each_sgtable_page';

/** The kernel's mm, by patch 2/2 hunk: all of them, none (upstream, 1/2), or all but one. */
const MM_HUNKS: Record<string, DmabufDioHunks> = {
  'patch-2/2': DMABUF_DIO_MM,
  upstream: UPSTREAM_MM,
  'no-copy_present_ptes': { ...DMABUF_DIO_MM, copy_present_ptes: false },
  'no-__folio_remove_rmap': { ...DMABUF_DIO_MM, __folio_remove_rmap: false },
};

export const params = {
  /** pages of the dma-buf, all mapped */
  pages: 2,
  /** pages the direct-I/O read reads into the mapping, from its start */
  readPages: 1,
  /** how system_heap_mmap maps each page */
  mmap: 'vm_insert_page',
  /** system_heap_mmap's blocks, in order */
  order: POSTED_ORDER,
  /** which of patch 2/2's mm hunks the kernel carries (MM_HUNKS) */
  mm: 'patch-2/2',
  /** Android's system heap: release to the page pool */
  pagePool: false,
  forkers: 0,
  importers: 0,
  allocators: 0,
  /** the process exits after its read instead of munmap and close racing it */
  exit: false,
};
export type Params = typeof params;

const ONE = { integer: true, min: 0, max: 1 } as const;
const RW_SHARED = VM_READ | VM_WRITE | VM_SHARED;

/** mmap() has returned to the mapper: its address, or -errno; undefined before. */
const mmapReturned = (w: MmapDioWorld): number | undefined => w.returned.find((r) => r.call === 'mmap')?.ret;

/** The address (or -errno) a thread got from mmap(): one that runs before mmap returned has none, a bug in the model. */
function mmapAddress(w: MmapDioWorld, thread: string): number {
  const addr = mmapReturned(w);
  if (addr === undefined)
    throw new ModelError(`${thread} uses the address mmap() returns, but mmap() has not returned`);
  return addr;
}

interface MapperLocals {
  ret: number;
  file: number;
  /** the vma system_heap_mmap fills, not yet in the mm */
  vma: Vma | null;
  /** the next page of for_each_sgtable_page */
  page: number;
}

type K = Block<MmapDioWorld, MapperLocals>;

function mmapBlocks(p: Params): Record<string, K> {
  const insert = p.mmap === 'remap_pfn_range' ? 'remap_pfn_range' : 'vm_insert_page';
  return {
    vm_flags_set: (next) => ({
      vm_flags_set: {
        run: (k) => {
          k.local.vma!.vm_flags |= VM_DMABUF_DIO;
          return next;
        },
      },
    }),
    for_each_sgtable_page: (next) => ({
      [insert]: {
        fails: ['-ENOMEM'],
        run: (k, c) => {
          const l = k.local;
          const v = l.vma!;
          const page = heapBufferOf(k.world, k.world.files[l.file]!.private_data).pages[v.vm_pgoff + l.page]!;
          const ret =
            insert === 'remap_pfn_range'
              ? remap_pfn_range(k.world, v, l.page, page, c === 'ok')
              : vm_insert_page(k.world, 0, v, l.page, page, c === 'ok');
          if (ret < 0) {
            l.ret = ret;
            return 'unmap_region';
          }
          l.page += 1;
          return l.page < v.pages ? insert : next;
        },
        show: (k, c) => `${insert}(page ${c === 'ok' ? k.local.page - 1 : k.local.page})${c === 'ok' ? '' : ` = ${c}`}`,
      },
    }),
  };
}

function mapper(p: Params): Thread<MmapDioWorld> {
  const order = p.order.split(',');
  return thread<MmapDioWorld, MapperLocals>({
    name: 'mapper',
    locals: { ret: 0, file: -1, vma: null, page: 0 },
    steps: {
      mmap_region: {
        fails: ['-ENOMEM'],
        run: (k, c) => {
          const file = fget(k.world, DMABUF_FD);
          if (file < 0) return mmapReturn(k, -EBADF);
          if (c !== 'ok') {
            fput(k.world, file);
            return mmapReturn(k, -ENOMEM);
          }
          k.local.file = file;
          k.local.vma = vm_area_alloc(file, { pages: p.pages, vm_flags: RW_SHARED, owner: 'mapper' });
          return 'dma_buf_mmap_internal';
        },
      },
      dma_buf_mmap_internal: {
        run: (k) => {
          const dmabuf = k.world.files[k.local.file]!.private_data;
          assertDmaBufLive(k.world, dmabuf, 'dma_buf_mmap_internal');
          if (k.local.vma!.vm_pgoff + k.local.vma!.pages > k.world.dmabufs[dmabuf]!.size) {
            k.local.ret = -EINVAL;
            return 'unmap_region';
          }
          return order[0] === 'vm_flags_set' ? 'vm_flags_set' : p.mmap;
        },
      },
      ...sequence(order, mmapBlocks(p), 'vma_link'),
      vma_link: {
        run: (k) => {
          const vma = vma_link(k.world, 0, k.local.vma!);
          k.local.vma = null;
          return mmapReturn(k, k.world.processes[0]!.mm.vmas[vma]!.vm_start);
        },
        show: (k) => `vma_link = ${mmapReturned(k.world)}`,
      },
      unmap_region: {
        run: (k) => {
          if (!k.local.vma)
            violation('null-pointer-dereference', 'unmap_region of the vma, but vm_area_alloc returned NULL');
          unmap_region(k.world, 0, k.local.vma);
          fput(k.world, k.local.file);
          k.local.vma = null;
          return mmapReturn(k, k.local.ret);
        },
      },
    },
  });
}

function mmapReturn(k: { world: MmapDioWorld; local: MapperLocals }, ret: number): string {
  k.local.ret = ret;
  k.world.returned.push({ thread: 'mapper', call: 'mmap', ret, files: [] });
  return DONE;
}

function reader(p: Params): Thread<MmapDioWorld> {
  return thread<MmapDioWorld, { dio: number; ret: number }>({
    name: 'reader',
    locals: { dio: -1, ret: 0 },
    steps: {
      iomap_dio_rw: {
        enabled: (w) => mmapReturned(w) !== undefined,
        fails: ['-ENOMEM'],
        run: (k, c) => {
          const w = k.world;
          const addr = mmapAddress(w, 'the reader');
          if (addr < 0) return DONE; // mmap failed: nothing to read into
          if (c !== 'ok') return readReturn(k, -ENOMEM); // kmalloc(dio)
          const file = fget(w, FILE_FD); // fdget
          const dio = iomap_dio_alloc(w, 'reader');
          k.local.dio = dio;
          iomap_dio_submit_bio(
            w,
            dio,
            { type: 'ITER_UBUF', data_source: 'ITER_DEST', pid: 0, addr, count: p.readPages * PAGE_SIZE },
            w.files[file]!.inode,
            0,
          );
          fput(w, file); // fdput: the bio does not need the file
          return iomap_dio_drop_ref(w, dio) === 'complete' ? 'iomap_dio_complete' : 'wait_for_completion';
        },
      },
      wait_for_completion: { enabled: (w, l) => dio_done(w, l.dio), run: () => 'iomap_dio_complete' },
      iomap_dio_complete: {
        run: (k) => readReturn(k, iomap_dio_complete(k.world, k.local.dio)),
        show: (k) => `iomap_dio_complete = ${k.local.ret}`,
      },
    },
  });
}

function readReturn(k: { world: MmapDioWorld; local: { ret: number } }, ret: number): string {
  k.local.ret = ret;
  k.world.returned.push({ thread: 'reader', call: 'read', ret, files: [] });
  return DONE;
}

/** The disk may stop once the reader returned or will never read (mmap failed). */
const noMoreBios = (w: MmapDioWorld) =>
  w.returned.some((r) => r.thread === 'reader' || (r.call === 'mmap' && r.ret < 0));

function unmapper(): Thread<MmapDioWorld> {
  return thread<MmapDioWorld, { gathered: number[] }>({
    name: 'unmapper',
    locals: { gathered: [] },
    steps: {
      munmap: {
        enabled: (w) => mmapReturned(w) !== undefined,
        run: (k) => {
          if (mmapAddress(k.world, 'the unmapper') < 0) return DONE;
          k.local.gathered = munmap_detach_and_zap(k.world, 0, 0);
          return 'tlb_finish_mmu';
        },
      },
      tlb_finish_mmu: {
        run: (k) => {
          tlb_finish_mmu(k.world, k.local.gathered);
          k.local.gathered = [];
          remove_vma(k.world, 0, 0);
          return DONE;
        },
      },
    },
  });
}

/**
 * The process exits once its threads have (the reader returned from read(), or never read):
 * do_exit -> exit_mm: the last mmput runs exit_mmap (unmap_vmas into the mmu_gather, then
 * tlb_finish_mmu and remove_vma), then exit_files closes the dma-buf fd.
 */
function exiter(): Thread<MmapDioWorld> {
  return thread<MmapDioWorld, { gathered: number[] }>({
    name: 'exit',
    locals: { gathered: [] },
    steps: {
      exit_mmap: {
        enabled: (w) => noMoreBios(w),
        run: (k) => {
          k.local.gathered = exit_mmap_unmap_vmas(k.world, 0);
          return 'tlb_finish_mmu';
        },
      },
      tlb_finish_mmu: {
        run: (k) => {
          exit_mmap_finish(k.world, 0, k.local.gathered);
          k.local.gathered = [];
          return 'exit_files';
        },
      },
      exit_files: { run: (k) => (exit_files(k.world, 0), DONE) },
    },
  });
}

function closer(): Thread<MmapDioWorld> {
  return thread<MmapDioWorld, {}>({
    name: 'closer',
    locals: {},
    steps: { close: { run: (k) => (close_fd(k.world, DMABUF_FD), DONE) } },
  });
}

function forker(): Thread<MmapDioWorld> {
  return thread<MmapDioWorld, { child: number }>({
    name: 'forker',
    locals: { child: -1 },
    steps: {
      fork: {
        fails: ['-ENOMEM'],
        run: (k, c) => {
          k.local.child = copy_process(k.world, 0, c !== 'ok');
          return k.local.child < 0 ? DONE : 'exit';
        },
      },
      exit: { run: (k) => (do_exit(k.world, k.local.child), DONE) },
    },
  });
}

function importer(): Thread<MmapDioWorld> {
  return thread<MmapDioWorld, { file: number; job: number }>({
    name: 'importer',
    locals: { file: -1, job: -1 },
    steps: {
      dma_buf_get: {
        run: (k) => {
          k.local.file = fget(k.world, DMABUF_FD);
          return k.local.file < 0 ? DONE : 'dma_buf_attach';
        },
      },
      dma_buf_attach: { fails: ['-ENOMEM'], run: (_k, c) => (c === 'ok' ? 'dma_buf_map_attachment' : 'dma_buf_put') },
      dma_buf_map_attachment: { fails: ['-ENOMEM'], run: (_k, c) => (c === 'ok' ? 'device_write' : 'dma_buf_put') },
      device_write: {
        run: (k) => {
          const dmabuf = k.world.files[k.local.file]!.private_data;
          k.local.job = device_job_start(k.world, 'importer', dmabuf, [heapBufferOf(k.world, dmabuf).pages[0]!]);
          return 'dma_fence_signal';
        },
      },
      dma_fence_signal: { run: (k) => (dma_fence_signal(k.world, k.local.job), 'dma_buf_put') },
      dma_buf_put: {
        run: (k) => {
          dma_buf_put(k.world, k.world.files[k.local.file]!.private_data); // after unmap + detach
          return DONE;
        },
      },
    },
  });
}

/**
 * An allocator: DMA_HEAP_IOCTL_ALLOC of one page (alloc_largest_available: the page pool
 * first on Android, else alloc_pages, which zeroes), a CPU read of the buffer, dma_buf_put.
 */
function allocator(): Thread<MmapDioWorld> {
  return thread<MmapDioWorld, { dmabuf: number }>({
    name: 'allocator',
    locals: { dmabuf: -1 },
    steps: {
      alloc_largest_available: {
        fails: ['-ENOMEM'],
        run: (k, c) => {
          const w = k.world;
          if (c !== 'ok') return DONE;
          const pooled = w.page_pools ? dmabuf_page_pool_alloc(w as MmapDioWorld & PagePoolWorld, 0) : -1;
          const page = pooled >= 0 ? pooled : alloc_page(w);
          if (page < 0) return DONE; // -ENOMEM
          k.local.dmabuf = system_heap_dma_buf_export(w, [page], -1);
          return 'read_buffer';
        },
      },
      read_buffer: {
        run: (k) => {
          const w = k.world;
          const pages = heapBufferOf(w, k.local.dmabuf).pages;
          w.observed.push({
            thread: 'allocator',
            fd: -1,
            dmabuf: k.local.dmabuf,
            filled: pages.filter((p) => w.pages[p]!.data !== null).length,
            expected: 0,
          });
          return 'dma_buf_put';
        },
      },
      dma_buf_put: { run: (k) => (dma_buf_put(k.world, k.local.dmabuf), DONE) },
    },
  });
}

/** Mutants of this path that survive `kmc mutate` and are harmless, with why. */
const HARMLESS: Record<string, string> = {
  'swap:mapper/dma_buf_mmap_internal:vm_flags_set>vm_insert_page':
    "dma_buf_mmap_internal reads vm_pgoff and the dma-buf's size, not vm_flags, and a vma it refuses has no pte yet: VM_DMABUF_DIO set before the check changes nothing unmap_region zaps, and the flag is still set before the first vm_insert_page",
};

export const mmapDirectIo = defineModel<MmapDioWorld, Params>({
  name: 'dma-heap/mmap-direct-io',
  title: 'system_heap_mmap with vm_insert_page and VM_DMABUF_DIO, raced by direct I/O, munmap, close, fork (seed 001)',
  params,
  schema: {
    pages: { integer: true, min: 1, max: 4 },
    readPages: { integer: true, min: 1, max: 4 },
    mmap: { values: ['remap_pfn_range', 'vm_insert_page'] },
    mm: { values: Object.keys(MM_HUNKS) },
    forkers: ONE,
    importers: ONE,
    allocators: ONE,
  },
  world: (p) => {
    const base = emptyWorld(2, p.pages);
    const w: MmapDioWorld = {
      ...base,
      page_counts: emptyPageCounts(p.pages),
      node_stat: emptyNodeStat(),
      dmabuf_dio: MM_HUNKS[p.mm]!,
      ...emptyBios(),
      dios: [],
      device_jobs: [],
      ...(p.pagePool ? { page_pools: emptyPagePools() } : {}),
    };
    const file = allocFile(w, {
      name: 'model.bin',
      f_op: EXT4_FILE_OPERATIONS,
      inode: addInode(w, 'model.bin', p.pages),
    });
    fd_install(w, FILE_FD, file);
    const pages = Array.from({ length: p.pages }, () => alloc_page(w));
    const dmabuf = system_heap_dma_buf_export(w, pages, -1);
    fd_install(w, DMABUF_FD, w.dmabufs[dmabuf]!.file);
    return w;
  },
  threads: (p) => [
    mapper(p),
    reader(p),
    bioCompletion<MmapDioWorld>('disk', { idle: noMoreBios, fails: true }),
    ...(p.exit ? [exiter()] : [unmapper(), closer()]),
    ...(p.forkers > 0 ? [forker()] : []),
    ...(p.importers > 0 ? [importer()] : []),
    ...(p.allocators > 0 ? [allocator()] : []),
  ],
  properties: () => [
    rssCounterBalanced,
    rssCounterNonnegative,
    nrFileMappedBalanced,
    nrFileMappedNonnegative,
    mapcountBalanced,
    mapcountNonnegative,
    dmabufAccountingUnchanged,
    pageFreedUnderBio,
    dioWriteUnfenced,
    dioReadUnfilled,
    foreignDataObserved,
    danglingReference,
    noLeak,
  ],
  bugs: { ...memorySafetyBugs, ...folioPinBugs },
  harmless: HARMLESS,
  orderings: {
    param: 'order',
    blocks: { system_heap_mmap: ['vm_flags_set', 'for_each_sgtable_page'] },
    constraints: [],
    variant: 'posted',
  },
  variants: {
    'upstream-pfnmap': {
      description: 'upstream: remap_pfn_range; the direct-I/O read fails with -EFAULT',
      params: { mmap: 'remap_pfn_range', order: NO_FLAG, mm: 'upstream' },
      expect: 'holds',
    },
    patch1: {
      description: '1/2 alone: vm_insert_page, no VM_DMABUF_DIO',
      params: { order: NO_FLAG, mm: 'upstream' },
      expect: { violates: 'dmabuf-accounting-unchanged' },
    },
    posted: { description: '1/2 + 2/2, upstream __free_pages release', expect: 'holds' },
    'posted-fork': { description: 'posted, with a forker', params: { forkers: 1 }, expect: 'holds' },
    'posted-importer': {
      description: 'posted, with an importer doing device DMA through an attachment',
      params: { importers: 1 },
      expect: { violates: 'dio-write-unfenced' },
    },
    'posted-android-pool': {
      description: "posted, with Android's page-pool release",
      params: { pagePool: true },
      expect: { violates: 'page-freed-under-io' },
    },
    'posted-android-pool-reuse': {
      description: 'posted-android-pool, with an allocator taking the pooled page while the read is in flight',
      params: { pagePool: true, allocators: 1 },
      expect: { violates: ['page-freed-under-io', 'foreign-data-observed'] },
    },
    'posted-android-pool-exit': {
      description:
        'posted-android-pool, the process exiting once read() returned: the wake comes before bio_release_pages',
      params: { pagePool: true, exit: true },
      expect: { violates: 'page-freed-under-io' },
    },
    'flag-after-insert': {
      description: 'vm_flags_set(VM_DMABUF_DIO) after the insert loop',
      params: { order: FLAG_AFTER_INSERT },
      expect: { violates: ['rss-counter-balanced', 'nr-file-mapped-balanced'] },
    },
    'ungated-fork': {
      description: '2/2 without its copy_present_ptes hunk, with a forker',
      params: { mm: 'no-copy_present_ptes', forkers: 1 },
      expect: { violates: 'rss-counter-balanced' },
    },
    'ungated-remove-rmap': {
      description: '2/2 without its __folio_remove_rmap hunk',
      params: { mm: 'no-__folio_remove_rmap' },
      expect: { violates: ['nr-file-mapped-nonnegative', 'nr-file-mapped-balanced'] },
    },
  },
});

export default mmapDirectIo;
