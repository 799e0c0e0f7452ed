// A process's address space (mm/mmap.c, mm/memory.c, mm/mremap.c): mmap through the file's
// f_op->mmap, the page fault path through vma->vm_ops->fault, munmap, mremap (shrink, grow
// in place, or move with MREMAP_MAYMOVE), and the rss counters a present normal page counts
// in. Addresses and sizes are in pages. Addresses are never reused (the next mmap goes past
// every vma the mm ever had), so an address says which mmap made it and a state needs no
// allocator history. A vma is unmapped whole (no splitting).
//
// vm_operations_struct tables are registered by name, like file_operations.

import { ModelError } from '../../src/index.ts';
import { EBUSY, EFAULT, EINVAL, ENODEV, ENOMEM } from './errno.ts';
import { assertLive, fput, get_file } from './file.ts';
import { f_op } from './file-operations.ts';
import {
  mmOf,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_IO,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_SHARED,
  VM_WRITE,
  type KernelWorld,
  type MmStruct,
  type Pte,
  type RssStat,
  type Vma,
} from './world.ts';
import { countsOf, folio_get, folio_put, type PageCountWorld } from './page.ts';
import { dmabuf_dio_skips, folio_add_file_rmap_pte, folio_remove_rmap_pte } from './rmap.ts';
import { helper } from './helpers.ts';
import { opsTables } from './ops-table.ts';

// include/linux/mm_types.h vm_fault_t
export const VM_FAULT_OOM = 0x1;
export const VM_FAULT_SIGBUS = 0x2;
export const VM_FAULT_SIGSEGV = 0x40;
export const VM_FAULT_NOPAGE = 0x100;

// include/uapi/linux/mman.h
export const MREMAP_MAYMOVE = 1;

/** Where the first mmap of an mm goes (a page number). */
export const MMAP_BASE = 16;

export interface VmOperations<W extends KernelWorld = KernelWorld> {
  /** ->fault: fill the pte of file page `pgoff` (vmf_insert_pfn, finish_fault) and return 0 or VM_FAULT_NOPAGE, else a VM_FAULT_ error */
  fault?: (w: W, pid: number, vma: number, pgoff: number) => number;
  /** ->open: a copy of the vma was made (fork, a split) */
  open?: (w: W, pid: number, vma: number) => void;
  /** ->close: the vma goes away (munmap, exit) */
  close?: (w: W, pid: number, vma: number) => void;
}

const vmOperations = opsTables<VmOperations<any>>('vm_operations_struct');

export const register_vm_operations = helper('register_vm_operations', function register_vm_operations<
  W extends KernelWorld,
>(name: string, ops: VmOperations<W>): string {
  return vmOperations.register(name, ops);
});

/** vma->vm_ops ({} for a vma without) */
export const vm_ops = helper('vm_ops', function vm_ops(v: Vma): VmOperations {
  return v.vm_ops === '' ? {} : vmOperations.get(v.vm_ops, 'a vma');
});

export const vmaOf = (w: KernelWorld, pid: number, vma: number): Vma => mmOf(w, pid).vmas[vma]!;

/**
 * The next free address: past every vma the mm ever had (see the header), so it reads one
 * field and no vma (a mapping made elsewhere in the mm stays independent of this one).
 */
export const get_unmapped_area = helper(
  'get_unmapped_area',
  function get_unmapped_area(mm: MmStruct, pages: number): number {
    const start = Math.max(MMAP_BASE, mm.highest_vm_end);
    mm.highest_vm_end = start + pages;
    return start;
  },
);

/** What mmap(2) asks for: the length, the file offset, the vm_flags (VM_READ, VM_WRITE, VM_SHARED, ...), and who maps. */
export interface MmapRequest {
  pages: number;
  pgoff?: number;
  vm_flags: number;
  owner: string;
}

