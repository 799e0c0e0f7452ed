// A thread of the same process that closes an fd it guessed (or the one it was told),
// while the kernel may still be using the file behind it.
//
//   1. close   close(fd): remove it from the table, fput

import { DONE, thread, type Thread } from '../../src/index.ts';
import { close_fd, fdNumbers } from '../kernel/fdtable.ts';
import type { KernelWorld } from '../kernel/world.ts';

/** fds: the numbers it may close (default: any number below RLIMIT_NOFILE); pid: its process. */
export function fdCloser<W extends KernelWorld>(
  name: string,
  fds?: readonly number[],
  symmetry = 'fd-closer',
  pid = 0,
): Thread<W> {
  return thread<W, {}>({
    name,
    locals: {},
    symmetry: pid === 0 ? symmetry : `${symmetry}@pid${pid}`, // threads of different processes are not interchangeable
    steps: {
      close: {
        choices: (w) => fds ?? fdNumbers(w, pid),
        run: (k, fd) => {
          close_fd(k.world, Number(fd), pid);
          return DONE;
        },
      },
    },
  });
}
