// Inode size and write access: i_size_read, deny_write_access / allow_write_access
// (held by kernel_read_file while it reads), and truncate (fs/open.c do_truncate).

import { ETXTBSY } from './errno.ts';
import type { KernelWorld } from './world.ts';

export function i_size_read(w: KernelWorld, inode: number): number {
  return w.inodes[inode]!.size;
}

export function deny_write_access(w: KernelWorld, inode: number): void {
  w.inodes[inode]!.denyWrite += 1;
}

export function allow_write_access(w: KernelWorld, inode: number): void {
  w.inodes[inode]!.denyWrite -= 1;
}

/** truncate(2): fails with -ETXTBSY while write access is denied. */
export function do_truncate(w: KernelWorld, inode: number, size: number): number {
  const i = w.inodes[inode]!;
  if (i.denyWrite > 0) return -ETXTBSY;
  i.size = size;
  return 0;
}