/** vm_area_alloc() for an mmap request: not yet in the mm, no address (vm_start -1), no ptes. */
export const vm_area_alloc = helper('vm_area_alloc', function vm_area_alloc(file: number, req: MmapRequest): Vma {
  return {
    vm_start: -1,
    pages: req.pages,
    vm_pgoff: req.pgoff ?? 0,
    vm_flags: req.vm_flags,
    vm_file: file,
    vm_ops: '',
    vm_private_data: -1,
    ptes: Array.from({ length: req.pages }, () => null),
    mapped: true,
    owner: req.owner,
  };
});

/** vma_link(): the vma the driver accepted gets its address and goes into the mm; its index. */
export const vma_link = helper('vma_link', function vma_link(w: KernelWorld, pid: number, vma: Vma): number {
  const mm = mmOf(w, pid);
  vma.vm_start = get_unmapped_area(mm, vma.pages);
  mm.vmas.push(vma);
  return mm.vmas.length - 1;
});

/**
 * do_mmap() of `file` (-1: anonymous) in process `pid`: vma->vm_file = get_file(file), then
 * f_op->mmap (-ENODEV without one), which may set vm_ops, flags and ptes; on its failure the
 * ptes it set are zapped (unmap_region), the reference is put and no vma is made. Returns
 * the vma's index in the mm, or -errno.
 * Unlike the kernel, the address is chosen once the driver has accepted the mapping (no
 * ->mmap here reads vm_start, which is -1 until then): a refused mmap reads nothing of the
 * mm, so it stays independent of other threads' mappings for partial-order reduction.
 */
export const do_mmap = helper(
  'do_mmap',
  function do_mmap(w: KernelWorld, pid: number, file: number, req: MmapRequest): number {
    if (req.pages <= 0) return -EINVAL;
    const vma = vm_area_alloc(file, req);
    if (file >= 0) {
      const mmap = f_op(w, file).mmap;
      if (!mmap) return -ENODEV;
      get_file(w, file);
      const ret = mmap(w, file, vma, pid);
      if (ret < 0) {
        unmap_region(w, pid, vma);
        fput(w, file);
        return ret;
      }
    }
    return vma_link(w, pid, vma);
  },
);

/** The rss counter a normal page of this vma counts in: shmem, file or anon. */
export const rssCounter = helper('rssCounter', function rssCounter(v: Vma, pte: NonNullable<Pte>): keyof RssStat {
  if ('folio' in pte) return 'MM_SHMEMPAGES';
  return v.vm_file >= 0 ? 'MM_FILEPAGES' : 'MM_ANONPAGES';
});

/** vm_normal_page(): a pte of a VM_PFNMAP vma maps no struct page and counts in no rss. */
const countsInRss = (v: Vma) => (v.vm_flags & VM_PFNMAP) === 0;

/** A normal pte mapping a page frame in a world that counts page references (page.ts): it holds one, and an rmap. */
const countedFrame = (w: KernelWorld, v: Vma, pte: NonNullable<Pte>): number | undefined =>
  countsInRss(v) && 'page' in pte && countsOf(w, pte.page) ? pte.page : undefined;

/**
 * Install the pte of page `i` of the vma: vmf_insert_pfn() / remap_pfn_range() in a
 * VM_PFNMAP vma (no rss), finish_fault() otherwise (rss + 1; in a world counting page
 * references, the fault's folio reference and folio_add_file_rmap_pte too).
 */
export const set_pte = helper(
  'set_pte',
  function set_pte(w: KernelWorld, pid: number, vma: number, i: number, pte: NonNullable<Pte>): void {
    const v = vmaOf(w, pid, vma);
    if (v.ptes[i] !== null) throw new ModelError(`set_pte: page ${i} of a vma of ${v.owner} is already mapped`);
    v.ptes[i] = pte;
    if (countsInRss(v)) mmOf(w, pid).rss[rssCounter(v, pte)] += 1;
    const frame = countedFrame(w, v, pte);
    if (frame !== undefined) {
      folio_get(w as PageCountWorld, frame);
      folio_add_file_rmap_pte(w as PageCountWorld, frame, v);
    }
  },
);

