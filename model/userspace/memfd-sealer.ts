// A thread that adds seals to a memfd: fcntl(fd, F_ADD_SEALS, seal) (mm/memfd.c
// memfd_add_seals), in the steps another thread can come between. It picks which seal.
//
//   1. fcntl                fget(fd): -EBADF; not a memfd: -EINVAL
//   2. inode_lock           inode_lock(inode) (down_write; waits for readers such as udmabuf)
//                           already sealed F_SEAL_SEAL: -EPERM; F_SEAL_WRITE for the first
//                           time: mapping_deny_writable() (-EBUSY with writable mappings)
//   3. memfd_wait_for_pins  F_SEAL_WRITE: -EBUSY if pages stay pinned (mapping_allow_writable)
//   4. set_seals            *file_seals |= seals
//   5. inode_unlock         inode_unlock(inode); fput

import { DONE, thread, type Thread } from '../../src/index.ts';
import { EPERM } from '../kernel/errno.ts';
import { rwsemStep } from '../kernel/lock-wait.ts';
import { fput } from '../kernel/file.ts';
import {
  F_SEAL_SEAL,
  F_SEAL_WRITE,
  inodeLock,
  inode_unlock,
  mapping_allow_writable,
  mapping_deny_writable,
  memfd_wait_for_pins,
  fget_memfd,
  parseSeals,
  type MemfdWorld,
} from '../kernel/memfd.ts';

interface Locals {
  seals: number;
  file: number;
  memfd: number;
  ret: number;
}

/** seals: the seal sets it may add, one per choice, e.g. ['F_SEAL_WRITE', 'F_SEAL_FUTURE_WRITE']; pid: its process. */
export function memfdSealer<W extends MemfdWorld>(
  name: string,
  fd: number,
  seals: readonly string[],
  pid = 0,
): Thread<W> {
  const who = name;
  return thread<W, Locals>({
    name,
    locals: { seals: 0, file: -1, memfd: -1, ret: 0 },
    steps: {
      fcntl: {
        choices: seals,
        run: (k, seal) => {
          k.local.seals = parseSeals(String(seal));
          const got = fget_memfd(k.world, fd, pid);
          if (typeof got === 'number') return ((k.local.ret = got), DONE);
          k.local.file = got.file;
          k.local.memfd = got.memfd;
          return 'inode_lock';
        },
      },
      // down_write(&inode->i_rwsem), a named wait
      inode_lock: rwsemStep(
        (w, l) => inodeLock(w, l.memfd),
        'write',
        who,
        (k) => {
          const w = k.world;
          const m = w.memfds[k.local.memfd]!;
          if (m.seals & F_SEAL_SEAL) return ((k.local.ret = -EPERM), 'inode_unlock');
          if (k.local.seals & F_SEAL_WRITE && !(m.seals & F_SEAL_WRITE)) {
            const ret = mapping_deny_writable(w, k.local.memfd);
            if (ret < 0) return ((k.local.ret = ret), 'inode_unlock');
            return 'memfd_wait_for_pins';
          }
          return 'set_seals';
        },
      ),
      memfd_wait_for_pins: {
        run: (k) => {
          const ret = memfd_wait_for_pins(k.world, k.local.memfd);
          if (ret < 0) {
            mapping_allow_writable(k.world, k.local.memfd);
            return ((k.local.ret = ret), 'inode_unlock');
          }
          return 'set_seals';
        },
      },
      set_seals: {
        run: (k) => {
          k.world.memfds[k.local.memfd]!.seals |= k.local.seals;
          return 'inode_unlock';
        },
      },
      inode_unlock: {
        run: (k) => {
          inode_unlock(k.world, k.local.memfd, who);
          fput(k.world, k.local.file);
          return DONE;
        },
      },
    },
  });
}
