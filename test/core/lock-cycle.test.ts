// The cycle of waits a deadlock is explained by (src/core/lock-cycle.ts), on hand-made
// lists of blocked threads: a cycle is found from whichever thread is on it, a chain that
// ends at a thread not blocked is no cycle, and a reader-held rwsem follows the holder
// that is itself blocked.

import { describe, expect, it } from 'vitest';
import { lockCycle, showCycle } from '../../src/index.ts';
import { heldIn } from '../../src/core/lock-cycle.ts';

const blocked = (thread: string, lock: string, ...holders: string[]) => ({
  thread,
  step: `lock_${lock}`,
  wait: { lock, holders },
});

describe('lockCycle', () => {
  it('AB-BA: t0 waits for B held by t1, t1 waits for A held by t0; t0 holds A, t1 holds B', () => {
    const cycle = lockCycle([blocked('t0', 'B', 't1'), blocked('t1', 'A', 't0')])!;
    expect(showCycle(cycle)).toBe('t0 waits for B held by t1, t1 waits for A held by t0');
    expect([heldIn(cycle, 0), heldIn(cycle, 1)]).toEqual(['A', 'B']);
  });

  it('a thread waiting on the cycle from outside it is not part of it: the cycle starts at the first thread on it', () => {
    const cycle = lockCycle([blocked('t0', 'A', 't1'), blocked('t1', 'B', 't2'), blocked('t2', 'A', 't1')])!;
    expect(showCycle(cycle)).toBe('t1 waits for B held by t2, t2 waits for A held by t1');
  });

  it('a chain ending at a thread that is not blocked (it waits for I/O, or runs) is no cycle', () => {
    expect(lockCycle([blocked('t0', 'A', 't1'), blocked('t1', 'B', 'bio')])).toBeUndefined();
    expect(lockCycle([])).toBeUndefined();
  });

  it('a lock held by several readers: the reader that is itself blocked closes the cycle', () => {
    const cycle = lockCycle([blocked('w', 'i_rwsem', 'r0', 'r1'), blocked('r1', 'M', 'w')])!;
    expect(showCycle(cycle)).toBe('w waits for i_rwsem held by r1, r1 waits for M held by w');
  });

  it('a thread waiting for a lock it holds itself is a cycle of one', () => {
    expect(showCycle(lockCycle([blocked('t0', 'A', 't0')])!)).toBe('t0 waits for A held by t0');
  });
});
