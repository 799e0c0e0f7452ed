// copy_file_range(in = a disk file opened O_DIRECT, out = a dma-buf fd): the direct read of a
// file into a dma-buf that wangtao's series adds (seed 002: "[PATCH v3 0/4] Optimizing disk
// file & dmabuf copies via copy_file_range", 30 May 2025; v1/v2 "DMA_BUF_IOCTL_RW_FILE",
// 13/16 May; v4, 3 Jun). Mirrors fs/read_write.c (SYSCALL copy_file_range,
// vfs_copy_file_range, generic_copy_file_checks, the series' memory-file branch),
// drivers/dma-buf/dma-buf.c (dma_buf_copy_file_range, dma_buf_rw_file, v1/v2's
// dma_buf_ioctl), the exporters' rw_file (heaps/system_heap.c, udmabuf.c:
// model/kernel/system-heap.ts, udmabuf.ts) and the direct read under it
// (fs/iomap/direct-io.c, block/bio.c: model/kernel/direct-io.ts, bio.ts). Code and replies:
// ../shared/KERNEL-001-002.md Part 2.
//
// The copier (each line one atomic step; -E... a fault-injection point):
//   copy_file_range (upstream, v3, v4):
//   1. copy_file_range           fdget(fd_in), fdget(fd_out)                           -EBADF
//   2. generic_copy_file_checks  upstream: generic_file_rw_checks: !S_ISREG(out) -> -EINVAL
//                                (a dma-buf's anon inode has no type: the copy stops here);
//                                v3/v4, out has FOP_MEMORY_FILE: only FMODE_READ/FMODE_WRITE/
//                                O_APPEND (-EBADF), no -EXDEV; count shortened to EOF
//                                (i_size_read(in)); rw_verify_area; file_start_write(out)
//   3. dma_buf_copy_file_range   out is a dma-buf: dma_buf_rw_file: no ->rw_file -EINVAL;
//                                count clamped to size - pos_out (0: return 0)
//   or DMA_BUF_IOCTL_RW_FILE (v1, v2):
//   1. dma_buf_ioctl             fdget(the dma-buf fd)
//   2. copy_from_user            struct dma_buf_rw_file                                -EFAULT
//                                no ->rw_file -EINVAL; READ|DIRECT, page-aligned, in range
//   3. fget                      back->fd, the file to read                            -EBADF
//   the exporter's rw_file (ops->rw_file, and its lock_of):
//   4. mutex_lock                buffer->lock (system heap; udmabuf takes none)   sleeps while held
//   5. check_exclusive           v2..v4 system heap: attachments or vmap_cnt -> -EBUSY -> 9
//                                (exclusive-incl-mmap: user mappings too); v1, udmabuf: none
//   6. kvcalloc                  the bvec array, built from the sg table (system heap, v3 or
//                                v4 arithmetic) or from pinned_folios[] + folio_size (udmabuf
//                                as posted; fixed: the per-page pages[])               -ENOMEM -> 9
//   7. read_iter                 vfs_iocb_iter_read -> iomap_dio_rw: kmalloc(dio)      -ENOMEM -> 8
//                                ITER_BVEC: bio_iov_bvec_set (no pin, no reference), submit_bio
//                                sync kiocb: sleep until the bio completes; async (known-bad):
//                                -EIOCBQUEUED at once
//   7a. wait_for_completion      (sync) until iomap_dio_bio_end_io drops the last dio ref
//   8. kvfree                    the bvec array
//   9. mutex_unlock              buffer->lock
//  10. fdput                     the copy returns: bytes or -errno; fput(in), fput(out)
//  11. copy_to_user              (bytes > 0) the new *off_out, after the copy      -EFAULT
//  12. close                     udmabuf: userspace closes the dma-buf fd; the last reference
//                                runs release_udmabuf, which unpins every folio it pinned
//
// The device's completion thread (bio.ts bioCompletion): queue_rq, dma (-EIO: nothing
// written), bio_endio (iomap_dio_bio_end_io wakes the copier), bio_release_pages + bio_put.
//
// Racers, by parameter (model/dma-buf/): an importer (its own reference to the dma-buf and
// an attachment: attach, map, a device job writing buffer page 0 through it, unmap, detach),
// a vmapper (vmap, a CPU write, vunmap), a CPU mapper (mmap of the dma-buf, a store to page
// 0, optionally inside DMA_BUF_IOCTL_SYNC START/END), a memfd storer (udmabuf: a store
// through a mapping of the memfd behind it).
// The tmpfs variants replace all of this by copiers between tmpfs files and, optionally, a
// reader of one (shmem-copy.ts).
//
// Default parameters: a system-heap buffer of 2 pages (one sg entry each, offset 0) and a
// file of as many pages; udmabuf: create.ts's defaults (a memfd of 4 pages in folios of 2, 1
// and 1; items 4096+8192 and 8192+8192: one starts inside the 2-page folio, folio 1 is
// pinned twice), the buffer 4 pages, the file 4. One racer at a time unless a variant says.
//
// States at the default parameters (bfs with its reductions, exhaustive): exclusive-incl-mmap
// 6,329 (importer, vmapper and CPU mapper racing), v3-system-heap-kernel-users 1,139, upstream
// 180, fixed-udmabuf-alone 52, tmpfs-cfr-unlocked 16; a violated variant's shortest trace is
// found within 200.
//
// Variants and what kmc finds (bfs; README "copy_file_range into a dma-buf (seed 002)"):
//   upstream                 holds: the copy returns -EINVAL (!S_ISREG)
//   v1-ioctl                 device-access-during-copy: no check, the importer's device
//                            writes page 0 under the copy's read
//   v2-ioctl, v3/v4-system-heap   cpu-access-during-copy: the check excludes attachments
//                            and vmaps, not a user mapping (system_heap_mmap takes no lock)
//   v3-system-heap-kernel-users   holds: v3 with the importer and the vmapper only
//   v3-udmabuf, v4-udmabuf   file-lands-at-offset, write-outside-buffer (the pinned_folios
//                            walk puts file page 0 in memfd page 0, outside both items, and
//                            never writes folio 2), device-access-during-copy
//   fixed-udmabuf-offsets    pages[]: the bytes land right; device- and cpu-access remain
//   fixed-udmabuf-alone      pages[], no racer: holds
//   exclusive-incl-mmap      -EBUSY while mappings exist, mmap under buffer->lock: holds
//                            with the importer, the vmapper and the CPU mapper racing
//   async-kiocb              bvec-freed-under-io: the array is kvfree'd at -EIOCBQUEUED
//   ebusy-keeps-lock         (a mutant) buffer-lock-released
//   tmpfs-cfr, tmpfs-cfr-same-folio   deadlock, printed as its lock cycle
//   tmpfs-cfr-unlocked       holds: a reference, the lock dropped before the source read
//
// Properties (properties/copy-io.ts): device-access-during-copy and cpu-access-during-copy
// (raised at the access), file-lands-at-offset (judged once the copy has returned bytes,
// on the exporter's page map: the heap's pages, the udmabuf's per-page pages[]),
// write-outside-buffer, bvec-freed-under-io, buffer-lock-released, deadlock; use-after-free
// and double-free as raised by the kernel helpers.
//
// Left out: v3's batches of 1024 bvecs and its fatal_signal_pending (one batch here), the
// write direction (dma-buf -> file), short reads at EOF (the file is as long as the copy),
// an importer whose fence is still unsignaled after it detached (KERNEL-001-002 §2.4 (c)),
// dma_resv and fences altogether, FMODE_CAN_ODIRECT (v4 sets it at export: always true),
// the splice fallback, the v4 memory_copy_file_ops() helper (same checks here), and the
// inode-lock variant of the tmpfs deadlock.

