// Block I/O (block/bio.c, block/blk-core.c, include/linux/bio.h): a struct bio with its
// bvec pages, how an iov_iter's pages get into it, submission, and completion on the
// device's own thread.
//
//   bio_alloc                 a bio for op REQ_OP_READ (the device writes memory) or
//                             REQ_OP_WRITE, at byte `pos` of a file (bi_iter.bi_sector)
//   bio_iov_iter_get_pages    ITER_BVEC: bio_iov_bvec_set, the bio points at the caller's
//                             bvec array and takes no pin and no reference (the caller keeps
//                             the pages and the array alive until completion: hch's "must not
//                             touch the refcounts"); ITER_UBUF (and IOVEC):
//                             iov_iter_extract_user_pages -> pin_user_pages_fast (FOLL_PIN,
//                             FOLL_WRITE when the iter is ITER_DEST), BIO_PAGE_PINNED;
//                             nothing pinned -> the error (-EFAULT on VM_IO|VM_PFNMAP)
//   submit_bio                the bio is queued to the device
//   the device thread (bioCompletion, one per queue, FIFO):
//     1. queue_rq             the driver takes the oldest submitted bio (or, once the model
//                             says no bio will come, the thread returns)
//     2. dma                  the device transfers every segment: a read writes the file's
//                             bytes into the pages; -EIO: bi_status = BLK_STS_IOERR, nothing
//                             written. Touching a freed page, or a freed bvec array, is a
//                             use-after-free.
//     3. bio_endio            bio->bi_end_io(bio), a callback registered by name (direct-io.ts'
//                             iomap_dio_bio_end_io): it may wake the submitter, then
//     4. bio_release_pages    (when the callback asks) unpin every page of a BIO_PAGE_PINNED
//                             bio (the final unpin may free the page: page.ts), bio_put.
//                             A separate step: the woken submitter may run in between.
//
// Units: file positions, lengths and offsets in bytes (PAGE_SIZE = 4096), addresses in pages
// (as mm.ts). A segment's page is a page frame ({ page }) or page `index` of a memfd folio
// ({ folio, index }, udmabuf's memory), as a pte maps them. Left out: bio splitting and
// merging, out-of-order completion, plugging, BIO_PAGE_REFFED (bio_iov_iter_get_pages with
// ITER_KVEC), bio_check_pages_dirty.

import { ModelError, violation } from '../../src/index.ts';
import { EFAULT, EIO } from './errno.ts';
import { PAGE_SIZE } from './folio.ts';
import { FOLL_WRITE, pin_user_pages_fast, unpin_user_page } from './gup.ts';
import { assertPageLive, type PageCountWorld } from './page.ts';
import type { Pte } from './world.ts';
import { opsTables } from './ops-table.ts';
import type { Thread } from '../../src/index.ts';
import { DONE, thread } from '../../src/index.ts';
import { helper } from './helpers.ts';

/** include/linux/blk_types.h bi_flags (as bits) */
export const BIO_PAGE_PINNED = 0x1;

/** What a segment's page is: a page frame, or page `index` of a folio. */
export type PageRef = NonNullable<Pte>;

/** struct bio_vec */
export interface BioVec {
  bv_page: PageRef;
  /** bytes */
  bv_offset: number;
  bv_len: number;
}

/** A caller's bvec array (kvcalloc'd), which an ITER_BVEC bio points at without a reference. */
export interface BvecArray {
  bv: BioVec[];
  owner: string;
  /** kvfree'd */
  freed: boolean;
}

/** struct iov_iter, the two kinds the block layer sees here. data_source ITER_DEST: data goes into the pages (a read). */
export type IovIter =
  | {
      type: 'ITER_UBUF';
      data_source: 'ITER_DEST' | 'ITER_SOURCE';
      pid: number /** a user address, in pages */;
      addr: number;
      count: number;
    }
  | {
      type: 'ITER_BVEC';
      data_source: 'ITER_DEST' | 'ITER_SOURCE' /** index in world.bvecs */;
      bvec: number;
      count: number;
    };

