// A thread that truncates a file (truncate(2) by path) while the kernel may be reading it.
//
//   1. truncate   do_truncate(inode, size): -ETXTBSY while kernel_read_file denies writes

import { DONE, thread, type Thread } from '../../src/index.ts';
import { do_truncate } from '../kernel/inode.ts';
import type { KernelWorld } from '../kernel/world.ts';

export function truncater<W extends KernelWorld>(name: string, inode: number, size: number): Thread<W> {
  return thread<W, { ret: number }>({
    name,
    locals: { ret: 0 },
    steps: {
      truncate: {
        run: (k) => {
          k.local.ret = do_truncate(k.world, inode, size);
          return DONE;
        },
      },
    },
  });
}
