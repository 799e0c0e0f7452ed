// A read-write semaphore (include/linux/rwsem.h), as used for inode->i_rwsem:
// inode_lock() is down_write, inode_lock_shared() is down_read. Holders are named, so a
// trace shows who holds it; a step that takes it is enabled only when it is free enough.

import { ModelError, violation } from '../../src/index.ts';
import { helper } from './helpers.ts';

export interface Rwsem {
  /** the lock's name, as lockdep would print it ('memfd->i_rwsem') */
  name: string;
  /** the writer holding it, or null */
  writer: string | null;
  /** the readers holding it */
  readers: string[];
}

export const initRwsem = helper('initRwsem', function initRwsem(name = 'rwsem'): Rwsem {
  return { name, writer: null, readers: [] };
});

/** down_read would not sleep. */
export const canDownRead = helper('canDownRead', function canDownRead(sem: Rwsem): boolean {
  return sem.writer === null;
});

/** down_write would not sleep. */
export const canDownWrite = helper('canDownWrite', function canDownWrite(sem: Rwsem): boolean {
  return sem.writer === null && sem.readers.length === 0;
});

export const down_read = helper('down_read', function down_read(sem: Rwsem, who: string): void {
  // a step taking the lock must be guarded by canDownRead (it would sleep)
  if (!canDownRead(sem)) throw new ModelError(`${who} takes the rwsem for read in a step not guarded by canDownRead`);
  sem.readers.push(who);
});

export const up_read = helper('up_read', function up_read(sem: Rwsem, who: string): void {
  const i = sem.readers.indexOf(who);
  if (i < 0) violation('lock-imbalance', `${who} released a read lock it does not hold`);
  sem.readers.splice(i, 1);
});

export const down_write = helper('down_write', function down_write(sem: Rwsem, who: string): void {
  if (!canDownWrite(sem))
    throw new ModelError(`${who} takes the rwsem for write in a step not guarded by canDownWrite`);
  sem.writer = who;
});

export const up_write = helper('up_write', function up_write(sem: Rwsem, who: string): void {
  if (sem.writer !== who) violation('lock-imbalance', `${who} released a write lock it does not hold`);
  sem.writer = null;
});
