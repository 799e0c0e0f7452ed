// A thread that truncates a memfd: ftruncate(fd, size) -> do_truncate, under the inode lock
// (shmem_setattr: -EPERM when shrinking a memfd sealed F_SEAL_SHRINK). Folios past the new
// size leave the page cache; a pinned one lives on until its last unpin.
//
//   1. ftruncate   fget(fd): -EBADF; not a memfd: -EINVAL
//   2. do_truncate inode_lock; shmem_setattr; inode_unlock; fput

import { DONE, thread, type Thread } from '../../src/index.ts';
import { fput } from '../kernel/file.ts';
import { rwsemStep } from '../kernel/lock-wait.ts';
import { inodeLock, inode_unlock, fget_memfd, shmem_truncate, type MemfdWorld } from '../kernel/memfd.ts';

/** size: the new size, in pages; pid: its process. */
export function memfdTruncater<W extends MemfdWorld>(name: string, fd: number, size: number, pid = 0): Thread<W> {
  return thread<W, { file: number; memfd: number; ret: number }>({
    name,
    locals: { file: -1, memfd: -1, ret: 0 },
    steps: {
      ftruncate: {
        run: (k) => {
          const got = fget_memfd(k.world, fd, pid);
          if (typeof got === 'number') return ((k.local.ret = got), DONE);
          k.local.file = got.file;
          k.local.memfd = got.memfd;
          return 'do_truncate';
        },
      },
      // inode_lock (down_write, a named wait)
      do_truncate: rwsemStep(
        (w, l) => inodeLock(w, l.memfd),
        'write',
        name,
        (k) => {
          k.local.ret = shmem_truncate(k.world, k.local.memfd, size);
          inode_unlock(k.world, k.local.memfd, name);
          fput(k.world, k.local.file);
          return DONE;
        },
      ),
    },
  });
}