/**
 * zap_pte_range() over pages [from, to) of `v` (a vma of process `pid`, in the mm or not yet
 * linked): a special pte is just cleared; a normal one (zap_present_folio_ptes) undoes its
 * rss (unless patch 2/2 skips it: rmap.ts) and, in a world counting page references, its
 * rmap (folio_remove_rmap_ptes), and goes into the mmu_gather batch: the page frames
 * returned, whose references tlb_finish_mmu() drops.
 */
export const zap_present_ptes = helper(
  'zap_present_ptes',
  function zap_present_ptes(w: KernelWorld, pid: number, v: Vma, from = 0, to?: number): number[] {
    const gathered: number[] = [];
    for (let i = from; i < (to ?? v.pages); i++) {
      const pte = v.ptes[i];
      if (!pte) continue;
      if (countsInRss(v) && !dmabuf_dio_skips(w, v, 'zap_present_folio_ptes'))
        mmOf(w, pid).rss[rssCounter(v, pte)] -= 1;
      const frame = countedFrame(w, v, pte);
      if (frame !== undefined) {
        folio_remove_rmap_pte(w as PageCountWorld, frame, v);
        gathered.push(frame); // __tlb_remove_folio_pages
      }
      v.ptes[i] = null;
    }
    return gathered;
  },
);

/** tlb_finish_mmu(): the TLB is flushed, then the batch's folio references are dropped (the last frees the page). */
export const tlb_finish_mmu = helper(
  'tlb_finish_mmu',
  function tlb_finish_mmu(w: KernelWorld, gathered: readonly number[]): void {
    for (const page of gathered) folio_put(w as PageCountWorld, page, 1, 'tlb_finish_mmu');
  },
);

/** zap_page_range_single() of pages [from, to) of the vma: clear the ptes, undo their rss, flush. */
export const zap_ptes = helper(
  'zap_ptes',
  function zap_ptes(w: KernelWorld, pid: number, vma: number, from = 0, to?: number): void {
    tlb_finish_mmu(w, zap_present_ptes(w, pid, vmaOf(w, pid, vma), from, to));
  },
);

/** unmap_region() of a vma whose ->mmap failed (not linked): zap what the driver inserted, flush. */
export const unmap_region = helper('unmap_region', function unmap_region(w: KernelWorld, pid: number, v: Vma): void {
  tlb_finish_mmu(w, zap_present_ptes(w, pid, v));
});

/** find_vma(): the mapped vma covering address `addr` (a page number), or -1. */
export const find_vma = helper('find_vma', function find_vma(w: KernelWorld, pid: number, addr: number): number {
  return mmOf(w, pid).vmas.findIndex((v) => v.mapped && addr >= v.vm_start && addr < v.vm_start + v.pages);
});

/**
 * handle_mm_fault(vma, address): the arch fault handler found `vma` (find_vma; -1, or an
 * address it does not cover: SIGSEGV); a present pte -> 0; else vm_ops->fault for file page
 * vm_pgoff + (addr - vm_start) (no ->fault: SIGBUS). Only this vma is read, as a fault
 * under the per-vma lock reads only its own.
 */
export const handle_mm_fault = helper(
  'handle_mm_fault',
  function handle_mm_fault(w: KernelWorld, pid: number, vma: number, addr: number): number {
    const v = vma < 0 ? undefined : mmOf(w, pid).vmas[vma];
    if (!v || !v.mapped || addr < v.vm_start || addr >= v.vm_start + v.pages) return VM_FAULT_SIGSEGV;
    const i = addr - v.vm_start;
    if (v.ptes[i] !== null) return 0;
    if (v.vm_file >= 0) assertLive(w, v.vm_file, `a fault on a mapping of ${v.owner}`);
    const fault = vm_ops(v).fault;
    if (!fault) return VM_FAULT_SIGBUS;
    return fault(w, pid, vma, v.vm_pgoff + i);
  },
);

