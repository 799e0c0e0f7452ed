// struct file_operations (include/linux/fs.h): the table a driver gives its files. States
// are plain data, so a file records only its table's name (file->f_op); the tables live
// here, registered by name when the driver's module loads. A new driver registers its
// own table in its own file and edits nothing here.

import { opsTables } from './ops-table.ts';
import type { KernelWorld, Vma } from './world.ts';

export interface FileOperations<W extends KernelWorld = KernelWorld> {
  /** ->release: runs in __fput, on the last fput of the file */
  release?: (w: W, file: number) => void;
  /** ->mmap: set up a new vma of process `pid`, not yet in the mm (vm_file already holds a reference): vm_ops, flags, ptes; 0 or -errno */
  mmap?: (w: W, file: number, vma: Vma, pid: number) => number;
  /** ->read_iter / ->write_iter: `pages` pages at page offset `pos`; pages done or -errno (read-write.ts) */
  read_iter?: (w: W, file: number, pos: number, pages: number) => number;
  write_iter?: (w: W, file: number, pos: number, pages: number) => number;
  /** ->copy_file_range of the destination file (dma-buf's in the 002 series): pages copied or -errno */
  copy_file_range?: (w: W, file_in: number, pos_in: number, file_out: number, pos_out: number, pages: number) => number;
}

const tables = opsTables<FileOperations<any>>('file_operations');

/** Register a driver's table under its C name ('dma_buf_fops'). */
export function register_file_operations<W extends KernelWorld>(name: string, ops: FileOperations<W>): string {
  return tables.register(name, ops);
}

/** file->f_op: the table a file was opened with. */
export function f_op(w: KernelWorld, file: number): FileOperations {
  return tables.get(w.files[file]!.f_op, w.files[file]!.name);
}
