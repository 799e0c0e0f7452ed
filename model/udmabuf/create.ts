// UDMABUF_CREATE / UDMABUF_CREATE_LIST: pin the folios behind a list of (memfd, offset, size)
// items and export them as a dma-buf; release_udmabuf unpins them on the last fput.
// Mirrors drivers/dma-buf/udmabuf.c udmabuf_ioctl -> udmabuf_ioctl_create_list ->
// udmabuf_create, in three designs of the pin bookkeeping (seed 004, "[PATCH v2 4/4]
// udmabuf: remove folio unpin list", Huan Yang, Aug 2024), with or without the three fixes
// Jann Horn sent in Dec 2024 (9cb189a88273 inode_lock_shared around the seal check and the
// pin, 0a16e24e34f2 deny F_SEAL_FUTURE_WRITE, f49856f525ac dma_buf_put when dma_buf_fd fails).
//
// The kernel thread (each line one atomic step; -E... a fault-injection point):
//   1. udmabuf_ioctl         fdget(/dev/udmabuf)                                 -EBADF if closed
//   2. memdup_user           the item list; count > list_limit: -EINVAL         -ENOMEM
//   3. kzalloc               the ubuf                                            -ENOMEM
//   4. check_items           offset/size PAGE_ALIGNED, pgcnt <= size_limit_mb, pgcnt != 0: else -EINVAL
//   5. the arrays            unpin-list:    kvmalloc_array_folios, kvcalloc_offsets        -ENOMEM -> err
//                            folio-array:   kvmalloc_array_folios, kvmalloc_array_pages
//                            pinned-folios: init_udmabuf (folios, offsets, pinned_folios),
//                                           kvmalloc_array_scratch_folios (max_nr_folios)
//   the blocks, chained by `order` (upstream: pin_items,dma_buf_export,dma_buf_fd):
//   pin_items, per item:
//   6. fget                  the memfd; closed: -EBADFD -> err
//   7. inode_lock_shared     (with the fix 9cb189a88273 only) excludes memfd_add_seals
//   8. check_memfd_seals     not a memfd: -EBADFD; F_SEAL_SHRINK missing, or F_SEAL_WRITE
//                            (| F_SEAL_FUTURE_WRITE with 0a16e24e34f2) set: -EINVAL -> out_unlock
//   9. kvmalloc_array_item_folios  (unpin-list only) the item's folio array    -ENOMEM -> out_unlock
//  10. memfd_pin_folios      pins every folio meeting [offset, offset+size-1]  -ENOMEM (nothing
//                            stays pinned: memfd_pin_folios undoes its own pins) -> out_unlock
//  11. the bookkeeping       unpin-list:    add_to_unpin_list, one step per folio: kzalloc of a
//                                           udmabuf_folio node                  -ENOMEM -> out_unlock
//                            folio-array:   record_folios: folios[] += pinned, pages[], nr_folios
//                            pinned-folios: record_pinned_folios: pinned_folios[nr_pinned++],
//                                           folios[]/offsets[]
//  12. out_unlock            inode_unlock_shared; fput(memfd); error -> err, else next item
//   dma_buf_export:
//  13. dma_buf_export        export_udmabuf: dmabuf->priv = ubuf (ownership passes) -ENOMEM -> err
//   dma_buf_fd:
//  14. dma_buf_fd            get_unused_fd_flags + fd_install                 -EMFILE (a full fd
//                            table) -> err as posted; -> dma_buf_put with f49856f525ac
//   or, reserving the fd apart (kmc orderings' other block set):
//      get_unused_fd_flags   the fd number, not yet visible to other threads  -EMFILE
//      fd_install            publish it; cannot fail
//  15. return                fdput(/dev/udmabuf); the ioctl returns the fd or -errno
//  16. close                 userspace: the application closes its udmabuf fd
//  error labels: dma_buf_put (the last reference: release_udmabuf unpins and frees) -> return;
//  err: unpin what the bookkeeping recorded (unpin_all_folios(&unpin_list) | unpin_folios(
//  folios, nr_folios) | deinit_udmabuf) -> kfree_ubuf -> return; put_unused_fd before return
//  when an fd was reserved and not installed. In an order that exports before pin_items or
//  get_unused_fd_flags (kmc orderings), their failures take the label the export chose: the
//  dma-buf owns the ubuf, so dma_buf_put with f49856f525ac, err without.
// release_udmabuf (model/kernel/udmabuf.ts) runs in whichever thread drops the last dma-buf
// file reference: close(), munmap of a mapping, or dma_buf_put.
//
// Racing it, threads of the same process (model/userspace/): a sealer (F_ADD_SEALS with
// F_SEAL_WRITE or F_SEAL_FUTURE_WRITE), a closer of a guessed fd (the new fd, the memfd, the
// device), a writer through a shared mapping of a guessed udmabuf fd; optionally a writer
// through a writable mapping of the memfd, a truncater of the memfd, an fd-table filler.
//
// Default parameters: a memfd of 4 pages in folios of 2, 1 and 1 pages (a THP-like folio, then
// two single pages), sealed F_SEAL_SHRINK; items (4096, 8192) and (8192, 8192): the first starts
// inside the 2-page folio (memfd_pin_folios returns offset 4096 into it) and ends in folio 1,
// the second begins in folio 1 again, which is therefore pinned twice.
//
// States at the default parameters (bfs with its partial-order and symmetry reductions):
// pinned-folios 4,864, folio-array-fixed 4,528, both exhaustive (4,444 and 4,276 before the
// failed allocations were remembered, issue 21); with a memfd writer, a truncater and an
// fd-table filler added (and a hole in the memfd), 748,188 and 726,460 then.
//
// Variants and what kmc finds (bfs and random, seed 1; shortest counterexample lengths in the
// README's udmabuf section; traces in traces/udmabuf.create.*):
//   unpin-list              v6.10/v6.11 as released. pin-leak: add_to_unpin_list's kzalloc fails
//                           after memfd_pin_folios pinned the item's folios; the folios not yet on
//                           the list stay pinned forever. sealed-memfd-writable: F_ADD_SEALS of
//                           F_SEAL_WRITE between check_memfd_seals and memfd_pin_folios (no lock;
//                           memfd_wait_for_pins sees no pin yet). ubuf-freed-before-release and
//                           leak: dma_buf_fd fails after the export, err frees the ubuf that
//                           dmabuf->priv points at and the dma-buf is never released.
//   unpin-list-fixed        the same with Jann Horn's three fixes: the pin leak remains (it is the
//                           design's: an allocation per folio after the pin).
//   folio-array             v2 4/4 as posted: no allocation after the pin, every pin recorded in
//                           folios[] (a folio shared by two items appears twice and unpin_folios
//                           drops both pins): the pin properties hold; the seal race and the
//                           dma_buf_fd bug of its base remain.
//   folio-array-fixed       v2 4/4 with the three fixes: holds.
//   pinned-folios-v6.12     the merged design before the fixes: the pin properties hold; the seal
//                           race and the dma_buf_fd bug remain.
//   pinned-folios           upstream today (v6.13+): holds.
//   no-inode-lock           upstream without 9cb189a88273: sealed-memfd-writable (the race).
//   no-future-write         upstream without 0a16e24e34f2: sealed-memfd-writable (a memfd sealed
//                           F_SEAL_FUTURE_WRITE before the ioctl passes check_memfd_seals).
//   fd-error-goto-err       upstream without f49856f525ac: ubuf-freed-before-release, leak.
//
// Properties: pin-leak, unpin-not-pinned (raised in unpin_folio), folio-pinned-after-close,
// ubuf-freed-before-release, udmabuf-leak, sealed-memfd-writable, fd-installed-on-error,
// fd-exposes-unpinned-buffer, uninit-value (raised by the writer's fault on a page not yet
// recorded), use-after-free, double-free, leak (properties/).
//
// Orderings (kmc orderings udmabuf/create, judged as pinned-folios): pin_items, dma_buf_export
// and dma_buf_fd, or get_unused_fd_flags + fd_install; constraints: the fd is of the exported
// dma-buf, the fd installed is the one reserved. With the fixes every order that installs the
// fd after pin_items holds (exporting before the list loop too: its failures dma_buf_put);
// an fd installed before it exposes a buffer with nothing pinned (fd-exposes-unpinned-buffer).
// Without f49856f525ac (--variant fd-error-goto-err) everything that can fail, pin_items and
// get_unused_fd_flags, must also precede dma_buf_export. Within an item, check_memfd_seals
// and the lock span are not blocks: sealed-memfd-writable judges a pin at the export, which is
// sound only while the seal check precedes the pin (the variants no-inode-lock and
// no-future-write cover that race).
//
// Left out: begin_cpu_udmabuf's cached sg table and the mmap/vmap paths beyond writing through
// a mapping; the kfree vs kvfree mismatch on the unpin-list error path; the int overflow of
// size_limit_mb * 1024 * 1024 (pglimit here is exact); hugetlb (memfd_pin_folios' hugetlb
// index arithmetic, reservations); migration retries (-EAGAIN) inside memfd_pin_folios; the
// intermediate v7 5/7 (udmabuf_pin_folios still calling add_to_unpin_list: the same leak as
// unpin-list); F_SEAL_EXEC implying F_SEAL_WRITE without waiting for pins.

