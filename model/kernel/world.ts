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

export type FileKind = 'regular' | 'dma_heap' | 'dma_buf';

export interface File {
  name: string;
  kind: FileKind;
  /** f_count */
  count: number;
  /** the last fput ran the release: any further use is a use-after-free */
  freed: boolean;
  /** regular files: the inode; -1 otherwise */
  inode: number;
  /** dma_buf files: file->private_data, the dma-buf; -1 otherwise */
  dmabuf: number;
}

export interface Page {
  free: boolean;
  /** the file page it holds (page i of a file holds i), or null when it holds none */
  data: number | null;
}

export interface DmaBuf {
  /** whose ops: dmabuf->ops->release differs per exporter */
  exporter: 'system_heap' | 'udmabuf';
  file: number;
  /** the heap buffer's pages, in order */
  pages: number[];
  /** vmapping_counter */
  vmaps: number;
  freed: boolean;
  /** the inode the buffer is filled from (DMA_HEAP_ALLOC_AND_READ_FILE), or -1 */
  source: number;
  /** dmabuf->priv of a udmabuf: the ubuf (index in UdmabufWorld.udmabufs); absent otherwise */
  priv?: number;
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

/** A new struct file with f_count 1, owned by the caller. */
export function allocFile(w: KernelWorld, file: Omit<File, 'count' | 'freed'>): number {
  w.files.push({ ...file, count: 1, freed: false });
  return w.files.length - 1;
}

export function addInode(w: KernelWorld, name: string, size: number): number {
  w.inodes.push({ name, size, denyWrite: 0 });
  return w.inodes.length - 1;
}