import { defineModel, DONE, thread, type Step, type Thread } from '../../src/index.ts';
import { bioCompletion, bvec_array_alloc, bvec_array_free, emptyBios } from '../kernel/bio.ts';
import {
  dio_done,
  iomap_dio_alloc,
  iomap_dio_complete,
  iomap_dio_drop_ref,
  iomap_dio_submit_bio,
  register_ki_complete,
  type DioWorld,
} from '../kernel/direct-io.ts';
import { is_dma_buf_file, type AttachWorld } from '../kernel/dma-buf.ts';
import { dma_buf_ops, type RwFileRevision, type RwFileWorld } from '../kernel/dma-buf-ops.ts';
import { EBADF, EINVAL, ENOMEM, errname } from '../kernel/errno.ts';
import { fail } from '../kernel/fd-blocks.ts';
import { close_fd, fd_install } from '../kernel/fdtable.ts';
import { fget, fput, get_file } from '../kernel/file.ts';
import { PAGE_SIZE } from '../kernel/folio.ts';
import { EXT4_FILE_OPERATIONS } from '../kernel/fs.ts';
import { i_size_read } from '../kernel/inode.ts';
import { mutexWait } from '../kernel/lock-wait.ts';
import { F_SEAL_SHRINK, memfd_create, memfd_pin_folios } from '../kernel/memfd.ts';
import { mutex_lock, mutex_unlock } from '../kernel/mutex.ts';
import { alloc_page } from '../kernel/page.ts';
import { system_heap_dma_buf_export } from '../kernel/system-heap.ts';
import { export_udmabuf, holderOf, kzalloc_udmabuf, UDMABUF_DESIGNS, type UdmabufWorld } from '../kernel/udmabuf.ts';
import { addInode, allocFile, emptyWorld } from '../kernel/world.ts';
import { itemPages, parseItems } from '../udmabuf/create.ts';
import { cpuMapper } from './cpu-mapper.ts';
import { importer } from './importer.ts';
import { memfdStorer } from './memfd-storer.ts';
import { shmemCopier, shmemReader } from './shmem-copy.ts';
import { vmapper } from './vmapper.ts';
import {
  bufferLockReleased,
  bvecFreedUnderIo,
  copyExclusionBugs,
  fileLandsAtOffsetOfCopy,
  writeOutsideBuffer,
  type CopyRecord,
} from '../../properties/copy-io.ts';
import { danglingReference, memorySafetyBugs } from '../../properties/memory-safety.ts';
import { noLeak } from '../../properties/leak.ts';
import { folioPinBugs, folioPinnedAfterClose, pinLeak } from '../../properties/folio-pins.ts';
import { udmabufLeak } from '../../properties/udmabuf-ownership.ts';

