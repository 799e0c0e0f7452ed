// A thread that forks its process while the kernel path runs, and whose child exits at
// once: fork() takes a reference on every file in the fd table and on every mapping's file
// (dup_fd, dup_mmap), exit drops them again. Between the two, a file the kernel path
// believes it owns alone has more users (seed 001: counters copied by fork must be undone).
//
//   1. fork   copy_process(): the child's fd table and mm
//   2. exit   the child's do_exit(): close every fd, unmap every vma

import { DONE, thread, type Thread } from '../../src/index.ts';
import { copy_process, do_exit } from '../kernel/fork.ts';
import type { KernelWorld } from '../kernel/world.ts';

/** pid: the process that forks. */
export function forker<W extends KernelWorld>(name: string, pid = 0): Thread<W> {
  return thread<W, { child: number }>({
    name,
    locals: { child: -1 },
    steps: {
      fork: {
        run: (k) => {
          k.local.child = copy_process(k.world, pid);
          return 'exit';
        },
      },
      exit: {
        run: (k) => {
          do_exit(k.world, k.local.child);
          return DONE;
        },
      },
    },
  });
}
