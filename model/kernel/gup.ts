// get_user_pages with FOLL_PIN (mm/gup.c): pin_user_pages_fast() and unpin_user_page(),
// as direct I/O from a user buffer uses them (iov_iter_extract_user_pages, bio.ts).
//
// pin_user_pages_fast(start, nr_pages, gup_flags) per page, in one atomic step:
//   1. GUP-fast (gup_pte_range), no vma: a present pte that is not pte_special -> try_grab_folio
//      (FOLL_PIN); a pte_special one (remap_pfn_range, vmf_insert_pfn) or none -> the slow path
//      for the rest of the range
//   2. slow path (__gup_longterm_locked -> __get_user_pages): find_vma, none -> -EFAULT;
//      check_vma_flags: VM_IO|VM_PFNMAP -> -EFAULT ("the read failure seed 001 works around"),
//      FOLL_WRITE on a vma without VM_WRITE -> -EFAULT; follow_page_mask: no pte ->
//      faultin_page (handle_mm_fault: SIGBUS/SIGSEGV -> -EFAULT, OOM -> -ENOMEM), then retry;
//      vm_normal_page() NULL -> -EFAULT; else try_grab_folio
//   3. return: how many pages were pinned, if any; else the error
// A pin on an order-0 folio adds GUP_PIN_COUNTING_BIAS to _refcount (page.ts). Pinning
// memfd folios through a mapping (a folio pte) is not modelled: udmabuf pins with
// memfd_pin_folios (memfd.ts).

import { ModelError, violation } from '../../src/index.ts';
import { EFAULT, ENOMEM } from './errno.ts';
import { find_vma, handle_mm_fault, VM_FAULT_NOPAGE, VM_FAULT_OOM } from './mm.ts';
import { GUP_PIN_COUNTING_BIAS, type PageCountWorld } from './page.ts';
import { mmOf, VM_IO, VM_PFNMAP, VM_WRITE, type Pte, type Vma } from './world.ts';
import { helper } from './helpers.ts';

// include/linux/mm_types.h gup flags (FOLL_PIN is internal: pin_user_pages* set it)
export const FOLL_WRITE = 0x01;
export const FOLL_LONGTERM = 0x100;
export const FOLL_PIN = 0x40000;

/**
 * pte_special(): a pte that maps no struct page the VM may touch. Every pte of a VM_PFNMAP
 * vma is special here (remap_pfn_range and vmf_insert_pfn make them so); vm_insert_page's
 * ptes in a VM_MIXEDMAP vma are normal.
 */
export const pte_special = (v: Vma): boolean => (v.vm_flags & VM_PFNMAP) !== 0;

/** vm_normal_page(): the page frame a present pte maps, or null for a special pte (or a memfd folio: not a page frame). */
export const vm_normal_page = helper('vm_normal_page', function vm_normal_page(v: Vma, pte: NonNullable<Pte>):
  | number
  | null {
  if (pte_special(v) || !('page' in pte)) return null;
  return pte.page;
});

/** check_vma_flags(): 0, or -EFAULT. */
export const check_vma_flags = helper('check_vma_flags', function check_vma_flags(v: Vma, gup_flags: number): number {
  if (v.vm_flags & (VM_IO | VM_PFNMAP)) return -EFAULT;
  if (gup_flags & FOLL_WRITE && !(v.vm_flags & VM_WRITE)) return -EFAULT;
  return 0;
});

/** try_grab_folio(folio, 1, FOLL_PIN) of an order-0 page frame. */
export const try_grab_page = helper('try_grab_page', function try_grab_page(w: PageCountWorld, page: number): void {
  const counts = w.page_counts[page]!;
  if (w.pages[page]!.free || counts._refcount <= 0)
    violation('use-after-free', `try_grab_folio of page frame ${page}, already freed`);
  counts._refcount += GUP_PIN_COUNTING_BIAS;
  counts._pincount += 1;
});

/** unpin_user_page(): gup_put_folio(folio, 1, FOLL_PIN); the last reference frees the frame. */
export const unpin_user_page = helper(
  'unpin_user_page',
  function unpin_user_page(w: PageCountWorld, page: number): void {
    const counts = w.page_counts[page]!;
    if (counts._pincount <= 0 || counts._refcount < GUP_PIN_COUNTING_BIAS)
      violation('unpin-not-pinned', `unpin_user_page(page frame ${page}), which is not pinned (pincount underflow)`);
    counts._pincount -= 1;
    counts._refcount -= GUP_PIN_COUNTING_BIAS;
    if (counts._refcount === 0) {
      if (counts._mapcount >= 0) violation('use-after-free', `unpin_user_page frees page frame ${page}, still mapped`);
      w.pages[page]!.free = true;
    }
  },
);

/** The slow path for one address: the page frame pinned, or -errno. */
function get_user_page_slow(w: PageCountWorld, pid: number, addr: number, gup_flags: number): number {
  const vma = find_vma(w, pid, addr);
  if (vma < 0) return -EFAULT;
  const v = mmOf(w, pid).vmas[vma]!;
  const bad = check_vma_flags(v, gup_flags);
  if (bad < 0) return bad;
  let pte = v.ptes[addr - v.vm_start] ?? null;
  if (pte === null) {
    // faultin_page
    const fault = handle_mm_fault(w, pid, vma, addr);
    if (fault & VM_FAULT_OOM) return -ENOMEM;
    if (fault !== 0 && fault !== VM_FAULT_NOPAGE) return -EFAULT;
    pte = v.ptes[addr - v.vm_start] ?? null;
    if (pte === null) return -EFAULT;
  }
  if ('folio' in pte)
    throw new ModelError(`pin_user_pages_fast of a memfd mapping (folio${pte.folio}) is not modelled`);
  const page = vm_normal_page(v, pte);
  if (page === null) return -EFAULT;
  try_grab_page(w, page);
  return page;
}

/**
 * pin_user_pages_fast(start, nr_pages, gup_flags) in process `pid` (addresses in pages):
 * the page frames pinned (at least one), or -errno when none was.
 */
export const pin_user_pages_fast = helper(
  'pin_user_pages_fast',
  function pin_user_pages_fast(
    w: PageCountWorld,
    pid: number,
    start: number,
    nr_pages: number,
    gup_flags: number,
  ): number[] | number {
    const pinned: number[] = [];
    let slow = false;
    for (let addr = start; addr < start + nr_pages; addr++) {
      if (!slow) {
        // gup_fast: walks the page tables without the vma (the vma is found here only to read its pte)
        const vma = find_vma(w, pid, addr);
        const v = vma < 0 ? undefined : mmOf(w, pid).vmas[vma]!;
        const pte = v?.ptes[addr - v.vm_start];
        const page =
          v && pte && !pte_special(v) && 'page' in pte && !(gup_flags & FOLL_WRITE && !(v.vm_flags & VM_WRITE))
            ? pte.page
            : null;
        if (page !== null) {
          try_grab_page(w, page);
          pinned.push(page);
          continue;
        }
        slow = true;
      }
      const page = get_user_page_slow(w, pid, addr, gup_flags | FOLL_PIN);
      if (page < 0) return pinned.length > 0 ? pinned : page;
      pinned.push(page);
    }
    return pinned;
  },
);