/** The process's fds: the disk file (O_DIRECT), the dma-buf, the memfd behind a udmabuf. */
export const FILE_FD = 0;
export const DMABUF_FD = 1;
export const MEMFD_FD = 2;

/** include/linux/errno.h: an async kiocb's read is queued */
export const EIOCBQUEUED = 529;

/** What each kernel of the series does on the copier's path. */
const SERIES = {
  /** mainline: no FOP_MEMORY_FILE, a dma-buf is not a regular file */
  upstream: { entry: 'copy_file_range', memoryFile: false, exclusive: false, sgWalk: 'v4' },
  /** DMA_BUF_IOCTL_RW_FILE, no check */
  v1: { entry: 'ioctl', memoryFile: false, exclusive: false, sgWalk: 'v3' },
  /** the ioctl, -EBUSY while attachments or vmaps exist */
  v2: { entry: 'ioctl', memoryFile: false, exclusive: true, sgWalk: 'v3' },
  /** copy_file_range with FOP_MEMORY_FILE; the v2 check; batches of bvecs */
  v3: { entry: 'copy_file_range', memoryFile: true, exclusive: true, sgWalk: 'v3' },
  /** as v3, one bvec array and one read_iter, sg->offset counted into the range */
  v4: { entry: 'copy_file_range', memoryFile: true, exclusive: true, sgWalk: 'v4' },
} as const;

export type Series = keyof typeof SERIES;

export const params = {
  /** the kernel: 'upstream' | 'v1' | 'v2' | 'v3' | 'v4' */
  series: 'v3',
  /** what the copy writes into: 'system-heap' | 'udmabuf' (a dma-buf) or 'tmpfs' (two memfds, the variant left out of the series) */
  exporter: 'system-heap',
  /** udmabuf's bvec: 'pinned_folios' (as posted) or 'pages' (the per-page map) */
  udmabufMap: 'pinned_folios',
  /** the alternative design: rw_file also refuses while user mappings exist; mmap takes buffer->lock */
  excludeMmap: false,
  /** known-bad: the read goes on an async kiocb and rw_file frees the bvec array at -EIOCBQUEUED */
  asyncKiocb: false,
  /** a mutant: the -EBUSY path returns without mutex_unlock */
  ebusyKeepsLock: false,
  /** pages of the system-heap buffer */
  heapPages: 2,
  /** pages of the file (0: as many as the buffer has); the copy asks for the whole buffer */
  filePages: 0,
  /** udmabuf: the memfd's folios and the items, as in udmabuf/create */
  folios: '2,1,1',
  items: '4096+8192,8192+8192',
  importers: 0,
  vmappers: 0,
  cpuMappers: 0,
  /** the CPU mapper brackets its store with DMA_BUF_IOCTL_SYNC START/END */
  sync: false,
  memfdStorers: 0,
  /** tmpfs: 'abba' (two copiers in opposite directions) or 'same-folio' (one copy inside a 2-page folio) */
  tmpfs: 'abba',
  /** tmpfs: take a folio reference and unlock the destination before the source read */
  tmpfsUnlock: false,
  /** tmpfs: tasks reading page 0 of the first file meanwhile (read(2)) */
  tmpfsReaders: 0,
  /** RLIMIT_NOFILE */
  rlimit: 4,
};

export type Params = typeof params;

const COUNT = { integer: true, min: 0, max: 2 } as const;

export interface CopyFileRangeWorld extends UdmabufWorld, DioWorld, RwFileWorld, AttachWorld {
  copies: CopyRecord[];
}

