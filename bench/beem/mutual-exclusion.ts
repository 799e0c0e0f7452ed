// The property of BEEM's mutual-exclusion models (their `collision`: more than one process
// in CS), read off the world's `critical` counter, as pan's -DCHECK_MUTEX counts it: the
// property reads no thread, so steps on locals alone stay invisible to it (ample sets) and
// its verdict is cached by that one slot.

import { always } from '../../src/index.ts';

export const mutualExclusion = <W extends { critical: number }>() =>
  always<W>('mutual-exclusion', 'no two processes are in the critical section', ({ world: w }) =>
    w.critical > 1 ? `${w.critical} processes are in CS` : undefined,
  );
