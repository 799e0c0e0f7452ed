// A sleeping mutex (kernel/locking/mutex.c): one owner, recorded by name so a trace shows
// who holds it. A step that takes it must be guarded (mutexLockStep in lock-wait.ts does it
// and names the wait); taking it unguarded is a model bug, releasing a mutex one does not
// own is the `lock-imbalance` bug (DEBUG_MUTEXES warns), taking it twice in one thread a
// self-deadlock (lockdep).

import { ModelError, violation } from '../../src/index.ts';
import { helper } from './helpers.ts';

export interface Mutex {
  /** the lock's name, as lockdep would print it ('kvm->lock', 'ubuf0->lock') */
  name: string;
  /** the thread holding it, or null */
  owner: string | null;
}

/** mutex_init() / DEFINE_MUTEX() */
export const mutex_init = helper('mutex_init', function mutex_init(name: string): Mutex {
  return { name, owner: null };
});

/** mutex_lock() would not sleep. */
export const mutex_can_lock = helper('mutex_can_lock', function mutex_can_lock(m: Mutex): boolean {
  return m.owner === null;
});

export const mutex_lock = helper('mutex_lock', function mutex_lock(m: Mutex, who: string): void {
  if (m.owner === who) throw new ModelError(`${who} takes ${m.name}, which it already holds (a self-deadlock)`);
  if (m.owner !== null)
    throw new ModelError(`${who} takes ${m.name} (held by ${m.owner}) in a step not guarded by mutex_can_lock`);
  m.owner = who;
});

/** mutex_trylock(): 1 and taken, or 0. */
export const mutex_trylock = helper('mutex_trylock', function mutex_trylock(m: Mutex, who: string): number {
  if (m.owner !== null) return 0;
  m.owner = who;
  return 1;
});

export const mutex_unlock = helper('mutex_unlock', function mutex_unlock(m: Mutex, who: string): void {
  if (m.owner !== who)
    violation('lock-imbalance', `${who} released ${m.name}, which ${m.owner === null ? 'nobody' : m.owner} holds`);
  m.owner = null;
});

export const mutex_is_locked = helper('mutex_is_locked', function mutex_is_locked(m: Mutex): boolean {
  return m.owner !== null;
});