interface Locals {
  ret: number;
  in: number;
  out: number;
  dmabuf: number;
  /** bytes to copy */
  count: number;
  locked: boolean;
  bvec: number;
  dio: number;
  /** index of this copy in world.copies */
  copy: number;
}

type W = CopyFileRangeWorld;
type S = Step<W, Locals>;

/** The async kiocb's completion (aio / io_uring would get the result): nothing the model looks at. */
const RW_FILE_KI_COMPLETE = register_ki_complete<W>('rw_file_ki_complete', () => undefined);

export function copier(p: Params, name = 'copier'): Thread<W> {
  const s = SERIES[p.series as Series];
  const rwLock = (w: W, l: Locals) =>
    l.dmabuf < 0 ? undefined : dma_buf_ops(w, l.dmabuf).lock_of?.(w, l.dmabuf, 'rw_file');
  /** the first step of rw_file: the lock if the exporter has one, else the array */
  const rwFile = (w: W, l: Locals) => (rwLock(w, l) ? 'mutex_lock' : 'kvcalloc');
  /** where rw_file goes once the array is gone, or on an error before it */
  const unlock = (l: Locals) => (l.locked ? 'mutex_unlock' : 'fdput');
  /** after the call: a udmabuf's owner closes it (release_udmabuf unpins what UDMABUF_CREATE_LIST pinned) */
  const done = p.exporter === 'udmabuf' ? 'close' : DONE;
  const startCopy = (k: { world: W; local: Locals }) => {
    k.world.copies.push({ by: name, dmabuf: k.local.dmabuf, pos_in: 0, pos_out: 0, ret: null });
    k.local.copy = k.world.copies.length - 1;
  };

  const copyFileRange: Record<string, S> = {
    copy_file_range: {
      run: (k) => {
        k.local.in = fget(k.world, FILE_FD);
        k.local.out = fget(k.world, DMABUF_FD);
        if (k.local.in < 0 || k.local.out < 0) return fail(k, -EBADF, 'fdput');
        k.local.count = k.world.dmabufs[k.world.files[k.local.out]!.private_data]!.size * PAGE_SIZE; // len: the whole buffer
        return 'generic_copy_file_checks';
      },
    },
    generic_copy_file_checks: {
      run: (k) => {
        const w = k.world;
        const memory = s.memoryFile && is_dma_buf_file(w, k.local.out); // dma_buf_fops.fop_flags = FOP_MEMORY_FILE
        // generic_file_rw_checks: a dma-buf's inode (alloc_anon_inode) has no type, so it is not S_ISREG
        if (!memory && (w.files[k.local.in]!.inode < 0 || w.files[k.local.out]!.inode < 0))
          return fail(k, -EINVAL, 'fdput');
        // (same-type files: the ->copy_file_range pointers differ: -EXDEV; not reached here)
        k.local.count = Math.min(k.local.count, i_size_read(w, w.files[k.local.in]!.inode) * PAGE_SIZE); // shorten to EOF (pos_in 0)
        if (k.local.count === 0) return fail(k, 0, 'fdput');
        return 'dma_buf_copy_file_range';
      },
    },
    dma_buf_copy_file_range: {
      run: (k) => {
        const w = k.world;
        k.local.dmabuf = w.files[k.local.out]!.private_data;
        // dma_buf_rw_file(out dmabuf, pos_out, in, pos_in, count, is_write = false)
        if (!dma_buf_ops(w, k.local.dmabuf).rw_file) return fail(k, -EINVAL, 'fdput');
        k.local.count = Math.min(k.local.count, w.dmabufs[k.local.dmabuf]!.size * PAGE_SIZE);
        if (k.local.count === 0) return fail(k, 0, 'fdput');
        startCopy(k);
        return rwFile(w, k.local);
      },
    },
  };

  const ioctl: Record<string, S> = {
    dma_buf_ioctl: {
      run: (k) => {
        k.local.out = fget(k.world, DMABUF_FD);
        if (k.local.out < 0) return fail(k, -EBADF, 'fdput');
        k.local.dmabuf = k.world.files[k.local.out]!.private_data;
        return 'copy_from_user';
      },
    },
    copy_from_user: {
      fails: ['-EFAULT'],
      run: (k, c) => {
        if (c !== 'ok') return fail(k, -14, 'fdput');
        if (!dma_buf_ops(k.world, k.local.dmabuf).rw_file) return fail(k, -EINVAL, 'fdput');
        // READ | DIRECT; file_offset, buf_offset, buf_len page-aligned and within dmabuf->size
        k.local.count = k.world.dmabufs[k.local.dmabuf]!.size * PAGE_SIZE;
        return 'fget';
      },
    },
    fget: {
      run: (k) => {
        k.local.in = fget(k.world, FILE_FD);
        if (k.local.in < 0) return fail(k, -EBADF, 'fdput');
        // the direct read stops at i_size (a short read: the loop ends on ret == 0 and reports success)
        k.local.count = Math.min(k.local.count, i_size_read(k.world, k.world.files[k.local.in]!.inode) * PAGE_SIZE);
        startCopy(k);
        return rwFile(k.world, k.local);
      },
    },
  };

  const rw_file: Record<string, S> = {
    mutex_lock: {
      ...mutexWait<W, Locals>(rwLock),
      show: (k) => `mutex_lock(${rwLock(k.world, k.local)!.name})`,
      run: (k) => {
        mutex_lock(rwLock(k.world, k.local)!, name);
        k.local.locked = true;
        return s.exclusive ? 'check_exclusive' : 'kvcalloc';
      },
    },
    check_exclusive: {
      show: (k) => `check_exclusive = ${errname(k.local.ret)}`,
      run: (k) => {
        const ret = dma_buf_ops(k.world, k.local.dmabuf).rw_file!.check(k.world, k.local.dmabuf);
        if (ret < 0) return fail(k, ret, p.ebusyKeepsLock ? 'fdput' : 'mutex_unlock');
        return 'kvcalloc';
      },
    },
    kvcalloc: {
      fails: ['-ENOMEM'],
      show: (k, c) =>
        c === 'ok' ? `kvcalloc + bvec_set_page x${k.world.bvecs[k.local.bvec]!.bv.length}` : `kvcalloc = ${c}`,
      run: (k, c) => {
        if (c !== 'ok') return fail(k, -ENOMEM, unlock(k.local));
        const w = k.world;
        const bv = dma_buf_ops(w, k.local.dmabuf).rw_file!.bvec(w, k.local.dmabuf, 0, k.local.count);
        k.local.bvec = bvec_array_alloc(w, name, bv);
        return 'read_iter';
      },
    },
    read_iter: {
      fails: ['-ENOMEM'],
      show: (k, c) =>
        c !== 'ok'
          ? `read_iter = ${c}`
          : `read_iter: submit_bio(bio${k.world.dios[k.local.dio]!.bios[0]}, ITER_BVEC)${p.asyncKiocb ? ' = -EIOCBQUEUED' : ''}`,
      run: (k, c) => {
        if (c !== 'ok') return fail(k, -ENOMEM, 'kvfree'); // kmalloc of the iomap_dio
        const w = k.world;
        const l = k.local;
        l.dio = iomap_dio_alloc(w, name, p.asyncKiocb ? RW_FILE_KI_COMPLETE : '');
        const r = iomap_dio_submit_bio(
          w,
          l.dio,
          { type: 'ITER_BVEC', data_source: 'ITER_DEST', bvec: l.bvec, count: l.count },
          w.files[l.in]!.inode,
          0,
        );
        if (r < 0) return fail(k, r, 'kvfree');
        const after = iomap_dio_drop_ref(w, l.dio);
        if (after === 'wait') return 'wait_for_completion';
        l.ret = after === 'queued' ? -EIOCBQUEUED : iomap_dio_complete(w, l.dio);
        return 'kvfree';
      },
    },
    wait_for_completion: {
      enabled: (w, l) => dio_done(w, l.dio),
      show: (k) => `wait_for_completion = ${errname(k.local.ret)}`,
      run: (k) => {
        k.local.ret = iomap_dio_complete(k.world, k.local.dio);
        return 'kvfree';
      },
    },
    kvfree: {
      run: (k) => {
        bvec_array_free(k.world, k.local.bvec);
        return unlock(k.local);
      },
    },
    mutex_unlock: {
      show: (k) => `mutex_unlock(${rwLock(k.world, k.local)!.name})`,
      run: (k) => {
        mutex_unlock(rwLock(k.world, k.local)!, name);
        k.local.locked = false;
        return 'fdput';
      },
    },
    fdput: {
      show: (k) =>
        s.entry === 'ioctl'
          ? `DMA_BUF_IOCTL_RW_FILE = ${errname(Math.min(k.local.ret, 0))} (${k.local.ret} bytes read)`
          : `copy_file_range = ${errname(k.local.ret)}`,
      run: (k) => {
        const w = k.world;
        const l = k.local;
        if (l.copy >= 0) w.copies[l.copy]!.ret = l.ret; // the bytes rw_file read, or -errno
        if (l.in >= 0) fput(w, l.in);
        if (l.out >= 0) fput(w, l.out);
        if (l.ret > 0 && s.entry === 'copy_file_range') return 'copy_to_user';
        // v1/v2: return ret < 0 ? ret : 0
        w.returned.push({
          thread: name,
          call: s.entry,
          ret: s.entry === 'ioctl' ? Math.min(l.ret, 0) : l.ret,
          files: [],
        });
        return done;
      },
    },
    copy_to_user: {
      fails: ['-EFAULT'],
      run: (k, c) => {
        // *off_out += ret: a fault reports failure for a copy that happened
        k.world.returned.push({ thread: name, call: s.entry, ret: c === 'ok' ? k.local.ret : -14, files: [] });
        return done;
      },
    },
    close: {
      show: () => `close(${DMABUF_FD})`,
      run: (k) => {
        close_fd(k.world, DMABUF_FD); // userspace: close(dma-buf fd); its last reference runs release_udmabuf
        return DONE;
      },
    },
  };

  return thread<W, Locals>({
    name,
    locals: { ret: 0, in: -1, out: -1, dmabuf: -1, count: 0, locked: false, bvec: -1, dio: -1, copy: -1 },
    steps: { ...(s.entry === 'ioctl' ? ioctl : copyFileRange), ...rw_file },
  });
}

