// A kernel thread fed through a work list (the shape of heap_fwork_t in the dma-heap async
// read series): producers list_add_tail() under a spinlock and wake_up() the thread; the
// thread wait_event()s until the list is non-empty, list_splice_init()s it and runs the
// works one by one. The model thread exits once `quit` holds and the list is empty
// (kthread_stop is not modelled). wait_event_freezable() sleeps TASK_INTERRUPTIBLE: a
// pending signal ends it early with -ERESTARTSYS (see the kernel-doc of
// wait_event_freezable), which callers that ignore its return value must survive.

import { helper } from './helpers.ts';

export interface WorkList {
  /** queued works (indices into the model's work table), in order */
  queue: number[];
  /** atomic_t nr_work */
  nr_work: number;
}

export const emptyWorkList = helper('emptyWorkList', function emptyWorkList(): WorkList {
  return { queue: [], nr_work: 0 };
});

/** list_add_tail under the lock, atomic_inc(nr_work), wake_up(threadwq). */
export const queue_work = helper('queue_work', function queue_work(l: WorkList, work: number): void {
  l.queue.push(work);
  l.nr_work += 1;
});

/** list_splice_init(&works, &local): take every queued work. */
export const splice_works = helper('splice_works', function splice_works(l: WorkList): number[] {
  const out = l.queue;
  l.queue = [];
  return out;
});

/** Choices of a wait_event step: 'woken' once the condition holds; a signal while it does not (if the wait is interruptible). */
export const waitChoices = helper(
  'waitChoices',
  function waitChoices(condition: boolean, interruptible: boolean): string[] {
    if (condition) return ['woken'];
    return interruptible ? ['-ERESTARTSYS'] : [];
  },
);
