// memfds (mm/memfd.c, mm/shmem.c): a page cache of folios of mixed sizes, seals and
// F_ADD_SEALS, the inode lock, writable shared mappings (i_mmap_writable), truncation, and
// memfd_pin_folios() (mm/gup.c) with its contract:
//   - [start, end] are byte offsets, end inclusive; end >= i_size: -EINVAL;
//   - every folio meeting the range is pinned once, as a whole, and returned once, in file
//     order (a folio that only partly covers the range too); *offset is the byte offset of
//     start in the first folio; a hole is filled by memfd_alloc_folio() (a 1-page folio);
//   - a folio covered by two calls is pinned twice;
//   - on failure (memfd_alloc_folio, migration of unpinnable folios) it unpins what it
//     pinned and returns -errno: the caller holds no pin from a failed call.
// memfd_add_seals() is split into the steps a racing thread can interleave with: take the
// inode lock, mapping_deny_writable + memfd_wait_for_pins (F_SEAL_WRITE only), set the seals.

import { EBUSY, EINVAL, EPERM } from './errno.ts';
import { fget, fput } from './file.ts';
import { PAGE_SIZE, try_grab_folio, unpin_folios, type FolioWorld } from './folio.ts';
import { canDownRead, canDownWrite, down_read, down_write, initRwsem, up_read, up_write, type Rwsem } from './rwsem.ts';
import { register_file_operations } from './file-operations.ts';
import { register_vm_operations, set_pte, VM_FAULT_SIGBUS, vmaOf } from './mm.ts';
import { addInode, allocFile, VM_SHARED, VM_WRITE } from './world.ts';
import { helper } from './helpers.ts';

/**
 * shmem_vm_ops: .fault = shmem_fault (the folio of the page; past i_size, or a hole: SIGBUS
 * here, where shmem would allocate); .close of a writable shared mapping:
 * mapping_unmap_writable() (mm/mmap.c does it for every file; only memfds count here).
 */
export const SHMEM_VM_OPS = register_vm_operations<MemfdWorld>('shmem_vm_ops', {
  fault: (w, pid, vma, pgoff) => {
    const v = vmaOf(w, pid, vma);
    const memfd = memfdOf(w, v.vm_file);
    const folio = w.memfds[memfd]!.cache.find(
      (f) => pgoff >= w.folios[f]!.index && pgoff < w.folios[f]!.index + w.folios[f]!.nrPages,
    );
    if (pgoff >= w.inodes[w.memfds[memfd]!.inode]!.size || folio === undefined) return VM_FAULT_SIGBUS;
    set_pte(w, pid, vma, pgoff - v.vm_pgoff, { folio, index: pgoff - w.folios[folio]!.index });
    return 0;
  },
  close: (w, pid, vma) => {
    const v = vmaOf(w, pid, vma);
    if ((v.vm_flags & (VM_SHARED | VM_WRITE)) === (VM_SHARED | VM_WRITE))
      munmap_memfd_writable(w, memfdOf(w, v.vm_file));
  },
});

/**
 * shmem_file_operations: nothing to release that the models look at (the inode lives on in
 * its table); .mmap = shmem_mmap, with the seal check and mapping_map_writable() of a
 * writable shared mapping (memfd_check_seals_mmap, -EPERM).
 */
export const SHMEM_FILE_OPERATIONS = register_file_operations<MemfdWorld>('shmem_file_operations', {
  mmap: (w, file, vma) => {
    const memfd = memfdOf(w, file);
    if ((vma.vm_flags & (VM_SHARED | VM_WRITE)) === (VM_SHARED | VM_WRITE)) {
      const ret = mmap_memfd_writable(w, memfd);
      if (ret < 0) return ret;
    }
    vma.vm_ops = SHMEM_VM_OPS;
    return 0;
  },
});

// include/uapi/linux/fcntl.h
export const F_SEAL_SEAL = 0x1;
export const F_SEAL_SHRINK = 0x2;
export const F_SEAL_GROW = 0x4;
export const F_SEAL_WRITE = 0x8;
export const F_SEAL_FUTURE_WRITE = 0x10;

