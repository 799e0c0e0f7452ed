// The process fd table shared by all threads (fs/file.c): new fds take the lowest free
// number below RLIMIT_NOFILE, so the next fd is trivial to guess; an installed fd is
// usable by every thread at once.

import { fput } from './file.ts';
import { EBADF, EMFILE } from './errno.ts';
import type { KernelWorld } from './world.ts';

/** Reserve the lowest free fd number (not yet visible to other threads), or -EMFILE. */
export function get_unused_fd_flags(w: KernelWorld): number {
  const t = w.fdtable;
  const fd = t.fd.findIndex((f, i) => f === null && !t.reserved[i]);
  if (fd < 0) return -EMFILE;
  t.reserved[fd] = true;
  return fd;
}

export function put_unused_fd(w: KernelWorld, fd: number): void {
  w.fdtable.reserved[fd] = false;
}

/** Publish a reserved fd: the caller's file reference now belongs to the table. Cannot fail. */
export function fd_install(w: KernelWorld, fd: number, file: number): void {
  w.fdtable.reserved[fd] = false;
  w.fdtable.fd[fd] = file;
}

/** close(fd): remove it from the table and drop the table's reference. */
export function close_fd(w: KernelWorld, fd: number): number {
  const file = w.fdtable.fd[fd];
  if (file === null || file === undefined) return -EBADF;
  w.fdtable.fd[fd] = null;
  fput(w, file);
  return 0;
}

export function installedFds(w: KernelWorld): number[] {
  return w.fdtable.fd.flatMap((f, fd) => (f === null ? [] : [fd]));
}
