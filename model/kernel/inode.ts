// Inode size and write access: i_size_read, deny_write_access / allow_write_access
// (held by kernel_read_file while it reads), and truncate (fs/open.c do_truncate).

import { ETXTBSY } from './errno.ts';
import type { KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

export const i_size_read = helper('i_size_read', function i_size_read(w: KernelWorld, inode: number): number {
  return w.inodes[inode]!.size;
});

export const deny_write_access = helper(
  'deny_write_access',
  function deny_write_access(w: KernelWorld, inode: number): void {
    w.inodes[inode]!.denyWrite += 1;
  },
);

export const allow_write_access = helper(
  'allow_write_access',
  function allow_write_access(w: KernelWorld, inode: number): void {
    w.inodes[inode]!.denyWrite -= 1;
  },
);

/** truncate(2): fails with -ETXTBSY while write access is denied. */
export const do_truncate = helper(
  'do_truncate',
  function do_truncate(w: KernelWorld, inode: number, size: number): number {
    const i = w.inodes[inode]!;
    if (i.denyWrite > 0) return -ETXTBSY;
    i.size = size;
    return 0;
  },
);