const SEAL_NAMES: [number, string][] = [
  [F_SEAL_SEAL, 'F_SEAL_SEAL'],
  [F_SEAL_SHRINK, 'F_SEAL_SHRINK'],
  [F_SEAL_GROW, 'F_SEAL_GROW'],
  [F_SEAL_WRITE, 'F_SEAL_WRITE'],
  [F_SEAL_FUTURE_WRITE, 'F_SEAL_FUTURE_WRITE'],
];

/** 'F_SEAL_SHRINK|F_SEAL_WRITE' -> 0xa ('' or '0' -> 0) */
export const parseSeals = helper('parseSeals', function parseSeals(text: string): number {
  let seals = 0;
  for (const name of text
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '0')) {
    const found = SEAL_NAMES.find(([, n]) => n === name);
    if (!found) throw new Error(`unknown seal ${name}`);
    seals |= found[0];
  }
  return seals;
});

export const showSeals = helper('showSeals', function showSeals(seals: number): string {
  return (
    SEAL_NAMES.filter(([bit]) => seals & bit)
      .map(([, n]) => n)
      .join('|') || '0'
  );
});

export interface Memfd {
  name: string;
  /** its inode in world.inodes (i_size there, in pages) */
  inode: number;
  /** *memfd_file_seals_ptr() */
  seals: number;
  /** mapping->i_mmap_writable: writable shared mappings; negative once denied (F_SEAL_WRITE) */
  i_mmap_writable: number;
  /** inode->i_rwsem */
  i_rwsem: Rwsem;
  /** the page cache: folios (indices in world.folios), in file order */
  cache: number[];
}

export interface MemfdWorld extends FolioWorld {
  memfds: Memfd[];
}

/**
 * memfd_create() + populate: folios of the given sizes in pages (0: a hole, a page not yet
 * in the page cache), then F_ADD_SEALS of `seals`. Returns the new file (f_count 1).
 */
export const memfd_create = helper(
  'memfd_create',
  function memfd_create(w: MemfdWorld, name: string, folioPages: readonly number[], seals: number): number {
    const size = folioPages.reduce((n, p) => n + Math.max(p, 1), 0);
    const inode = addInode(w, name, size);
    const memfd = w.memfds.length;
    const cache: number[] = [];
    let index = 0;
    for (const pages of folioPages) {
      if (pages > 0) {
        cache.push(w.folios.length);
        w.folios.push({ memfd, index, nrPages: pages, pincount: 0, pins: [], inCache: true, locked: null });
      }
      index += Math.max(pages, 1);
    }
    // F_ADD_SEALS of F_SEAL_WRITE takes mapping_deny_writable() for good
    w.memfds.push({
      name,
      inode,
      seals,
      i_mmap_writable: seals & F_SEAL_WRITE ? -1 : 0,
      i_rwsem: initRwsem(`${name}->i_rwsem`),
      cache,
    });
    return allocFile(w, { name, f_op: SHMEM_FILE_OPERATIONS, inode });
  },
);

/** The memfd behind a file, or -1 (shmem_file() / is_file_hugepages() fail). */
export const memfdOf = helper('memfdOf', function memfdOf(w: MemfdWorld, file: number): number {
  const inode = w.files[file]!.inode;
  return inode < 0 ? -1 : w.memfds.findIndex((m) => m.inode === inode);
});

/** fget(fd) of a memfd, as fcntl/ftruncate on it start: its file and memfd, or -EBADF / -EINVAL (not a memfd, reference dropped). */
export const fget_memfd = helper('fget_memfd', function fget_memfd(w: MemfdWorld, fd: number, pid = 0):
  | { file: number; memfd: number }
  | number {
  const file = fget(w, fd, pid);
  if (file < 0) return file;
  const memfd = memfdOf(w, file);
  if (memfd < 0) {
    fput(w, file);
    return -EINVAL;
  }
  return { file, memfd };
});