/** Where the device wrote `len` bytes of the file, from byte `pos` on. */
export interface Landing {
  pos: number;
  len: number;
  page: PageRef;
  offset: number;
}

export type BioState = 'built' | 'submitted' | 'queued' | 'transferred' | 'ended' | 'put';

/** struct bio */
export interface Bio {
  /** the thread that built it, for messages */
  by: string;
  op: 'REQ_OP_READ' | 'REQ_OP_WRITE';
  /** the file (its inode: page i holds the value i) and the byte offset the device transfers at */
  inode: number;
  pos: number;
  /** bi_io_vec when the bio owns its vec (ITER_UBUF: the pinned pages) */
  bi_io_vec: BioVec[];
  /** ITER_BVEC: the caller's array the bio points at (bio_iov_bvec_set), else -1 */
  bvec: number;
  bi_flags: number;
  /** bio->bi_end_io: a callback registered with register_bi_end_io */
  bi_end_io: string;
  /** bio->bi_private: an index for the callback (direct-io.ts: the dio) */
  bi_private: number;
  /** 0, or -EIO (BLK_STS_IOERR) */
  bi_status: number;
  state: BioState;
  /** what the device wrote (REQ_OP_READ), in segment order */
  landed: Landing[];
}

/** The block layer's part of a world: bios and callers' bvec arrays. */
export interface BioWorld extends PageCountWorld {
  bios: Bio[];
  bvecs: BvecArray[];
}

export const emptyBios = helper('emptyBios', function emptyBios(): Pick<BioWorld, 'bios' | 'bvecs'> {
  return { bios: [], bvecs: [] };
});

/**
 * bio->bi_end_io: runs in the device's completion context. Returns 'release' when it goes on
 * to bio_release_pages() + bio_put() (a separate step), 'done' when it has put the bio itself.
 */
export type BiEndIo<W extends BioWorld = BioWorld> = (w: W, bio: number) => 'release' | 'done';

const endIoTable = opsTables<BiEndIo<any>>('bi_end_io');

export const register_bi_end_io = helper('register_bi_end_io', function register_bi_end_io<
  W extends BioWorld,
>(name: string, f: BiEndIo<W>): string {
  return endIoTable.register(name, f);
});

/** bio_alloc() (from a mempool: it does not fail) with bi_end_io and bi_private set. */
export const bio_alloc = helper(
  'bio_alloc',
  function bio_alloc(w: BioWorld, bio: Pick<Bio, 'by' | 'op' | 'inode' | 'pos' | 'bi_end_io' | 'bi_private'>): number {
    w.bios.push({ ...bio, bi_io_vec: [], bvec: -1, bi_flags: 0, bi_status: 0, state: 'built', landed: [] });
    return w.bios.length - 1;
  },
);

/** kvcalloc of a bvec array holding `bv` (the caller's -ENOMEM is its own step). */
export const bvec_array_alloc = helper(
  'bvec_array_alloc',
  function bvec_array_alloc(w: BioWorld, owner: string, bv: readonly BioVec[]): number {
    w.bvecs.push({ bv: bv.map((b) => ({ ...b, bv_page: { ...b.bv_page } })), owner, freed: false });
    return w.bvecs.length - 1;
  },
);

/** kvfree of a bvec array. */
export const bvec_array_free = helper('bvec_array_free', function bvec_array_free(w: BioWorld, bvec: number): void {
  const a = w.bvecs[bvec]!;
  if (a.freed) violation('double-free', `kvfree of the bvec array of ${a.owner}, already freed`);
  a.freed = true;
});

/** bvec_set_page() */
export const bvec_set_page = (page: PageRef, len: number, offset: number): BioVec => ({
  bv_page: page,
  bv_offset: offset,
  bv_len: len,
});

/** The segments of a bio: its own vec, or the caller's bvec array it points at. */
export const bio_segments = helper('bio_segments', function bio_segments(w: BioWorld, bio: number): BioVec[] {
  const b = w.bios[bio]!;
  return b.bvec >= 0 ? w.bvecs[b.bvec]!.bv : b.bi_io_vec;
});

