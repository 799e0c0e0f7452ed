// The kernel world shared by every model: files, inodes, page frames, dma-bufs, and the
// processes, each with its fd table and its mm (VMAs, rss counters). Plain data only:
// objects are referred to by their index, and nothing is ever removed from a table (a freed
// object, an unmapped vma, is marked), so indices stay stable and a use after free can be seen.

import { helper } from './helpers.ts';
import type { Mutex } from './mutex.ts';

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
  /** vmapping_counter */
  vmaps: number;
  freed: boolean;
  /** dmabuf->priv: an index into the exporter's table (the system heap: its buffer in world.heap_buffers; a udmabuf: its ubuf); -1 if none */
  priv: number;
  /** dmabuf->size, in pages */
  size: number;
}

/**
 * struct dma_buf_attachment (dma_buf_attach), kept once kfree'd so a later use is seen; the
 * ones still `listed` are on their dma-buf's dmabuf->attachments.
 */
export interface DmaBufAttachment {
  /** attach->dmabuf */
  dmabuf: number;
  /** attach->dev: the importer's device */
  dev: string;
  /** on dmabuf->attachments (list_add in dma_buf_attach, list_del in dma_buf_detach) */
  listed: boolean;
  /** the sg table dma_buf_map_attachment returned: none yet (or unmapped), mapped, or ERR_PTR */
  sgt: 'none' | 'mapped' | 'error';
  /** kfree(attach) in dma_buf_detach */
  freed: boolean;
}

// include/linux/mm.h vm_flags (the ones the models use)
export const VM_READ = 0x1;
export const VM_WRITE = 0x2;
export const VM_SHARED = 0x8;
export const VM_DONTCOPY = 0x20000;
export const VM_DONTEXPAND = 0x40000;
export const VM_PFNMAP = 0x400;
/** seed 001's patch 2/2 ("mm: dmabuf_direct_io: Fix memory statistics error ..."): not upstream */
export const VM_DMABUF_DIO = 0x800;
export const VM_IO = 0x4000;
export const VM_DONTDUMP = 0x4000000;
export const VM_MIXEDMAP = 0x10000000;

/**
 * A present page table entry: a page frame (index in world.pages), or memory the world keeps
 * as folios (a memfd's page cache: the folio and the page in it). null: pte_none.
 */
export type Pte = null | { page: number } | { folio: number; index: number };

/** struct system_heap_buffer (system-heap.ts): the pages of a heap dma-buf. */
export interface SystemHeapBuffer {
  /** the buffer's page frames, in order (its sg_table: one entry per page, offset 0) */
  pages: number[];
  /** the inode the buffer is filled from (DMA_HEAP_ALLOC_AND_READ_FILE), or -1 */
  source: number;
  /** buffer->lock */
  lock: Mutex;
  /** buffer->attachments: the importers attached */
  attachments: string[];
  /** buffer->vmap_cnt */
  vmap_cnt: number;
  /** user mappings, counted only by the exclusive-incl-mmap design of seed 002 (upstream counts none) */
  mmap_cnt: number;
}

export interface Vma {
  /** vma->vm_start, in pages */
  vm_start: number;
  /** vma_pages(): (vm_end - vm_start) in pages */
  pages: number;
  /** vma->vm_pgoff: the file page mapped at vm_start */
  vm_pgoff: number;
  vm_flags: number;
  /** vma->vm_file (holds a file reference), or -1 (anonymous, or unmapped) */
  vm_file: number;
  /** vma->vm_ops: the name its driver registered its vm_operations_struct under (mm.ts), or '' */
  vm_ops: string;
  /** vma->vm_private_data, an index into the driver's table, or -1 */
  vm_private_data: number;
  /** one entry per page of the vma */
  ptes: Pte[];
  /** the vma is still in the mm (munmap marks it) */
  mapped: boolean;
  /** the userspace thread that mapped it */
  owner: string;
}

/** The mm's rss counters (include/linux/mm_types_task.h: MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES). */
export interface RssStat {
  MM_FILEPAGES: number;
  MM_ANONPAGES: number;
  MM_SHMEMPAGES: number;
}

export interface MmStruct {
  /** the vmas, by index (an unmapped one stays, marked) */
  vmas: Vma[];
  rss: RssStat;
  /** mm->highest_vm_end: the end of every vma the mm ever had (mm.ts: addresses are not reused) */
  highest_vm_end: number;
}