/** memfd_fcntl(F_GET_SEALS) */
export const memfd_get_seals = helper('memfd_get_seals', function memfd_get_seals(w: MemfdWorld, file: number): number {
  const m = memfdOf(w, file);
  return m < 0 ? -EINVAL : w.memfds[m]!.seals;
});

/** i_size_read(), in bytes */
export const memfdSize = helper('memfdSize', function memfdSize(w: MemfdWorld, memfd: number): number {
  return w.inodes[w.memfds[memfd]!.inode]!.size * PAGE_SIZE;
});

/** Some struct file of the memfd is still open (its inode is not evicted). */
export const memfdOpen = helper('memfdOpen', function memfdOpen(w: MemfdWorld, memfd: number): boolean {
  const inode = w.memfds[memfd]!.inode;
  return w.files.some((f) => !f.freed && f.inode === inode);
});

/** A folio's memory is still there: pinned, or in the page cache of an open memfd. */
export const folioLive = helper('folioLive', function folioLive(w: MemfdWorld, folio: number): boolean {
  const f = w.folios[folio]!;
  return f.pincount > 0 || (f.inCache && memfdOpen(w, f.memfd));
});

/** The page cache folio holding file page `index`, or -1. */
export const filemap_get_folio = helper(
  'filemap_get_folio',
  function filemap_get_folio(w: MemfdWorld, memfd: number, index: number): number {
    return (
      w.memfds[memfd]!.cache.find(
        (f) => w.folios[f]!.index <= index && index < w.folios[f]!.index + w.folios[f]!.nrPages,
      ) ?? -1
    );
  },
);

/** memfd_alloc_folio(): a new 1-page folio added to the page cache at `index`. */
export const memfd_alloc_folio = helper(
  'memfd_alloc_folio',
  function memfd_alloc_folio(w: MemfdWorld, memfd: number, index: number): number {
    const folio = w.folios.length;
    w.folios.push({ memfd, index, nrPages: 1, pincount: 0, pins: [], inCache: true, locked: null });
    const m = w.memfds[memfd]!;
    m.cache.push(folio);
    m.cache.sort((a, b) => w.folios[a]!.index - w.folios[b]!.index);
    return folio;
  },
);

export interface PinnedFolios {
  /** number of folios pinned, or -errno */
  ret: number;
  folios: number[];
  /** byte offset of start in the first folio */
  offset: number;
}

/**
 * memfd_pin_folios(memfd, start, end, folios, max_folios, &offset). `holder` is ghost (who the
 * pins are for); `failWith` injects the failure of memfd_alloc_folio / migration after the
 * pins were taken, which the real code undoes with unpin_folios() before returning.
 */
export const memfd_pin_folios = helper(
  'memfd_pin_folios',
  function memfd_pin_folios(
    w: MemfdWorld,
    file: number,
    start: number,
    end: number,
    maxFolios: number,
    holder: string,
    failWith?: number,
  ): PinnedFolios {
    const einval = { ret: -EINVAL, folios: [], offset: 0 };
    if (start < 0 || start > end || maxFolios <= 0) return einval;
    const memfd = memfdOf(w, file);
    if (memfd < 0) return einval;
    if (end >= memfdSize(w, memfd)) return einval;
    const writeSealed = (w.memfds[memfd]!.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) !== 0;
    const folios: number[] = [];
    let offset = 0;
    let index = Math.floor(start / PAGE_SIZE);
    const endIndex = Math.floor(end / PAGE_SIZE);
    while (index <= endIndex && folios.length < maxFolios) {
      let folio = filemap_get_folio(w, memfd, index);
      if (folio < 0) folio = memfd_alloc_folio(w, memfd, index);
      try_grab_folio(w, folio, holder, writeSealed);
      const f = w.folios[folio]!;
      if (folios.length === 0) offset = start - f.index * PAGE_SIZE; // offset_in_folio(folio, start)
      folios.push(folio);
      index = f.index + f.nrPages; // folio_next_index()
    }
    if (failWith !== undefined) {
      unpin_folios(w, folios, holder); // err: unpin_folios(folios, nr_folios)
      return { ret: failWith, folios: [], offset: 0 };
    }
    return { ret: folios.length, folios, offset };
  },
);