/**
 * bio_iov_iter_get_pages(bio, iter): 0, or -errno with nothing attached. ITER_BVEC:
 * bio_iov_bvec_set; ITER_UBUF: iov_iter_extract_user_pages -> pin_user_pages_fast, the bio
 * flagged BIO_PAGE_PINNED (`__bio_iov_iter_get_pages`: size <= 0 -> size ? size : -EFAULT).
 */
export const bio_iov_iter_get_pages = helper(
  'bio_iov_iter_get_pages',
  function bio_iov_iter_get_pages(w: BioWorld, bio: number, iter: IovIter): number {
    const b = w.bios[bio]!;
    if (b.state !== 'built') throw new ModelError(`bio_iov_iter_get_pages on a bio of ${b.by} that is ${b.state}`);
    if ((iter.data_source === 'ITER_DEST') !== (b.op === 'REQ_OP_READ'))
      throw new ModelError(`bio_iov_iter_get_pages: a ${b.op} bio of ${b.by} with an ${iter.data_source} iter`);
    if (iter.type === 'ITER_BVEC') {
      const a = w.bvecs[iter.bvec]!;
      if (a.freed) violation('use-after-free', `bio_iov_bvec_set on the bvec array of ${a.owner}, already freed`);
      b.bvec = iter.bvec;
      return 0;
    }
    const nr = Math.ceil(iter.count / PAGE_SIZE);
    const got = pin_user_pages_fast(w, iter.pid, iter.addr, nr, iter.data_source === 'ITER_DEST' ? FOLL_WRITE : 0);
    if (typeof got === 'number') return got < 0 ? got : -EFAULT;
    b.bi_flags |= BIO_PAGE_PINNED;
    let left = Math.min(iter.count, got.length * PAGE_SIZE);
    b.bi_io_vec = got.map((page) => {
      const len = Math.min(PAGE_SIZE, left);
      left -= len;
      return bvec_set_page({ page }, len, 0);
    });
    return 0;
  },
);

/** submit_bio(): the bio goes to the device's queue. */
export const submit_bio = helper('submit_bio', function submit_bio(w: BioWorld, bio: number): void {
  const b = w.bios[bio]!;
  if (b.state !== 'built') throw new ModelError(`submit_bio of a bio of ${b.by} that is ${b.state}`);
  b.state = 'submitted';
});

/** The bios submitted and not yet taken by the device, oldest first. */
export const bios_submitted = (w: BioWorld): number[] => w.bios.flatMap((b, i) => (b.state === 'submitted' ? [i] : []));

/** A bio the device has not finished with (submitted, queued or transferred, bi_end_io not run). */
export const bio_in_flight = (b: Bio): boolean =>
  b.state === 'submitted' || b.state === 'queued' || b.state === 'transferred';

/** The device transfers the bio (REQ_OP_READ: file bytes into the pages), or fails it with -EIO. */
export const bio_dma = helper('bio_dma', function bio_dma(w: BioWorld, bio: number, status: number): void {
  const b = w.bios[bio]!;
  if (b.bvec >= 0 && w.bvecs[b.bvec]!.freed)
    violation(
      'use-after-free',
      `the device reads the bvec array of ${w.bvecs[b.bvec]!.owner} for a bio of ${b.by}, already kvfree'd`,
    );
  b.state = 'transferred';
  b.bi_status = status;
  if (status < 0) return;
  let pos = b.pos;
  for (const seg of bio_segments(w, bio)) {
    if ('page' in seg.bv_page) assertPageLive(w, seg.bv_page.page, `the device's DMA for a bio of ${b.by}`);
    if (b.op === 'REQ_OP_READ') {
      b.landed.push({ pos, len: seg.bv_len, page: { ...seg.bv_page }, offset: seg.bv_offset });
      // a whole page of the file lands in a whole page frame: page.data says which
      if ('page' in seg.bv_page && seg.bv_offset === 0 && seg.bv_len === PAGE_SIZE && pos % PAGE_SIZE === 0) {
        const filePage = pos / PAGE_SIZE;
        w.pages[seg.bv_page.page]!.data = filePage < w.inodes[b.inode]!.size ? filePage : null;
      }
    }
    pos += seg.bv_len;
  }
});