/**
 * munmap() of a whole vma in one step (do_vmi_align_munmap): the vma leaves the mm
 * (vms_gather_munmap_vmas), its ptes are zapped and flushed, then remove_vma:
 * vm_ops->close, fput(vma->vm_file), the vma freed.
 */
export const vm_munmap = helper('vm_munmap', function vm_munmap(w: KernelWorld, vma: number, pid = 0): void {
  const v = vmaOf(w, pid, vma);
  if (!v.mapped) throw new ModelError(`munmap of a vma of ${v.owner} that is not mapped`);
  v.mapped = false;
  zap_ptes(w, pid, vma);
  remove_vma(w, pid, vma);
});

/**
 * munmap's first half (do_vmi_align_munmap: vms_gather_munmap_vmas, vms_clear_ptes up to the
 * flush): the vma leaves the mm (find_vma no longer sees it) and its ptes are zapped into the
 * mmu_gather batch, returned. tlb_finish_mmu() and remove_vma() complete it.
 */
export const munmap_detach_and_zap = helper(
  'munmap_detach_and_zap',
  function munmap_detach_and_zap(w: KernelWorld, pid: number, vma: number): number[] {
    const v = vmaOf(w, pid, vma);
    if (!v.mapped) throw new ModelError(`munmap of a vma of ${v.owner} that is not mapped`);
    v.mapped = false;
    return zap_present_ptes(w, pid, v);
  },
);

/** remove_vma(): vm_ops->close, fput(vma->vm_file); the vma is gone. */
export const remove_vma = helper('remove_vma', function remove_vma(w: KernelWorld, pid: number, vma: number): void {
  const v = vmaOf(w, pid, vma);
  vm_ops(v).close?.(w, pid, vma);
  if (v.vm_file >= 0) fput(w, v.vm_file);
  v.vm_file = -1;
  v.mapped = false;
});

/**
 * mremap(addr, old_len, new_len, flags) of a whole vma, in pages: shrinking zaps the tail;
 * growing a VM_DONTEXPAND or VM_PFNMAP vma is -EFAULT (vma_to_resize); it grows in place
 * when the pages after it are free, else moves (MREMAP_MAYMOVE: move_vma, the ptes go
 * along) or fails with -ENOMEM. Returns the new vm_start, or -errno.
 */
export const do_mremap = helper(
  'do_mremap',
  function do_mremap(w: KernelWorld, pid: number, vma: number, newPages: number, flags: number): number {
    const mm = mmOf(w, pid);
    const v = vmaOf(w, pid, vma);
    if (!v.mapped || newPages <= 0) return -EINVAL;
    if (newPages < v.pages) {
      zap_ptes(w, pid, vma, newPages);
      v.ptes = v.ptes.slice(0, newPages);
      v.pages = newPages;
      return v.vm_start;
    }
    if (newPages === v.pages) return v.vm_start;
    if (v.vm_flags & (VM_DONTEXPAND | VM_PFNMAP)) return -EFAULT;
    const end = v.vm_start + newPages;
    const free = mm.vmas.every(
      (o) => o === v || !o.mapped || o.vm_start >= end || o.vm_start + o.pages <= v.vm_start + v.pages,
    );
    if (!free) {
      if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
      v.vm_start = get_unmapped_area(mm, newPages);
    } else mm.highest_vm_end = Math.max(mm.highest_vm_end, end);
    v.ptes = [...v.ptes, ...Array.from({ length: newPages - v.pages }, () => null)];
    v.pages = newPages;
    return v.vm_start;
  },
);

/** copy_page_range() is needed for VM_PFNMAP / VM_MIXEDMAP vmas (vma_needs_copy); others fault again in the child. */
export const vma_needs_copy = (v: Vma): boolean => (v.vm_flags & (VM_PFNMAP | VM_MIXEDMAP)) !== 0;