import { defineModel, DONE, sequence, thread, violation, type Block, type Step, type Thread } from '../../src/index.ts';
import { dma_buf_put } from '../kernel/dma-buf.ts';
import { EBADF, EBADFD, EINVAL, ENOMEM } from '../kernel/errno.ts';
import {
  dmaBufFdBlock,
  fail,
  fdInstallBlock,
  getUnusedFdFlagsBlock,
  putUnusedFdStep,
  unwindFd,
  type FdLocals,
} from '../kernel/fd-blocks.ts';
import { close_fd, fd_install } from '../kernel/fdtable.ts';
import { fget, fput } from '../kernel/file.ts';
import { PAGE_SIZE } from '../kernel/folio.ts';
import { rwsemWait } from '../kernel/lock-wait.ts';
import {
  F_SEAL_FUTURE_WRITE,
  F_SEAL_SHRINK,
  F_SEAL_WRITE,
  inode_lock_shared,
  inode_unlock_shared,
  inodeLock,
  memfd_create,
  memfd_get_seals,
  memfd_pin_folios,
  memfdOf,
  parseSeals,
} from '../kernel/memfd.ts';
import {
  assertUdmabufLive,
  export_udmabuf,
  holderOf,
  kfree_udmabuf,
  kzalloc_udmabuf,
  UDMABUF_DESIGNS,
  UDMABUF_FOPS,
  type UdmabufDesign,
  type UdmabufWorld,
} from '../kernel/udmabuf.ts';
import { allocFile, emptyWorld } from '../kernel/world.ts';
import { fdCloser } from '../userspace/fd-closer.ts';
import { fdFiller } from '../userspace/fd-filler.ts';
import { memfdSealer } from '../userspace/memfd-sealer.ts';
import { memfdTruncater } from '../userspace/memfd-truncater.ts';
import { memfdWriter } from '../userspace/memfd-writer.ts';
import { udmabufWriter } from '../userspace/udmabuf-writer.ts';
import { fdInstalledOnError } from '../../properties/fd-exposure.ts';
import { fdExposesUnpinnedBuffer, folioPinBugs, folioPinnedAfterClose, pinLeak } from '../../properties/folio-pins.ts';
import { noLeak } from '../../properties/leak.ts';
import { sealedMemfdWritable } from '../../properties/memfd-seals.ts';
import { danglingReference, memorySafetyBugs } from '../../properties/memory-safety.ts';
import { ubufFreedBeforeRelease, udmabufLeak } from '../../properties/udmabuf-ownership.ts';

