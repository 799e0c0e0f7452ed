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
import { rssCounter, vm_munmap, vm_ops, vma_needs_copy } from './mm.ts';
import { newProcess, VM_DONTCOPY, VM_PFNMAP, type KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

/** copy_process() of process `pid` for fork(): the child's pid. */
export const copy_process = helper('copy_process', function copy_process(w: KernelWorld, pid = 0): number {
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
    const ptes = copied && vma_needs_copy(v) ? [...v.ptes] : v.ptes.map(() => null);
    child.mm.vmas.push({ ...v, ptes, mapped: copied, vm_file: copied ? v.vm_file : -1 });
    if (!copied) continue;
    if (v.vm_file >= 0) get_file(w, v.vm_file);
    const vma = child.mm.vmas.length - 1;
    if (!(v.vm_flags & VM_PFNMAP)) for (const pte of ptes) if (pte) child.mm.rss[rssCounter(v, pte)] += 1;
    vm_ops(v).open?.(w, child.pid, vma);
  }
  return child.pid;
});

/** do_exit(): exit_files (close every fd), exit_mm (unmap every vma). */
export const do_exit = helper('do_exit', function do_exit(w: KernelWorld, pid: number): void {
  const p = w.processes[pid]!;
  p.fdtable.fd.forEach((file, fd) => {
    if (file === null) return;
    p.fdtable.fd[fd] = null;
    fput(w, file);
  });
  p.mm.vmas.forEach((v, vma) => v.mapped && vm_munmap(w, vma, pid));
  p.exited = true;
});
