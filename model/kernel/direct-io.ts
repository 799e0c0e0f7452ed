// Direct I/O through iomap (fs/iomap/direct-io.c), as read_iter/write_iter of an O_DIRECT
// file run it: a struct iomap_dio, its bios (bio.ts), and how it completes.
//
//   iomap_dio_alloc           __iomap_dio_rw: kmalloc(dio) -ENOMEM; dio->ref = 1 (the
//                             submitter's); is_sync_kiocb -> wait_for_completion, waiter = current
//   iomap_dio_submit_bio      iomap_dio_bio_iter: bio_alloc, bio_iov_iter_get_pages (its error
//                             fails the dio: nothing submitted), atomic_inc(&dio->ref), submit_bio
//   iomap_dio_drop_ref        end of __iomap_dio_rw: if (!atomic_dec_and_test(&dio->ref)):
//                             async -> -EIOCBQUEUED (ki_complete runs at the last bio's end_io),
//                             sync -> sleep until the bios have dropped theirs (dio_done);
//                             else complete now
//   iomap_dio_complete        the bytes transferred, or the dio's error
//   iomap_dio_bio_end_io      (bi_end_io, on the device's thread) bi_status -> dio->error;
//                             atomic_dec_and_test(&dio->ref): sync -> WRITE_ONCE(waiter, NULL) +
//                             blk_wake_io_task; async -> iomap_dio_complete + iocb->ki_complete;
//                             then (release_bio) bio_release_pages + bio_put: a step of its own,
//                             so the woken reader may return to userspace before the unpin.
// Left out: should_dirty (bio_check_pages_dirty for a read into user pages), the
// IOMAP_DIO_INLINE_COMP / workqueue choice, partial submissions.

import { violation } from '../../src/index.ts';
import {
  bio_alloc,
  bio_iov_iter_get_pages,
  bio_segments,
  register_bi_end_io,
  submit_bio,
  type BioWorld,
  type IovIter,
} from './bio.ts';
import { opsTables } from './ops-table.ts';
import { helper } from './helpers.ts';

/** struct iomap_dio */
export interface IomapDio {
  /** the task doing the I/O */
  by: string;
  /** atomic_t ref: the submitter's, plus one per bio in flight */
  ref: number;
  /** dio->error: 0 or -errno */
  error: number;
  /** dio->size: bytes submitted */
  size: number;
  /** is_sync_kiocb(iocb): the submitter sleeps until the last bio is done */
  wait_for_completion: boolean;
  /** dio->submit.waiter: the task to wake, null once woken (or async) */
  waiter: string | null;
  /** iocb->ki_complete (async), registered with register_ki_complete; '' for a sync kiocb */
  ki_complete: string;
  /** iomap_dio_complete ran: the result went to the submitter or to ki_complete */
  completed: boolean;
  bios: number[];
}

export interface DioWorld extends BioWorld {
  dios: IomapDio[];
}

/** iocb->ki_complete(iocb, res): an async kiocb's completion (aio, io_uring), registered by name. */
export type KiComplete<W extends DioWorld = DioWorld> = (w: W, dio: number, res: number) => void;

const kiCompleteTable = opsTables<KiComplete<any>>('ki_complete');

export const register_ki_complete = helper('register_ki_complete', function register_ki_complete<
  W extends DioWorld,
>(name: string, f: KiComplete<W>): string {
  return kiCompleteTable.register(name, f);
});

/** kmalloc of a dio (the caller's -ENOMEM is its step): ref 1, sync or with ki_complete. */
export const iomap_dio_alloc = helper(
  'iomap_dio_alloc',
  function iomap_dio_alloc(w: DioWorld, by: string, ki_complete = ''): number {
    const sync = ki_complete === '';
    w.dios.push({
      by,
      ref: 1,
      error: 0,
      size: 0,
      wait_for_completion: sync,
      waiter: sync ? by : null,
      ki_complete,
      completed: false,
      bios: [],
    });
    return w.dios.length - 1;
  },
);

/** iomap_dio_bio_iter for one bio: 0 (the bio is submitted, dio->ref taken) or the error of bio_iov_iter_get_pages (nothing submitted). */
export const iomap_dio_submit_bio = helper(
  'iomap_dio_submit_bio',
  function iomap_dio_submit_bio(w: DioWorld, dio: number, iter: IovIter, inode: number, pos: number): number {
    const d = w.dios[dio]!;
    const bio = bio_alloc(w, {
      by: d.by,
      op: iter.data_source === 'ITER_DEST' ? 'REQ_OP_READ' : 'REQ_OP_WRITE',
      inode,
      pos,
      bi_end_io: IOMAP_DIO_BIO_END_IO,
      bi_private: dio,
    });
    const ret = bio_iov_iter_get_pages(w, bio, iter);
    if (ret < 0) {
      w.bios[bio]!.state = 'put'; // bio_put of the unsubmitted bio
      if (d.error === 0) d.error = ret;
      return ret;
    }
    d.ref += 1;
    d.size += bio_segments(w, bio).reduce((n, s) => n + s.bv_len, 0); // what the bio got: pin_user_pages_fast may pin fewer pages than asked
    d.bios.push(bio);
    submit_bio(w, bio);
    return 0;
  },
);

/** The submitter drops its reference: 'complete' (every bio is done), 'wait' (sync: sleep until dio_done), or 'queued' (async: -EIOCBQUEUED). */
export const iomap_dio_drop_ref = helper('iomap_dio_drop_ref', function iomap_dio_drop_ref(w: DioWorld, dio: number):
  | 'complete'
  | 'wait'
  | 'queued' {
  const d = w.dios[dio]!;
  d.ref -= 1;
  if (d.ref === 0) return 'complete';
  return d.wait_for_completion ? 'wait' : 'queued';
});

/** The sync submitter may wake: every bio has dropped its reference. */
export const dio_done = (w: DioWorld, dio: number): boolean => w.dios[dio]!.ref === 0;

/** iomap_dio_complete(): the bytes transferred, or the dio's error; the dio is freed. */
export const iomap_dio_complete = helper(
  'iomap_dio_complete',
  function iomap_dio_complete(w: DioWorld, dio: number): number {
    const d = w.dios[dio]!;
    if (d.completed) violation('use-after-free', `iomap_dio_complete of the dio of ${d.by}, already completed`);
    d.completed = true;
    d.waiter = null;
    return d.error < 0 ? d.error : d.size;
  },
);

/** iomap_dio_bio_end_io: the bio's error into the dio, the last reference wakes or completes it, then release_bio. */
export const IOMAP_DIO_BIO_END_IO = register_bi_end_io<DioWorld>('iomap_dio_bio_end_io', (w, bio) => {
  const b = w.bios[bio]!;
  const d = w.dios[b.bi_private]!;
  if (d.completed)
    violation('use-after-free', `iomap_dio_bio_end_io of a bio of ${d.by}: its dio was already completed and freed`);
  if (b.bi_status < 0 && d.error === 0) d.error = b.bi_status;
  d.ref -= 1;
  if (d.ref === 0) {
    if (d.wait_for_completion)
      d.waiter = null; // WRITE_ONCE(dio->submit.waiter, NULL); blk_wake_io_task(waiter)
    else {
      const res = iomap_dio_complete(w, b.bi_private);
      kiCompleteTable.get(d.ki_complete, `the kiocb of ${d.by}`)(w, b.bi_private, res);
    }
  }
  return 'release';
});