/**
 * vm_insert_page(vma, addr, page) for page `i` of `v` (a vma of process `pid`, linked or
 * still in ->mmap), mm/memory.c: outside the vma -EFAULT; a vma without VM_MIXEDMAP gets it
 * (BUG_ON(VM_PFNMAP)); validate_page_before_insert: a free frame -EINVAL; get_locked_pte
 * -ENOMEM (`pteAlloc` false); insert_page_into_pte_locked: a present pte -EBUSY, else
 * folio_get, inc_mm_counter (MM_FILEPAGES, as zap will count it: rssCounter) (unless patch 2/2 skips it), folio_add_file_rmap_pte,
 * set_pte_at (a normal pte, not pte_special). 0 or -errno.
 */
export const vm_insert_page = helper(
  'vm_insert_page',
  function vm_insert_page(w: PageCountWorld, pid: number, v: Vma, i: number, page: number, pteAlloc = true): number {
    if (i < 0 || i >= v.pages) return -EFAULT;
    if (!(v.vm_flags & VM_MIXEDMAP)) {
      if (v.vm_flags & VM_PFNMAP)
        throw new ModelError(`vm_insert_page into a VM_PFNMAP vma of ${v.owner}: BUG_ON(vma->vm_flags & VM_PFNMAP)`);
      v.vm_flags |= VM_MIXEDMAP;
    }
    if (w.pages[page]!.free || w.page_counts[page]!._refcount === 0) return -EINVAL;
    if (!pteAlloc) return -ENOMEM;
    if (v.ptes[i] !== null) return -EBUSY;
    folio_get(w, page);
    if (!dmabuf_dio_skips(w, v, 'insert_page_into_pte_locked')) mmOf(w, pid).rss[rssCounter(v, { page })] += 1; // mm_counter_file: a driver's vma has a vm_file
    folio_add_file_rmap_pte(w, page, v);
    v.ptes[i] = { page };
    return 0;
  },
);

/** is_cow_mapping(): private and writable (VM_WRITE stands for VM_MAYWRITE here). */
export const is_cow_mapping = (flags: number): boolean => (flags & (VM_SHARED | VM_WRITE)) === VM_WRITE;

/**
 * remap_pfn_range(vma, addr, pfn, PAGE_SIZE, prot) of one page frame at page `i` of `v`
 * (mm/memory.c remap_pfn_range_internal): a COW mapping not mapped whole -EINVAL;
 * vm_flags_set(VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP); pte_alloc -ENOMEM
 * (`pteAlloc` false: the partial range, here nothing, is zapped); a present pte is a BUG;
 * set_pte_at(pte_mkspecial(pfn_pte(pfn))): no reference, no rmap, no counter. 0 or -errno.
 */
export const remap_pfn_range = helper(
  'remap_pfn_range',
  function remap_pfn_range(w: KernelWorld, v: Vma, i: number, page: number, pteAlloc = true): number {
    if (is_cow_mapping(v.vm_flags) && v.pages !== 1) return -EINVAL;
    v.vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
    if (!pteAlloc) return -ENOMEM;
    if (v.ptes[i] !== null)
      throw new ModelError(`remap_pfn_range over a present pte of ${v.owner}: BUG_ON(!pte_none(ptep_get(pte)))`);
    void w;
    v.ptes[i] = { page };
    return 0;
  },
);

/**
 * smap_gather_stats(): the Rss /proc/pid/smaps shows for the vma, in pages: its normal
 * ptes (vm_normal_page; none in a VM_PFNMAP vma); patch 2/2 returns early for VM_DMABUF_DIO.
 */
export const smap_gather_stats = helper(
  'smap_gather_stats',
  function smap_gather_stats(w: KernelWorld, v: Vma): number {
    if (dmabuf_dio_skips(w, v, 'smap_gather_stats')) return 0;
    return countsInRss(v) ? v.ptes.filter((p) => p !== null).length : 0;
  },
);