/** The file to read: `pages` pages, page i holding the value i, opened O_DIRECT. */
function diskFile(w: W, pages: number): void {
  const inode = addInode(w, 'model.bin', pages);
  fd_install(w, FILE_FD, allocFile(w, { name: 'model.bin', f_op: EXT4_FILE_OPERATIONS, inode }));
}

/** UDMABUF_CREATE_LIST as it has run before the copy (pinned-folios, upstream): the ubuf, its pins and pages[], exported at DMABUF_FD. */
function createUdmabuf(w: W, p: Params): number {
  const memfd = memfd_create(w, 'memfd', p.folios.split(',').map(Number), F_SEAL_SHRINK);
  fd_install(w, MEMFD_FD, memfd);
  const ubuf = kzalloc_udmabuf(w, 'pinned-folios');
  const u = w.udmabufs[ubuf]!;
  for (const it of parseItems(p.items)) {
    const pgcnt = it.size / PAGE_SIZE;
    const r = memfd_pin_folios(w, memfd, it.offset, it.offset + it.size - 1, pgcnt, holderOf(ubuf));
    if (r.ret <= 0) throw new Error(`item ${it.offset}+${it.size}: memfd_pin_folios = ${r.ret}`);
    UDMABUF_DESIGNS['pinned-folios'].record_pins(u, r.folios, itemPages(w, r.folios, r.offset, pgcnt));
    u.pagecount += pgcnt;
  }
  const dmabuf = export_udmabuf(w, ubuf);
  u.dmabuf = dmabuf;
  fd_install(w, DMABUF_FD, w.dmabufs[dmabuf]!.file);
  return dmabuf;
}

