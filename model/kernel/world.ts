// The kernel world shared by every model: files, the process fd table, inodes, page
// frames, dma-bufs, and userspace mappings. Plain data only: objects are referred to by
// their index, and nothing is ever removed from a table (a freed object is marked), so
// indices stay stable and a use after free can be seen.

export interface Inode {
  name: string;
  /** i_size, in pages; page i of the file holds the value i */
  size: number;
  /** deny_write_access() count (kernel_read_file holds it while reading) */
  denyWrite: number;
}

export interface File {
  name: string;
  /** file->f_op: the name its driver registered its file_operations under (file-operations.ts) */
  f_op: string;
  /** f_count */
  count: number;
  /** the last fput ran the release: any further use is a use-after-free */
  freed: boolean;
  /** regular files: the inode; -1 otherwise */
  inode: number;
  /** file->private_data, an index into the driver's table (a dma-buf file: its dma-buf); -1 if none */
  private_data: number;
}

export interface Page {
  free: boolean;
  /** the file page it holds (page i of a file holds i), or null when it holds none */
  data: number | null;
}

export interface DmaBuf {
  /** dmabuf->ops: the name the exporter registered its dma_buf_ops under (dma-buf.ts) */
  ops: string;
  file: number;
  /** the heap buffer's pages, in order */
  pages: number[];
  /** vmapping_counter */
  vmaps: number;
  freed: boolean;
  /** the inode the buffer is filled from (DMA_HEAP_ALLOC_AND_READ_FILE), or -1 */
  source: number;
  /** dmabuf->priv: an index into the exporter's table (a udmabuf: its ubuf); -1 if none */
  priv: number;
}

export interface Vma {
  /** vma->vm_file (holds a file reference) */
  file: number;
  /** the userspace thread that mapped it */
  owner: string;
}

export interface FdTable {
  /** fd -> file index, or null; its length is RLIMIT_NOFILE */
  fd: (number | null)[];
  /** numbers reserved by get_unused_fd_flags() and not yet installed */
  reserved: boolean[];
}

/** What a userspace thread read out of a dma-buf mapping. */
export interface Observation {
  thread: string;
  fd: number;
  dmabuf: number;
  /** pages holding the file's data, of pages that should */
  filled: number;
  expected: number;
}

/** A system call that has returned to userspace: its return value and the files it created. */
export interface Syscall {
  thread: string;
  call: string;
  ret: number;
  files: number[];
}

export interface KernelWorld {
  files: File[];
  inodes: Inode[];
  pages: Page[];
  dmabufs: DmaBuf[];
  vmas: Vma[];
  fdtable: FdTable;
  observed: Observation[];
  returned: Syscall[];
}

export function emptyWorld(rlimitNofile: number, pageFrames: number): KernelWorld {
  return {
    files: [],
    inodes: [],
    pages: Array.from({ length: pageFrames }, () => ({ free: true, data: null })),
    dmabufs: [],
    vmas: [],
    observed: [],
    returned: [],
    fdtable: { fd: Array.from({ length: rlimitNofile }, () => null), reserved: Array.from({ length: rlimitNofile }, () => false) },
  };
}

/** alloc_file(): a new struct file with f_count 1, owned by the caller. */
export function allocFile(w: KernelWorld, file: { name: string; f_op: string; inode?: number; private_data?: number }): number {
  w.files.push({ name: file.name, f_op: file.f_op, count: 1, freed: false, inode: file.inode ?? -1, private_data: file.private_data ?? -1 });
  return w.files.length - 1;
}

export function addInode(w: KernelWorld, name: string, size: number): number {
  w.inodes.push({ name, size, denyWrite: 0 });
  return w.inodes.length - 1;
}
