// fork() and exit() of a process (kernel/fork.c, kernel/exit.c). fork: dup_fd copies the
// fd table, taking a reference on every installed file (a number only reserved is not
// copied); dup_mmap copies every vma (not VM_DONTCOPY), taking a reference on its vm_file
// and calling vm_ops->open; copy_page_range copies the ptes only where vma_needs_copy
// (VM_PFNMAP, VM_MIXEDMAP: the child could not fault them in), counting normal pages in
// the child's rss; other vmas fault again in the child. do_exit closes every fd and unmaps
// every vma. The child's vmas keep their parent's indices (an unmapped vma is copied as
// unmapped), so a thread's vma index means the same in both.

import { ModelError } from '../../src/index.ts';
import { fput, get_file } from './file.ts';
import { ENOMEM } from './errno.ts';
import {
  munmap_detach_and_zap,
  remove_vma,
  rssCounter,
  tlb_finish_mmu,
  vm_munmap,
  vm_ops,
  vma_needs_copy,
} from './mm.ts';
import { countsOf, folio_get, type PageCountWorld } from './page.ts';
import { dmabuf_dio_skips, folio_dup_file_rmap_pte } from './rmap.ts';
import { newProcess, VM_DONTCOPY, VM_PFNMAP, type KernelWorld, type Pte, type Vma } from './world.ts';
import { helper } from './helpers.ts';

/**
 * copy_present_ptes() of one present pte into the child's vma (mm/memory.c): a special pte
 * (vm_normal_page NULL) is copied as it is; a normal one in a world counting page
 * references takes folio_get + folio_dup_file_rmap_pte (the mapcount only) and counts in the
 * child's rss unless patch 2/2 skips it (rmap.ts); without page counts, only the rss.
 */
export const copy_present_ptes = helper(
  'copy_present_ptes',
  function copy_present_ptes(w: KernelWorld, child: number, v: Vma, pte: NonNullable<Pte>): void {
    if (v.vm_flags & VM_PFNMAP) return;
    if ('page' in pte && countsOf(w, pte.page)) {
      folio_get(w as PageCountWorld, pte.page);
      folio_dup_file_rmap_pte(w as PageCountWorld, pte.page);
    }
    if (!dmabuf_dio_skips(w, v, 'copy_present_ptes')) w.processes[child]!.mm.rss[rssCounter(v, pte)] += 1;
  },
);

/**
 * copy_process() of process `pid` for fork(): the child's pid. With `copyPageRangeFails`,
 * copy_page_range of the first vma whose ptes are copied fails with -ENOMEM
 * (pte_alloc_map_lock) before its first pte: dup_mmap fails, and the child that never ran
 * is torn down (bad_fork_cleanup_mm, bad_fork_cleanup_files: exit_mmap of what was copied,
 * exit_files) and freed (free_task: it never reached the task list, so it leaves the
 * process table); returns -ENOMEM.
 */
export const copy_process = helper(
  'copy_process',
  function copy_process(w: KernelWorld, pid = 0, copyPageRangeFails = false): number {
    const parent = w.processes[pid]!;
    if (parent.exited) throw new ModelError(`fork of pid ${pid}, which has exited`);
    const child = newProcess(w.processes.length, parent.fdtable.fd.length);
    // dup_fd
    parent.fdtable.fd.forEach((file, fd) => {
      if (file === null) return;
      get_file(w, file);
      child.fdtable.fd[fd] = file;
    });
    w.processes.push(child);
    // dup_mmap
    child.mm.highest_vm_end = parent.mm.highest_vm_end;
    for (const v of parent.mm.vmas) {
      const copied = v.mapped && !(v.vm_flags & VM_DONTCOPY);
      const needsCopy = copied && vma_needs_copy(v) && v.ptes.some((p) => p !== null);
      const failed = needsCopy && copyPageRangeFails;
      child.mm.vmas.push({ ...v, ptes: v.ptes.map(() => null), mapped: copied, vm_file: copied ? v.vm_file : -1 });
      if (!copied) continue;
      if (v.vm_file >= 0) get_file(w, v.vm_file);
      const vma = child.mm.vmas.length - 1;
      vm_ops(v).open?.(w, child.pid, vma);
      if (failed) {
        do_exit(w, child.pid);
        w.processes.pop(); // free_task
        return -ENOMEM;
      }
      if (!needsCopy) continue;
      // copy_page_range -> copy_pte_range; the child's counters are added by add_mm_rss_vec
      v.ptes.forEach((pte, i) => {
        if (!pte) return;
        child.mm.vmas[vma]!.ptes[i] = { ...pte };
        copy_present_ptes(w, child.pid, v, pte);
      });
    }
    return child.pid;
  },
);

/** do_exit(): exit_files (close every fd), exit_mm (unmap every vma). */
export const do_exit = helper('do_exit', function do_exit(w: KernelWorld, pid: number): void {
  const p = w.processes[pid];
  if (!p) throw new ModelError(`do_exit of pid ${pid}: no such process`);
  p.fdtable.fd.forEach((file, fd) => {
    if (file === null) return;
    p.fdtable.fd[fd] = null;
    fput(w, file);
  });
  p.mm.vmas.forEach((v, vma) => v.mapped && vm_munmap(w, vma, pid));
  p.exited = true;
});

/**
 * exit_mmap()'s first half, for a model that lets other threads run in between (the last
 * thread of the process has exited: mm_users is 0): every vma leaves the mm and its ptes are
 * zapped into the mmu_gather batch, returned. exit_mmap_finish() completes it.
 */
export const exit_mmap_unmap_vmas = helper(
  'exit_mmap_unmap_vmas',
  function exit_mmap_unmap_vmas(w: KernelWorld, pid: number): number[] {
    const gathered: number[] = [];
    w.processes[pid]!.mm.vmas.forEach((v, vma) => {
      if (v.mapped) gathered.push(...munmap_detach_and_zap(w, pid, vma));
    });
    return gathered;
  },
);

/** exit_mmap()'s end: tlb_finish_mmu, then remove_vma of every vma unmapped by exit_mmap_unmap_vmas. */
export const exit_mmap_finish = helper(
  'exit_mmap_finish',
  function exit_mmap_finish(w: KernelWorld, pid: number, gathered: readonly number[]): void {
    tlb_finish_mmu(w, gathered);
    w.processes[pid]!.mm.vmas.forEach((v, vma) => {
      if (v.vm_file >= 0) remove_vma(w, pid, vma);
    });
  },
);

/** exit_files(): close every fd; the process has exited. */
export const exit_files = helper('exit_files', function exit_files(w: KernelWorld, pid: number): void {
  const p = w.processes[pid]!;
  p.fdtable.fd.forEach((file, fd) => {
    if (file === null) return;
    p.fdtable.fd[fd] = null;
    fput(w, file);
  });
  p.exited = true;
});