function world(p: Params): W {
  const s = SERIES[p.series as Series];
  const series: RwFileRevision = {
    exclusive: s.exclusive,
    excludeMmap: p.excludeMmap,
    udmabufMap: p.udmabufMap as RwFileRevision['udmabufMap'],
    sgWalk: s.sgWalk,
  };
  // page frames: the heap's; page_counts empty: frames are freed at __free_pages (no GUP here)
  const w: W = {
    ...emptyWorld(p.rlimit, p.exporter === 'system-heap' ? p.heapPages : 0),
    folios: [],
    memfds: [],
    udmabufs: [],
    ...emptyBios(),
    dios: [],
    page_counts: [],
    series,
    copies: [],
    attachments: [],
  };
  if (p.exporter === 'tmpfs') {
    // abba: memfds A and B of one page each; same-folio: one memfd of a 2-page folio
    const a = memfd_create(w, 'A', p.tmpfs === 'abba' ? [1] : [2], 0);
    fd_install(w, 0, a);
    if (p.tmpfs === 'abba') fd_install(w, 1, memfd_create(w, 'B', [1], 0));
    return w;
  }
  let dmabuf: number;
  if (p.exporter === 'system-heap') {
    const pages = Array.from({ length: p.heapPages }, () => alloc_page(w));
    dmabuf = system_heap_dma_buf_export(w, pages, -1);
    fd_install(w, DMABUF_FD, w.dmabufs[dmabuf]!.file);
  } else dmabuf = createUdmabuf(w, p);
  diskFile(w, p.filePages || w.dmabufs[dmabuf]!.size);
  // each importer's driver got the buffer before the copy (dma_buf_get(fd)): its own reference
  for (let i = 0; i < p.importers; i++) get_file(w, w.dmabufs[dmabuf]!.file);
  return w;
}

