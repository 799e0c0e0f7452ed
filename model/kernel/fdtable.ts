// A process's fd table, shared by all its threads (fs/file.c): new fds take the lowest free
// number below RLIMIT_NOFILE, so the next fd is trivial to guess; an installed fd is
// usable by every thread of the process at once. `pid` is the calling process (current):
// 0 unless a model forks.

import { fput } from './file.ts';
import { ModelError } from '../../src/index.ts';
import { EBADF, EMFILE } from './errno.ts';
import { fdtableOf, type KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

/** Reserve the lowest free fd number (not yet visible to other threads), or -EMFILE. */
export const get_unused_fd_flags = helper(
  'get_unused_fd_flags',
  function get_unused_fd_flags(w: KernelWorld, pid = 0): number {
    const t = fdtableOf(w, pid);
    const fd = t.fd.findIndex((f, i) => f === null && !t.reserved[i]);
    if (fd < 0) return -EMFILE;
    t.reserved[fd] = true;
    return fd;
  },
);

/**
 * The table, for a kernel call on fd number `fd`: a number outside it (fd_install of an
 * unchecked -EMFILE writes fd[-24]) is memory corruption the model cannot go on from, so
 * it is a model error, never a silent write beside the table.
 */
function slotOf(w: KernelWorld, fd: number, pid: number, call: string) {
  const t = fdtableOf(w, pid);
  if (!Number.isInteger(fd) || fd < 0 || fd >= t.fd.length)
    throw new ModelError(`${call}(${fd}): fd out of the table (0..${t.fd.length - 1}): an unchecked error return?`);
  return t;
}

export const put_unused_fd = helper('put_unused_fd', function put_unused_fd(w: KernelWorld, fd: number, pid = 0): void {
  slotOf(w, fd, pid, 'put_unused_fd').reserved[fd] = false;
});

/** Publish a reserved fd: the caller's file reference now belongs to the table. Cannot fail. */
export const fd_install = helper(
  'fd_install',
  function fd_install(w: KernelWorld, fd: number, file: number, pid = 0): void {
    const t = slotOf(w, fd, pid, 'fd_install');
    t.reserved[fd] = false;
    t.fd[fd] = file;
  },
);

/** close(fd): remove it from the table and drop the table's reference. */
export const close_fd = helper('close_fd', function close_fd(w: KernelWorld, fd: number, pid = 0): number {
  const t = fdtableOf(w, pid);
  const file = t.fd[fd];
  if (file === null || file === undefined) return -EBADF;
  t.fd[fd] = null;
  fput(w, file);
  return 0;
});

export const installedFds = helper('installedFds', function installedFds(w: KernelWorld, pid = 0): number[] {
  return fdtableOf(w, pid).fd.flatMap((f, fd) => (f === null ? [] : [fd]));
});

/** The fd numbers of a process's table (what a thread guessing an fd can try). */
export const fdNumbers = helper('fdNumbers', function fdNumbers(w: KernelWorld, pid = 0): number[] {
  return fdtableOf(w, pid).fd.map((_, fd) => fd);
});