/** The process's fds at the start: /dev/udmabuf and the memfd. */
export const DEV_FD = 0;
export const MEMFD_FD = 1;

/** The orders of the blocks (see `blocks`): upstream, and the fd reserved first and installed last. */
export const UPSTREAM = 'pin_items,dma_buf_export,dma_buf_fd';
export const RESERVE_FD = 'get_unused_fd_flags,pin_items,dma_buf_export,fd_install';
/** The fd installed before the list loop: the dma-buf is exported over a ubuf with nothing pinned yet. */
export const FD_BEFORE_PIN = 'dma_buf_export,dma_buf_fd,pin_items';

export const params = {
  /** the pin bookkeeping: 'unpin-list' | 'folio-array' | 'pinned-folios' */
  design: 'pinned-folios',
  /** 9cb189a88273: inode_lock_shared across check_memfd_seals and the pin */
  sealLock: true,
  /** 0a16e24e34f2: SEALS_DENIED includes F_SEAL_FUTURE_WRITE */
  denyFutureWrite: true,
  /**
   * f49856f525ac: when dma_buf_fd fails, dma_buf_put (release_udmabuf frees) instead of goto
   * err; in an order that exports earlier, every failure after dma_buf_export does the same
   */
  putOnFdError: true,
  /** the blocks of the kernel path after the arrays, in order (kmc orderings) */
  order: UPSTREAM,
  /** the memfd's folios in file order, in pages (0: a hole, filled by memfd_alloc_folio on pin) */
  folios: '2,1,1',
  /** the items, offset+size in bytes, all over the memfd at MEMFD_FD */
  items: '4096+8192,8192+8192',
  /** the memfd's seals at the start */
  seals: 'F_SEAL_SHRINK',
  /** module parameters */
  sizeLimitMb: 64,
  listLimit: 1024,
  /** RLIMIT_NOFILE */
  rlimit: 3,
  sealers: 1,
  /** the seals a sealer may add, one choice each */
  sealChoices: 'F_SEAL_WRITE,F_SEAL_FUTURE_WRITE',
  closers: 1,
  udmabufWriters: 1,
  memfdWriters: 0,
  truncaters: 0,
  fillers: 0,
};