export const inodeLock = helper('inodeLock', function inodeLock(w: MemfdWorld, memfd: number): Rwsem {
  return w.memfds[memfd]!.i_rwsem;
});

export const can_inode_lock = (w: MemfdWorld, memfd: number) => canDownWrite(inodeLock(w, memfd));
export const can_inode_lock_shared = (w: MemfdWorld, memfd: number) => canDownRead(inodeLock(w, memfd));
export const inode_lock = (w: MemfdWorld, memfd: number, who: string) => down_write(inodeLock(w, memfd), who);
export const inode_unlock = (w: MemfdWorld, memfd: number, who: string) => up_write(inodeLock(w, memfd), who);
export const inode_lock_shared = (w: MemfdWorld, memfd: number, who: string) => down_read(inodeLock(w, memfd), who);
export const inode_unlock_shared = (w: MemfdWorld, memfd: number, who: string) => up_read(inodeLock(w, memfd), who);

/** mapping_deny_writable(): fails with -EBUSY while writable shared mappings exist. */
export const mapping_deny_writable = helper(
  'mapping_deny_writable',
  function mapping_deny_writable(w: MemfdWorld, memfd: number): number {
    const m = w.memfds[memfd]!;
    if (m.i_mmap_writable > 0) return -EBUSY;
    m.i_mmap_writable -= 1;
    return 0;
  },
);

export const mapping_allow_writable = helper(
  'mapping_allow_writable',
  function mapping_allow_writable(w: MemfdWorld, memfd: number): void {
    w.memfds[memfd]!.i_mmap_writable += 1;
  },
);

/** memfd_wait_for_pins(): -EBUSY if a page stays pinned through the last scan (~150 ms). */
export const memfd_wait_for_pins = helper(
  'memfd_wait_for_pins',
  function memfd_wait_for_pins(w: MemfdWorld, memfd: number): number {
    return w.memfds[memfd]!.cache.some((f) => w.folios[f]!.pincount > 0) ? -EBUSY : 0;
  },
);

/** mmap(PROT_WRITE, MAP_SHARED): seal_check_write() then mapping_map_writable(). */
export const mmap_memfd_writable = helper(
  'mmap_memfd_writable',
  function mmap_memfd_writable(w: MemfdWorld, memfd: number): number {
    const m = w.memfds[memfd]!;
    if (m.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -EPERM;
    if (m.i_mmap_writable < 0) return -EPERM;
    m.i_mmap_writable += 1;
    return 0;
  },
);

/** munmap of a writable shared mapping: mapping_unmap_writable(). */
export const munmap_memfd_writable = helper(
  'munmap_memfd_writable',
  function munmap_memfd_writable(w: MemfdWorld, memfd: number): void {
    w.memfds[memfd]!.i_mmap_writable -= 1;
  },
);

/**
 * shmem_setattr(ATTR_SIZE) under the inode lock: shrinking needs no F_SEAL_SHRINK (-EPERM);
 * folios wholly past the new size leave the page cache (a pinned one lives on until its
 * last unpin). `size` in pages.
 */
export const shmem_truncate = helper(
  'shmem_truncate',
  function shmem_truncate(w: MemfdWorld, memfd: number, size: number): number {
    const m = w.memfds[memfd]!;
    const inode = w.inodes[m.inode]!;
    if (size < inode.size && m.seals & F_SEAL_SHRINK) return -EPERM;
    if (size > inode.size && m.seals & F_SEAL_GROW) return -EPERM;
    inode.size = size;
    for (const f of m.cache) if (w.folios[f]!.index >= size) w.folios[f]!.inCache = false;
    m.cache = m.cache.filter((f) => w.folios[f]!.inCache);
    return 0;
  },
);