export interface FdTable {
  /** fd -> file index, or null; its length is RLIMIT_NOFILE */
  fd: (number | null)[];
  /** numbers reserved by get_unused_fd_flags() and not yet installed */
  reserved: boolean[];
}

/** A process: task->files (its fd table) and task->mm. Its threads share both. */
export interface Process {
  pid: number;
  fdtable: FdTable;
  mm: MmStruct;
  /** do_exit ran: its files are closed and its mm torn down */
  exited: boolean;
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
  /** the system heap's buffers (dmabuf->priv of its dma-bufs) */
  heap_buffers: SystemHeapBuffer[];
  /** by pid; process 0 is the one every model starts with (its threads: all of them, unless a model forks) */
  processes: Process[];
  observed: Observation[];
  returned: Syscall[];
}

export function emptyWorld(rlimitNofile: number, pageFrames: number): KernelWorld {
  return {
    files: [],
    inodes: [],
    pages: Array.from({ length: pageFrames }, () => ({ free: true, data: null })),
    dmabufs: [],
    heap_buffers: [],
    processes: [newProcess(0, rlimitNofile)],
    observed: [],
    returned: [],
  };
}

/** A process with an empty fd table of RLIMIT_NOFILE entries and an empty mm. */
export function newProcess(pid: number, rlimitNofile: number): Process {
  return {
    pid,
    fdtable: {
      fd: Array.from({ length: rlimitNofile }, () => null),
      reserved: Array.from({ length: rlimitNofile }, () => false),
    },
    mm: { vmas: [], rss: { MM_FILEPAGES: 0, MM_ANONPAGES: 0, MM_SHMEMPAGES: 0 }, highest_vm_end: 0 },
    exited: false,
  };
}

/** current->files of process `pid` (0 unless a model forks) */
export const fdtableOf = (w: KernelWorld, pid = 0): FdTable => w.processes[pid]!.fdtable;

/** current->mm of process `pid` */
export const mmOf = (w: KernelWorld, pid = 0): MmStruct => w.processes[pid]!.mm;

/**
 * Over every installed fd of every process, in pid then fd order: the first value `f`
 * returns that is not undefined (properties check every state: this allocates nothing).
 */
export function findFd<T>(w: KernelWorld, f: (pid: number, fd: number, file: number) => T | undefined): T | undefined {
  for (const p of w.processes) {
    const fds = p.fdtable.fd;
    for (let fd = 0; fd < fds.length; fd++) {
      const file = fds[fd];
      if (file === null || file === undefined) continue;
      const r = f(p.pid, fd, file);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** Every installed fd of every process: [pid, fd, file]. */
export function everyFd(w: KernelWorld): [number, number, number][] {
  const out: [number, number, number][] = [];
  findFd(w, (pid, fd, file) => void out.push([pid, fd, file]));
  return out;
}

/** 'fd 3', or 'fd 3 of pid 1' outside process 0 */
export const fdName = (pid: number, fd: number): string => (pid === 0 ? `fd ${fd}` : `fd ${fd} of pid ${pid}`);

/** Over every mapped vma of every process: the first value `f` returns that is not undefined. */
export function findVma<T>(w: KernelWorld, f: (pid: number, vma: Vma) => T | undefined): T | undefined {
  for (const p of w.processes) {
    for (const v of p.mm.vmas) {
      if (!v.mapped) continue;
      const r = f(p.pid, v);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** Every mapped vma of every process, with its pid. */
export function everyVma(w: KernelWorld): { pid: number; vma: Vma }[] {
  const out: { pid: number; vma: Vma }[] = [];
  findVma(w, (pid, vma) => void out.push({ pid, vma }));
  return out;
}

/** alloc_file(): a new struct file with f_count 1, owned by the caller. */
export const allocFile = helper(
  'allocFile',
  function allocFile(
    w: KernelWorld,
    file: { name: string; f_op: string; inode?: number; private_data?: number },
  ): number {
    w.files.push({
      name: file.name,
      f_op: file.f_op,
      count: 1,
      freed: false,
      inode: file.inode ?? -1,
      private_data: file.private_data ?? -1,
    });
    return w.files.length - 1;
  },
);

export const addInode = helper('addInode', function addInode(w: KernelWorld, name: string, size: number): number {
  w.inodes.push({ name, size, denyWrite: 0 });
  return w.inodes.length - 1;
});