/** A schema check from a parser: its exception, or a string it returns, is why a value is refused. */
const parses = (parse: (text: string) => unknown) => (value: unknown) => {
  try {
    const r = parse(String(value));
    return typeof r === 'string' ? r : undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
};

/** a number of racing threads of one kind */
const COUNT = { integer: true, min: 0, max: 4 } as const;
export type Params = typeof params;

export interface Item {
  fd: number;
  offset: number;
  size: number;
}

export function parseItems(text: string): Item[] {
  return text.split(',').map((s) => {
    const [offset, size] = s.split('+').map(Number);
    if (!Number.isInteger(offset) || !Number.isInteger(size)) throw new Error(`bad item '${s}' (offset+size in bytes)`);
    return { fd: MEMFD_FD, offset: offset!, size: size! };
  });
}

interface Locals extends FdLocals {
  ret: number;
  /** the /dev/udmabuf file (fdget) */
  dev: number;
  ubuf: number;
  /** the item being pinned, and its memfd file while it is held */
  i: number;
  memfd: number;
  locked: boolean;
  /** what memfd_pin_folios returned for the item: the folios and the offset into the first */
  pinned: number[];
  pgoff: number;
  /** unpin-list: the next pinned folio to put on the list */
  k: number;
  /** folio-array: nr_folios, the folios recorded in ubuf->folios so far */
  nrFolios: number;
  dmabuf: number;
  /** the fd returned to userspace, once installed */
  fd: number;
  /** an fd number reserved by get_unused_fd_flags and not yet installed */
  reserved: number;
  /** the array (or the copied list) an allocation returned NULL for, '' while none did */
  nullArray: string;
}

/** The buffer pages an item gets from its pinned folios: the first from pgoff, then whole folios, pgcnt in all. */
export function itemPages(
  w: UdmabufWorld,
  pinned: readonly number[],
  pgoff: number,
  pgcnt: number,
): { folio: number; offset: number }[] {
  const pages: { folio: number; offset: number }[] = [];
  let sub = pgoff;
  for (const folio of pinned) {
    for (; sub < w.folios[folio]!.nrPages * PAGE_SIZE && pages.length < pgcnt; sub += PAGE_SIZE)
      pages.push({ folio, offset: sub });
    sub = 0;
  }
  return pages;
}

type S = Step<UdmabufWorld, Locals>;
type K = Block<UdmabufWorld, Locals>;

/**
 * The blocks of the kernel path after the arrays, chained by `order`. Each failure goes to
 * the label the C code would take at that point of the chosen order: before dma_buf_export
 * the create path owns the ubuf (err: unpin what is recorded, kfree); from the export on the
 * dma-buf owns it (dma_buf_put with f49856f525ac, goto err without).
 */
export function blocks(p: Params): Record<string, K> {
  const parts = UDMABUF_DESIGNS[p.design as UdmabufDesign];
  const items = parseItems(p.items);
  const who = 'ioctl';
  const sealsDenied = F_SEAL_WRITE | (p.denyFutureWrite ? F_SEAL_FUTURE_WRITE : 0);
  const unwind = (l: Locals) => (l.dmabuf >= 0 && p.putOnFdError ? 'dma_buf_put' : 'err');
  // the ioctl writes into the ubuf; once exported, a close of a guessed fd may have freed it
  const ubufOf = (w: UdmabufWorld, l: Locals, what: string) => (
    assertUdmabufLive(w, l.ubuf, what), w.udmabufs[l.ubuf]!
  );

  return {
    // 6-12: for (i = 0; i < head->count; i++) { fget; inode_lock_shared; check_memfd_seals;
    // pin and record; out_unlock }
    pin_items: (next) => ({
      fget: {
        run: (k) => {
          const file = fget(k.world, items[k.local.i]!.fd);
          if (file < 0) return fail(k, -EBADFD, unwind(k.local));
          k.local.memfd = file;
          return p.sealLock ? 'inode_lock_shared' : 'check_memfd_seals';
        },
      },
      // a named wait on the memfd's i_rwsem (none to take if the file is not a memfd)
      inode_lock_shared: {
        ...rwsemWait<UdmabufWorld, Locals>(
          (w, l) => (memfdOf(w, l.memfd) < 0 ? undefined : inodeLock(w, memfdOf(w, l.memfd))),
          'read',
        ),
        run: (k) => {
          const m = memfdOf(k.world, k.local.memfd);
          if (m >= 0) {
            inode_lock_shared(k.world, m, who);
            k.local.locked = true;
          }
          return 'check_memfd_seals';
        },
      },
      check_memfd_seals: {
        run: (k) => {
          const seals = memfd_get_seals(k.world, k.local.memfd);
          if (seals < 0) return fail(k, -EBADFD, 'out_unlock'); // neither shmem nor hugetlbfs
          if ((seals & F_SEAL_SHRINK) === 0 || (seals & sealsDenied) !== 0) return fail(k, -EINVAL, 'out_unlock');
          return parts.itemFolios ? 'kvmalloc_array_item_folios' : 'memfd_pin_folios';
        },
      },
      ...(parts.itemFolios
        ? {
            kvmalloc_array_item_folios: {
              fails: ['-ENOMEM'],
              run: (k, c) => (c === 'ok' ? 'memfd_pin_folios' : fail(k, -ENOMEM, 'out_unlock')),
            } as S,
          }
        : {}),
      memfd_pin_folios: {
        fails: ['-ENOMEM'],
        show: (k, c) => `memfd_pin_folios(item ${k.local.i}) = ${c === 'ok' ? k.local.pinned.length : c}`,
        run: (k, c) => {
          const it = items[k.local.i]!;
          const pgcnt = it.size / PAGE_SIZE;
          const end = it.offset + pgcnt * PAGE_SIZE - 1;
          if (k.local.dmabuf >= 0) ubufOf(k.world, k.local, 'memfd_pin_folios');
          const r = memfd_pin_folios(
            k.world,
            k.local.memfd,
            it.offset,
            end,
            pgcnt,
            holderOf(k.local.ubuf),
            c === 'ok' ? undefined : -ENOMEM,
          );
          if (r.ret <= 0) return fail(k, r.ret || -EINVAL, 'out_unlock');
          k.local.pinned = r.folios;
          k.local.pgoff = r.offset;
          k.local.k = 0;
          return parts.record;
        },
      },
      // 11. the bookkeeping: one step per folio (an allocation each) or one for the item
      [parts.record]: {
        ...(parts.perFolio ? { fails: ['-ENOMEM'] } : {}),
        run: (k, c) => {
          if (parts.perFolio && c !== 'ok') return fail(k, -ENOMEM, 'out_unlock'); // kzalloc of the node: kfree(folios); goto err
          const l = k.local;
          const u = ubufOf(k.world, l, parts.record);
          const pages = itemPages(k.world, l.pinned, l.pgoff, items[l.i]!.size / PAGE_SIZE);
          if (!parts.perFolio) {
            l.nrFolios += parts.record_pins(u, l.pinned, pages);
            return 'out_unlock';
          }
          const folio = l.pinned[l.k]!;
          parts.record_pins(
            u,
            [folio],
            pages.filter((pg) => pg.folio === folio),
          );
          l.k += 1;
          return l.k < l.pinned.length ? parts.record : 'out_unlock';
        },
      },
      out_unlock: {
        run: (k) => {
          const l = k.local;
          if (l.locked) inode_unlock_shared(k.world, memfdOf(k.world, l.memfd), who);
          l.locked = false;
          fput(k.world, l.memfd);
          l.memfd = -1;
          if (l.ret < 0) return unwind(l);
          l.i += 1;
          if (l.i < items.length) return 'fget';
          // folio-array: ubuf->foliocount = nr_folios after the loop. Only release_udmabuf
          // reads it, so it is set in dma_buf_export, or here when the export came first.
          if (parts.publishesFoliocount && l.dmabuf >= 0)
            ubufOf(k.world, l, 'ubuf->foliocount').foliocount = l.nrFolios;
          return next;
        },
      },
    }),

    // 13. export_udmabuf: dmabuf->priv = ubuf, ownership passes to the dma-buf
    dma_buf_export: (next) => ({
      dma_buf_export: {
        fails: ['-ENOMEM'],
        run: (k, c) => {
          const u = k.world.udmabufs[k.local.ubuf]!;
          if (parts.publishesFoliocount) u.foliocount = k.local.nrFolios;
          if (c !== 'ok') return fail(k, -ENOMEM, 'err');
          k.local.dmabuf = export_udmabuf(k.world, k.local.ubuf);
          u.dmabuf = k.local.dmabuf;
          return next;
        },
      },
    }),

    // 14. get_unused_fd_flags + fd_install in one call
    // a full fd table (RLIMIT_NOFILE), injected; the fd-filler thread gets there too
    dma_buf_fd: dmaBufFdBlock({ unwind, fails: ['-EMFILE'] }),

    // ... or apart: the fd number reserved (invisible to other threads) ...
    get_unused_fd_flags: getUnusedFdFlagsBlock({ unwind, fails: ['-EMFILE'] }),

    // ... and published; cannot fail
    fd_install: fdInstallBlock(),
  };
}

export function udmabufCreate(p: Params): Thread<UdmabufWorld> {
  const design = p.design as UdmabufDesign;
  if (!(design in UDMABUF_DESIGNS)) throw new Error(`unknown design '${p.design}'`);
  const items = parseItems(p.items);
  const who = 'ioctl';
  const pglimit = (p.sizeLimitMb * 1024 * 1024) / PAGE_SIZE;
  const call = items.length === 1 ? 'UDMABUF_CREATE' : 'UDMABUF_CREATE_LIST';
  const built = sequence(p.order.split(','), blocks(p), 'return');
  const first = Object.keys(built)[0]!;

  const alloc = (name: string, next: string): S => ({
    fails: ['-ENOMEM'],
    run: (k, c) => (c === 'ok' ? next : ((k.local.nullArray = name), fail(k, -ENOMEM, 'err'))),
  });
  // the arrays are first written by the step after them (and the list by check_items): a NULL
  // one there is an allocation failure nobody checked, an oops
  const deref = (k: { local: Locals }, what: string) => {
    if (k.local.nullArray !== '')
      violation('null-pointer-dereference', `${what} uses ${k.local.nullArray}, but its allocation returned NULL`);
  };
  const chain: Record<string, S> = {
    ...built,
    [first]: { ...built[first]!, run: (k, c) => (deref(k, first), built[first]!.run(k, c)) },
  };

  // 5. the arrays allocated before the items are pinned, per design
  const arrays = UDMABUF_DESIGNS[design].arrays;
  const arraySteps: Record<string, S> = {};
  arrays.forEach((name, i) => (arraySteps[name] = alloc(name, arrays[i + 1] ?? first)));

  const steps: Record<string, S> = {
    udmabuf_ioctl: {
      run: (k) => {
        const dev = fget(k.world, DEV_FD); // fdget() in sys_ioctl
        if (dev < 0) return fail(k, -EBADF, 'return');
        k.local.dev = dev;
        return 'memdup_user';
      },
    },
    memdup_user: {
      fails: ['-ENOMEM'],
      run: (k, c) => {
        if (items.length > p.listLimit) return fail(k, -EINVAL, 'return');
        if (c !== 'ok') k.local.nullArray = 'list';
        return c === 'ok' ? 'kzalloc' : fail(k, -ENOMEM, 'return');
      },
    },
    kzalloc: {
      fails: ['-ENOMEM'],
      run: (k, c) => {
        if (c !== 'ok') return fail(k, -ENOMEM, 'return');
        k.local.ubuf = kzalloc_udmabuf(k.world, design);
        return 'check_items';
      },
    },
    check_items: {
      run: (k) => {
        deref(k, 'check_items');
        let pgcnt = 0;
        for (const it of items) {
          if (it.offset % PAGE_SIZE !== 0 || it.size % PAGE_SIZE !== 0) return fail(k, -EINVAL, 'kfree_ubuf');
          pgcnt += it.size / PAGE_SIZE;
          if (pgcnt > pglimit) return fail(k, -EINVAL, 'kfree_ubuf');
        }
        if (pgcnt === 0) return fail(k, -EINVAL, 'kfree_ubuf');
        k.world.udmabufs[k.local.ubuf]!.pagecount = pgcnt;
        return arrays[0]!;
      },
    },
    ...arraySteps,
    ...chain,
    // error labels
    dma_buf_put: {
      run: (k) => {
        dma_buf_put(k.world, k.local.dmabuf); // the last reference: release_udmabuf
        return unwindFd(k.local);
      },
    },
    err: {
      run: (k) => {
        k.local.nullArray = ''; // the error path kvfree()s the arrays: kvfree(NULL) is a no-op, the pointer dead
        UDMABUF_DESIGNS[design].unpin_all(k.world, k.local.ubuf, k.local.nrFolios);
        return 'kfree_ubuf';
      },
    },
    kfree_ubuf: {
      run: (k) => {
        kfree_udmabuf(k.world, k.local.ubuf, 'the udmabuf_create error path');
        return unwindFd(k.local);
      },
    },
    put_unused_fd: putUnusedFdStep('return'),
    return: {
      run: (k) => {
        const w = k.world;
        const l = k.local;
        l.nullArray = ''; // memdup_user's NULL list, dead once the ioctl returns
        const ret = l.ret < 0 ? l.ret : l.fd;
        l.ret = ret;
        w.returned.push({ thread: who, call, ret, files: l.dmabuf >= 0 ? [w.dmabufs[l.dmabuf]!.file] : [] });
        if (l.dev >= 0) fput(w, l.dev); // fdput()
        return ret >= 0 ? 'close' : DONE;
      },
    },
    close: {
      run: (k) => {
        close_fd(k.world, k.local.fd); // userspace: close(udmabuf fd)
        return DONE;
      },
    },
  };

  return thread<UdmabufWorld, Locals>({
    name: who,
    locals: {
      ret: 0,
      dev: -1,
      ubuf: -1,
      i: 0,
      memfd: -1,
      locked: false,
      pinned: [],
      pgoff: 0,
      k: 0,
      nrFolios: 0,
      dmabuf: -1,
      fd: -1,
      reserved: -1,
      nullArray: '',
    },
    steps,
  });
}

/** Upstream before Jann Horn's fixes, per fix. */
const UNFIXED = { sealLock: false, denyFutureWrite: false, putOnFdError: false };

const KEEPS_MAPPING =
  'userspace may keep its mapping: the file reference the vma holds is counted by leak, and nothing obliges the writer to unmap';
const STORE_AFTER_MUNMAP =
  "userspace: a store after its own munmap faults (SIGSEGV) in the writer and reaches no kernel object; the writers' stores are only what a user can do";

/** Mutants of this path that survive `kmc mutate` and are harmless, with why. */
const HARMLESS: Record<string, string> = {
  'noop:udmabuf-writer/munmap:vm_munmap': KEEPS_MAPPING,
  'noop:memfd-writer0/munmap:vm_munmap': KEEPS_MAPPING,
  'swap:udmabuf-writer/write:munmap>done': STORE_AFTER_MUNMAP,
  'swap:memfd-writer0/write:munmap>done': STORE_AFTER_MUNMAP,
};

export const udmabufCreateModel = defineModel({
  name: 'udmabuf/create',
  title: 'UDMABUF_CREATE_LIST: pin memfd folios, export a dma-buf; release unpins (seed 004, v2 4/4)',
  params,
  // what --param and a replayed trace may set: thread counts and sizes that keep the state space in reach
  schema: {
    design: { values: ['unpin-list', 'folio-array', 'pinned-folios'] },
    items: { check: parses((t) => parseItems(t).length <= 8 || 'at most 8 items') },
    folios: {
      check: parses(
        (t) => t.split(',').every((n) => /^\d+$/.test(n) && Number(n) <= 16) || 'page counts 0..16, comma-separated',
      ),
    },
    seals: { check: parses(parseSeals) },
    sealChoices: { check: parses((t) => t.split(',').forEach(parseSeals)) },
    sizeLimitMb: { integer: true, min: 0, max: 1024 },
    listLimit: { integer: true, min: 0, max: 1024 },
    rlimit: { integer: true, min: 1, max: 64 },
    sealers: COUNT,
    closers: COUNT,
    udmabufWriters: COUNT,
    memfdWriters: COUNT,
    truncaters: COUNT,
    fillers: COUNT,
  },
  world: (p): UdmabufWorld => {
    const w: UdmabufWorld = { ...emptyWorld(p.rlimit, 0), folios: [], memfds: [], udmabufs: [] };
    const dev = allocFile(w, { name: '/dev/udmabuf', f_op: UDMABUF_FOPS });
    fd_install(w, DEV_FD, dev);
    const memfd = memfd_create(w, 'memfd', p.folios.split(',').map(Number), parseSeals(p.seals));
    fd_install(w, MEMFD_FD, memfd);
    return w;
  },
  threads: (p) => [
    udmabufCreate(p),
    ...Array.from({ length: p.sealers }, (_, i) =>
      memfdSealer<UdmabufWorld>(`sealer${i}`, MEMFD_FD, p.sealChoices.split(',')),
    ),
    ...Array.from({ length: p.closers }, (_, i) => fdCloser<UdmabufWorld>(`closer${i}`)),
    ...Array.from({ length: p.udmabufWriters }, (_, i) => udmabufWriter(`writer${i}`)),
    ...Array.from({ length: p.memfdWriters }, (_, i) => memfdWriter<UdmabufWorld>(`memfd-writer${i}`, MEMFD_FD)),
    ...Array.from({ length: p.truncaters }, (_, i) => memfdTruncater<UdmabufWorld>(`truncater${i}`, MEMFD_FD, 1)),
    ...Array.from({ length: p.fillers }, (_, i) => fdFiller<UdmabufWorld>(`filler${i}`)),
  ],
  properties: () => [
    pinLeak,
    sealedMemfdWritable,
    ubufFreedBeforeRelease,
    fdInstalledOnError,
    fdExposesUnpinnedBuffer,
    danglingReference,
    folioPinnedAfterClose,
    udmabufLeak,
    noLeak,
  ],
  bugs: {
    ...memorySafetyBugs,
    ...folioPinBugs,
    'lock-imbalance': 'an inode lock released by a thread that does not hold it',
    'uninit-value':
      'udmabuf_vm_fault reads an entry of ubuf->folios[] (kvmalloc_array, not zeroed) that the create path has not set yet',
  },
  // kmc orderings: the blocks after the arrays that may move, and the data dependencies.
  orderings: {
    param: 'order',
    variant: 'pinned-folios',
    blocks: {
      // dma_buf_fd() reserves and installs in one call ...
      'dma-buf-fd': ['pin_items', 'dma_buf_export', 'dma_buf_fd'],
      // ... or the fd is reserved and installed apart
      'reserve-install': ['pin_items', 'dma_buf_export', 'get_unused_fd_flags', 'fd_install'],
    },
    constraints: [
      ['dma_buf_export', 'dma_buf_fd'], // the fd is of the dma-buf
      ['dma_buf_export', 'fd_install'],
      ['get_unused_fd_flags', 'fd_install'], // the fd number installed is the one reserved
    ],
    // kmc orderings --from-patch: the C these blocks stand for. create.c is upstream's
    // udmabuf_create (pinned-folios); create.v2-base.c the text v2 4/4 applies to.
    source: {
      files: ['create.c', 'create.v2-base.c'].map((f) => new URL(f, import.meta.url).href), // beside this file, however it is loaded
      functions: ['udmabuf_create', 'export_udmabuf'],
      calls: {
        // the list loop: the call that pins each item's folios (v6.12+: in udmabuf_pin_folios)
        pin_items: ['udmabuf_pin_folios', 'memfd_pin_folios'],
        dma_buf_export: ['dma_buf_export'],
        dma_buf_fd: ['dma_buf_fd'],
        get_unused_fd_flags: ['get_unused_fd_flags'],
        fd_install: ['fd_install'],
      },
    },
  },
  // kmc mutate: the surviving mutants that change nothing a user or the kernel can tell
  harmless: HARMLESS,
  variants: {
    'unpin-list': {
      description:
        'v6.10/v6.11: a udmabuf_folio node per folio after the pin, no seal lock, goto err on dma_buf_fd failure',
      params: { design: 'unpin-list', ...UNFIXED },
      expect: { violates: ['pin-leak', 'sealed-memfd-writable', 'ubuf-freed-before-release', 'leak'] },
    },
    'unpin-list-fixed': {
      description: 'the unpin list with the three Dec 2024 fixes: the per-folio allocation still leaks pins',
      params: { design: 'unpin-list' },
      expect: { violates: 'pin-leak' },
    },
    'folio-array': {
      description: 'v2 4/4 as posted: folios[] + pages[], unpin_folios(folios, nr_folios)',
      params: { design: 'folio-array', ...UNFIXED },
      expect: { violates: ['sealed-memfd-writable', 'ubuf-freed-before-release', 'leak'] },
    },
    'folio-array-fixed': {
      description: 'v2 4/4 with the three Dec 2024 fixes',
      params: { design: 'folio-array' },
      expect: 'holds',
    },
    'pinned-folios-v6.12': {
      description: 'the merged pinned_folios[] + nr_pinned, before the Dec 2024 fixes',
      params: { design: 'pinned-folios', ...UNFIXED },
      expect: { violates: ['sealed-memfd-writable', 'ubuf-freed-before-release', 'leak'] },
    },
    'pinned-folios': {
      description: 'upstream today: pinned_folios[] + nr_pinned, inode_lock_shared, FUTURE_WRITE denied, dma_buf_put',
      expect: 'holds',
    },
    'no-inode-lock': {
      description: 'upstream without 9cb189a88273: seal check and pin not under the inode lock',
      params: { sealLock: false },
      expect: { violates: 'sealed-memfd-writable' },
    },
    'no-future-write': {
      description: 'upstream without 0a16e24e34f2: SEALS_DENIED is F_SEAL_WRITE only',
      params: { denyFutureWrite: false },
      expect: { violates: 'sealed-memfd-writable' },
    },
    'fd-error-goto-err': {
      description: 'upstream without f49856f525ac: dma_buf_fd failure goes to err after the export',
      params: { putOnFdError: false },
      expect: { violates: ['ubuf-freed-before-release', 'leak'] },
    },
    'pinned-folios-racers': {
      description:
        'upstream today, raced by a writer through a shared mapping of the memfd and an fd-table filler instead of the udmabuf writer and closer: F_SEAL_WRITE refused while the memfd is mapped writable, a real -EMFILE from dma_buf_fd',
      params: { udmabufWriters: 0, closers: 0, memfdWriters: 1, fillers: 1 },
      expect: 'holds',
    },
  },
});

export default udmabufCreateModel;
