// A thread that opens files until the fd table is full (RLIMIT_NOFILE), so that the
// kernel's get_unused_fd_flags() fails with -EMFILE.
//
//   1. open   open("/dev/null") at the lowest free fd; loop until -EMFILE

import { DONE, thread, type Thread } from '../../src/index.ts';
import { fd_install, get_unused_fd_flags } from '../kernel/fdtable.ts';
import { NULL_FOPS } from '../kernel/fs.ts';
import { addInode, allocFile, type KernelWorld } from '../kernel/world.ts';

export function fdFiller<W extends KernelWorld>(name: string, pid = 0): Thread<W> {
  return thread<W, { opened: number }>({
    name,
    locals: { opened: 0 },
    steps: {
      open: {
        run: (k) => {
          const w = k.world;
          const fd = get_unused_fd_flags(w, pid);
          if (fd < 0) return DONE; // -EMFILE
          const file = allocFile(w, {
            name: `${name}.null${k.local.opened}`,
            f_op: NULL_FOPS,
            inode: addInode(w, '/dev/null', 0),
          });
          fd_install(w, fd, file, pid);
          k.local.opened += 1;
          return 'open';
        },
      },
    },
  });
}
