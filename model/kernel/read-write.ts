// read(2), write(2) and copy_file_range(2) through the file's operations (fs/read_write.c),
// in pages. A file without ->read_iter / ->write_iter refuses (-EINVAL); copy_file_range
// calls the destination's ->copy_file_range and, without one, fails with -EXDEV (the
// splice fallback between filesystems is not modelled: seed 002 is about who may copy).

import { EBADF, EINVAL, EXDEV } from './errno.ts';
import { assertLive } from './file.ts';
import { f_op } from './file-operations.ts';
import { helper } from './helpers.ts';
import type { KernelWorld } from './world.ts';

export const vfs_read = helper(
  'vfs_read',
  function vfs_read(w: KernelWorld, file: number, pos: number, pages: number): number {
    assertLive(w, file, 'vfs_read');
    const read = f_op(w, file).read_iter;
    return read ? read(w, file, pos, pages) : -EINVAL;
  },
);

export const vfs_write = helper(
  'vfs_write',
  function vfs_write(w: KernelWorld, file: number, pos: number, pages: number): number {
    assertLive(w, file, 'vfs_write');
    const write = f_op(w, file).write_iter;
    return write ? write(w, file, pos, pages) : -EINVAL;
  },
);

/** vfs_copy_file_range(): file_out's ->copy_file_range, or -EXDEV. */
export const vfs_copy_file_range = helper(
  'vfs_copy_file_range',
  function vfs_copy_file_range(
    w: KernelWorld,
    file_in: number,
    pos_in: number,
    file_out: number,
    pos_out: number,
    pages: number,
  ): number {
    if (file_in < 0 || file_out < 0) return -EBADF;
    assertLive(w, file_in, 'vfs_copy_file_range');
    assertLive(w, file_out, 'vfs_copy_file_range');
    const copy = f_op(w, file_out).copy_file_range;
    return copy ? copy(w, file_in, pos_in, file_out, pos_out, pages) : -EXDEV;
  },
);