/** bio_endio(): bio->bi_end_io(bio). */
export const bio_endio = helper('bio_endio', function bio_endio(w: BioWorld, bio: number): 'release' | 'done' {
  const b = w.bios[bio]!;
  b.state = 'ended';
  return endIoTable.get(b.bi_end_io, `a bio of ${b.by}`)(w, bio);
});

/** bio_release_pages(bio, false): unpin every page of a BIO_PAGE_PINNED bio (nothing for a bvec bio). */
export const bio_release_pages = helper(
  'bio_release_pages',
  function bio_release_pages(w: BioWorld, bio: number): void {
    const b = w.bios[bio]!;
    if (!(b.bi_flags & BIO_PAGE_PINNED)) return;
    for (const seg of b.bi_io_vec) if ('page' in seg.bv_page) unpin_user_page(w, seg.bv_page.page);
    b.bi_flags &= ~BIO_PAGE_PINNED;
  },
);

/** bio_put(): the last reference; the bio is gone (its vec with it, not a caller's bvec array). */
export const bio_put = helper('bio_put', function bio_put(w: BioWorld, bio: number): void {
  const b = w.bios[bio]!;
  if (b.state === 'put') violation('double-free', `bio_put of a bio of ${b.by}, already put`);
  b.state = 'put';
});

/** The pages a bio still holds a pin on, or will write (for properties): page frames only. */
export const bio_pages = helper('bio_pages', function bio_pages(w: BioWorld, bio: number): number[] {
  return bio_segments(w, bio).flatMap((s) => ('page' in s.bv_page ? [s.bv_page.page] : []));
});

interface CompletionLocals {
  bio: number;
}

/**
 * The device's completion thread (one hardware queue, FIFO): take the oldest submitted bio,
 * transfer it (-EIO when `fails`), bio_endio, and bio_release_pages when the callback asks;
 * it returns once no bio is waiting and `idle` holds (the model says no bio will come).
 */
export function bioCompletion<W extends BioWorld>(
  name: string,
  opts: { idle: (w: W) => boolean; fails?: boolean },
): Thread<W> {
  return thread<W, CompletionLocals>({
    name,
    locals: { bio: -1 },
    steps: {
      queue_rq: {
        enabled: (w) => bios_submitted(w).length > 0 || opts.idle(w),
        run: (k) => {
          const next = bios_submitted(k.world)[0];
          if (next === undefined) return DONE;
          k.world.bios[next]!.state = 'queued';
          k.local.bio = next;
          return 'dma';
        },
        show: (k) => (k.local.bio < 0 ? 'queue_rq: idle' : `queue_rq(bio${k.local.bio})`),
      },
      dma: {
        fails: opts.fails ? ['-EIO'] : [],
        run: (k, c) => {
          bio_dma(k.world, k.local.bio, c === 'ok' ? 0 : -EIO);
          return 'bio_endio';
        },
      },
      bio_endio: {
        run: (k) => {
          // the device's pointer is -1 once bio_put freed the bio: bi_end_io would run on freed memory
          if (k.local.bio < 0)
            violation(
              'use-after-free',
              'bio_endio of a bio the device already released and put (bio_put before bi_end_io)',
            );
          if (bio_endio(k.world, k.local.bio) === 'release') return 'bio_release_pages';
          k.local.bio = -1;
          return 'queue_rq';
        },
      },
      bio_release_pages: {
        run: (k) => {
          bio_release_pages(k.world, k.local.bio);
          bio_put(k.world, k.local.bio);
          k.local.bio = -1;
          return 'queue_rq';
        },
      },
    },
  });
}