function threads(p: Params): Thread<W>[] {
  if (p.exporter === 'tmpfs') {
    const unlockBeforeRead = p.tmpfsUnlock;
    const readers = Array.from({ length: p.tmpfsReaders }, (_, i) => shmemReader<W>(`reader${i}`, 0, 0));
    if (p.tmpfs === 'same-folio')
      return [shmemCopier<W>('copier', { in: 0, src: 0, out: 0, dst: 1, unlockBeforeRead }), ...readers];
    return [
      shmemCopier<W>('copierA', { in: 0, src: 0, out: 1, dst: 0, unlockBeforeRead }),
      shmemCopier<W>('copierB', { in: 1, src: 0, out: 0, dst: 0, unlockBeforeRead }),
      ...readers,
    ];
  }
  const dmabuf = 0;
  const copierReturned = (w: W) => w.returned.some((r) => r.thread === 'copier');
  return [
    copier(p),
    bioCompletion<W>('bio', { idle: copierReturned, fails: true }),
    ...Array.from({ length: p.importers }, (_, i) => importer<W>(`importer${i}`, dmabuf)),
    ...Array.from({ length: p.vmappers }, (_, i) => vmapper<W>(`vmapper${i}`, dmabuf)),
    ...Array.from({ length: p.cpuMappers }, (_, i) => cpuMapper<W>(`mapper${i}`, dmabuf, { sync: p.sync })),
    // the memfd page behind buffer page 0 (the first item's first page)
    ...Array.from({ length: p.memfdStorers }, (_, i) =>
      memfdStorer<W>(`memfd-storer${i}`, MEMFD_FD, parseItems(p.items)[0]!.offset / PAGE_SIZE),
    ),
  ];
}

const HEAP_V3 = { series: 'v3', exporter: 'system-heap' };
const UDMABUF_V3 = { series: 'v3', exporter: 'udmabuf' };

/** Mutants of this model that survive `kmc mutate` and are harmless, with why. */
const HARMLESS: Record<string, string> = {
  'noop:mapper0/munmap:vm_munmap':
    'userspace may keep its mapping: the file reference the vma holds is counted by leak, and nothing obliges the mapper to unmap',
  'swap:mapper0/mmap:begin_cpu_access>store':
    'DMA_BUF_IOCTL_SYNC(SYNC_START) acts on the dma-buf fd, not on a mapping: starting CPU access before mmap is valid userspace, and the store still comes after both',
  'swap:mapper0/store:munmap>done':
    'a store after munmap faults with SIGSEGV (handle_mm_fault finds no vma) and writes nothing: a userspace bug the kernel contains',
  'goto:copier/copy_to_user:-EFAULT:done':
    'close is userspace, after the syscall has returned: on -EFAULT the application keeping its dma-buf fd open is valid (its exit would close it), and the kernel side of the call is the same',
  'swap:mapper0/end_cpu_access:munmap>done':
    'DMA_BUF_IOCTL_SYNC(SYNC_END) acts on the dma-buf fd, not on a mapping: ending CPU access after munmap is valid userspace',
};

