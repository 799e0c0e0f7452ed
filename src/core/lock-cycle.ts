// Deadlocks as a cycle of waits. A guarded step may say which lock it sleeps on and who
// holds it (`Step.waitsFor`); in a stuck state the engine follows "thread waits for a lock
// held by thread" from each blocked thread, and a path that comes back to where it started
// is the cycle lockdep would print as a "possible unsafe locking scenario" (t0 holds A and
// waits for B, t1 holds B and waits for A). The names are the model's: the engine knows no
// lock kinds, only that holders are named like threads.

/** What a blocked step waits for: the lock's name and the threads holding it. */
export interface LockWait {
  lock: string;
  holders: readonly string[];
}

/** One link of a cycle: `thread`, blocked at `step`, waits for `lock`, which `holder` holds. */
export interface WaitEdge {
  thread: string;
  step: string;
  lock: string;
  holder: string;
}

/** A blocked thread and what it waits for. */
export interface BlockedThread {
  thread: string;
  step: string;
  wait: LockWait;
}

/**
 * The first cycle of waits, starting from each blocked thread in turn (so the same state
 * always gives the same cycle, starting at the lowest blocked thread on it); a holder that
 * is not itself blocked ends a path. Undefined when there is none.
 */
export function lockCycle(blocked: readonly BlockedThread[]): WaitEdge[] | undefined {
  const of = (thread: string) => blocked.find((b) => b.thread === thread);
  for (const start of blocked) {
    const path: WaitEdge[] = [];
    let at: BlockedThread | undefined = start;
    while (at !== undefined && !path.some((e) => e.thread === at!.thread)) {
      // of several holders (readers of an rwsem), the first that is itself blocked
      const holder: string | undefined = at.wait.holders.find((h) => of(h) !== undefined) ?? at.wait.holders[0];
      if (holder === undefined) break;
      path.push({ thread: at.thread, step: at.step, lock: at.wait.lock, holder });
      at = of(holder);
    }
    if (at !== undefined && at.thread === start.thread && path.length > 0) return path;
  }
  return undefined;
}

/** 't0 waits for B held by t1, t1 waits for A held by t0' */
export function showCycle(cycle: readonly WaitEdge[]): string {
  return cycle.map((e) => `${e.thread} waits for ${e.lock} held by ${e.holder}`).join(', ');
}

/** The lock a thread of the cycle holds: the one the thread before it waits for. */
export function heldIn(cycle: readonly WaitEdge[], i: number): string {
  return cycle[(i + cycle.length - 1) % cycle.length]!.lock;
}
