// Use-after-free and double free. Most are raised inside steps (violation(...) in
// model/kernel, the way KASAN reports at the faulting access); the fd table and the
// mappings are also checked in every state, since a freed file left there is a
// use-after-free waiting for its first user, and so is a pte left behind by munmap.

import { always, type Property } from '../src/index.ts';
import { fdName, findFd, findVma, type KernelWorld } from '../model/kernel/world.ts';

export const memorySafetyBugs = {
  'use-after-free':
    'a page, file or dma-buf used after it was freed (raised at the access, or a freed file left reachable)',
  'double-free': 'a page frame freed twice, or a vmap undone twice',
  'null-pointer-dereference': 'an allocation that failed (NULL) used anyway: its error not checked (an oops)',
};

/** A pte left in a vma munmap removed: the memory stays reachable from userspace after the mapping is gone. */
function staleVmaPte(w: KernelWorld): string | undefined {
  for (const p of w.processes) {
    for (const v of p.mm.vmas) {
      if (!v.mapped && v.ptes.some((pte) => pte !== null))
        return `a pte of ${v.owner}'s unmapped mapping is still present: munmap left the memory reachable`;
    }
  }
  return undefined;
}

export const danglingReference: Property<KernelWorld> = always(
  'use-after-free',
  'the fd table and the mappings only refer to live files',
  ({ world: w }) => {
    return (
      findFd(w, (pid, fd, file) =>
        w.files[file]!.freed
          ? `${fdName(pid, fd)} refers to ${w.files[file]!.name}, released by its last fput`
          : undefined,
      ) ??
      findVma(w, (_pid, v) =>
        v.vm_file >= 0 && w.files[v.vm_file]!.freed
          ? `a mapping of ${v.owner} refers to ${w.files[v.vm_file]!.name}, released by its last fput`
          : undefined,
      ) ??
      staleVmaPte(w)
    );
  },
);