export const copyFileRange = defineModel({
  name: 'dma-buf/copy-file-range',
  title: 'copy_file_range(O_DIRECT file -> dma-buf): exporter rw_file, exclusive access, bvec (seed 002, v1..v4)',
  params,
  schema: {
    series: { values: Object.keys(SERIES) },
    exporter: { values: ['system-heap', 'udmabuf', 'tmpfs'] },
    udmabufMap: { values: ['pinned_folios', 'pages'] },
    tmpfs: { values: ['abba', 'same-folio'] },
    tmpfsReaders: COUNT,
    heapPages: { integer: true, min: 1, max: 4 },
    filePages: { integer: true, min: 0, max: 8 },
    importers: COUNT,
    vmappers: COUNT,
    cpuMappers: COUNT,
    memfdStorers: COUNT,
    rlimit: { integer: true, min: 3, max: 16 },
  },
  world,
  threads,
  properties: () => [
    fileLandsAtOffsetOfCopy,
    writeOutsideBuffer,
    bvecFreedUnderIo,
    bufferLockReleased,
    danglingReference,
    noLeak,
    pinLeak,
    folioPinnedAfterClose,
    udmabufLeak,
  ],
  bugs: {
    ...copyExclusionBugs,
    ...memorySafetyBugs,
    ...folioPinBugs,
    'lock-imbalance': 'a mutex or folio lock released by a thread that does not hold it',
  },
  harmless: HARMLESS,
  variants: {
    upstream: {
      description: 'mainline: a dma-buf is not a regular file, copy_file_range returns -EINVAL',
      params: { series: 'upstream', importers: 1, cpuMappers: 1 },
      expect: 'holds',
    },
    'v1-ioctl': {
      description: 'v1 DMA_BUF_IOCTL_RW_FILE: buffer->lock held, no exclusivity check; an importer maps and writes',
      params: { series: 'v1', importers: 1 },
      expect: { violates: 'device-access-during-copy' },
    },
    'v2-ioctl': {
      description: 'v2: -EBUSY while attachments or vmaps exist; a user mapping is not seen',
      params: { series: 'v2', cpuMappers: 1 },
      expect: { violates: 'cpu-access-during-copy' },
    },
    'v3-system-heap': {
      description: 'v3 4/4: copy_file_range, the v2 check under buffer->lock; a CPU mapper stores through its mapping',
      params: { ...HEAP_V3, cpuMappers: 1, sync: true },
      expect: { violates: 'cpu-access-during-copy' },
    },
    'v3-system-heap-kernel-users': {
      description: 'v3 4/4 with an importer and a vmapper racing: the check under the lock excludes both',
      params: { ...HEAP_V3, importers: 1, vmappers: 1 },
      expect: 'holds',
    },
    'v4-system-heap': {
      description: 'v4 4/4: one bvec array, sg->offset counted in (latent: always 0); a CPU mapper stores',
      params: { series: 'v4', exporter: 'system-heap', cpuMappers: 1 },
      expect: { violates: 'cpu-access-during-copy' },
    },
    'v3-udmabuf': {
      description: 'v3 3/4: the bvec from pinned_folios[] + folio_size, no lock, no check; an importer maps and writes',
      params: { ...UDMABUF_V3, importers: 1 },
      expect: { violates: ['file-lands-at-offset', 'write-outside-buffer', 'device-access-during-copy'] },
    },
    'v4-udmabuf': {
      description: 'v4 3/4: the same pinned_folios walk in one bvec array; a memfd storer',
      params: { series: 'v4', exporter: 'udmabuf', memfdStorers: 1 },
      expect: { violates: ['file-lands-at-offset', 'write-outside-buffer', 'cpu-access-during-copy'] },
    },
    'fixed-udmabuf-offsets': {
      description:
        'v3 udmabuf with the per-page pages[] map: the bytes land right; an importer and a CPU mapper still race it',
      params: { ...UDMABUF_V3, udmabufMap: 'pages', importers: 1, cpuMappers: 1 },
      expect: { violates: ['device-access-during-copy', 'cpu-access-during-copy'] },
    },
    'fixed-udmabuf-alone': {
      description: 'v3 udmabuf with pages[] and no racer: every byte at its offset, nothing outside the items',
      params: { ...UDMABUF_V3, udmabufMap: 'pages' },
      expect: 'holds',
    },
    'exclusive-incl-mmap': {
      description:
        'v3 system heap, rw_file also refusing while user mappings exist, mmap under buffer->lock: importer, vmapper and CPU mapper racing',
      params: { ...HEAP_V3, excludeMmap: true, importers: 1, vmappers: 1, cpuMappers: 1, sync: true },
      expect: 'holds',
    },
    'async-kiocb': {
      description:
        "known-bad: the read on an async kiocb, the bvec array kvfree'd at -EIOCBQUEUED while the bio is in flight",
      params: { ...HEAP_V3, asyncKiocb: true },
      expect: { violates: 'bvec-freed-under-io' },
    },
    'ebusy-keeps-lock': {
      description: 'a mutant: the -EBUSY path returns without mutex_unlock (an importer attached first)',
      params: { ...HEAP_V3, ebusyKeepsLock: true, importers: 1 },
      expect: { violates: 'buffer-lock-released' },
    },
    'tmpfs-cfr': {
      description:
        'the tmpfs copy left out for "lock_page deadlock risks": A->B and B->A, each holding its destination folio lock across the source read',
      params: { exporter: 'tmpfs', tmpfs: 'abba' },
      expect: { violates: 'deadlock' },
    },
    'tmpfs-cfr-same-folio': {
      description:
        'the same, one copy from page 0 to page 1 of one 2-page folio: it waits for the lock it holds, and a reader of the file hangs behind it',
      params: { exporter: 'tmpfs', tmpfs: 'same-folio', tmpfsReaders: 1 },
      expect: { violates: 'deadlock' },
    },
    'tmpfs-cfr-unlocked': {
      description: 'the fix shape: folio reference, folio_unlock, then the source read (A->B and B->A)',
      params: { exporter: 'tmpfs', tmpfs: 'abba', tmpfsUnlock: true },
      expect: 'holds',
    },
  },
});

export default copyFileRange;
