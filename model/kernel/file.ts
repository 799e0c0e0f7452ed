// struct file reference counting: get_file / fget / fput, and the release that runs on
// the last fput (include/linux/fs.h, fs/file_table.c): f_op->release. fput's deferred __fput is taken as
// immediate: the release runs before the caller's next step.

import { violation } from '../../src/index.ts';
import { EBADF } from './errno.ts';
import { f_op } from './file-operations.ts';
import { fdtableOf, type KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

/** Any use of a struct file after its last fput. */
export const assertLive = helper('assertLive', function assertLive(w: KernelWorld, file: number, what: string): void {
  const f = w.files[file]!;
  if (f.freed) violation('use-after-free', `${what} on ${f.name}, already released by its last fput`);
});

export const get_file = helper('get_file', function get_file(w: KernelWorld, file: number): void {
  assertLive(w, file, 'get_file');
  w.files[file]!.count += 1;
});

/** fget(fd): the file installed at fd (of process `pid`, current) with a new reference, or -EBADF. */
export const fget = helper('fget', function fget(w: KernelWorld, fd: number, pid = 0): number {
  const file = fdtableOf(w, pid).fd[fd];
  if (file === null || file === undefined) return -EBADF;
  assertLive(w, file, `fget(${fd})`);
  w.files[file]!.count += 1;
  return file;
});

export const fput = helper('fput', function fput(w: KernelWorld, file: number): void {
  assertLive(w, file, 'fput');
  const f = w.files[file]!;
  f.count -= 1;
  if (f.count > 0) return;
  // __fput: file->f_op->release
  f.freed = true;
  f_op(w, file).release?.(w, file);
});
