// Use-after-free and double free. Most are raised inside steps (violation(...) in
// model/kernel, the way KASAN reports at the faulting access); the fd table and the
// mappings are also checked in every state, since a freed file left there is a
// use-after-free waiting for its first user.

import { always, type Property } from '../src/index.ts';
import { everyFd, everyVma, fdName, type KernelWorld } from '../model/kernel/world.ts';

export const memorySafetyBugs = {
  'use-after-free': 'a page, file or dma-buf used after it was freed (raised at the access, or a freed file left reachable)',
  'double-free': 'a page frame freed twice',
};

export const danglingReference: Property<KernelWorld> = always(
  'use-after-free',
  'the fd table and the mappings only refer to live files',
  ({ world: w }) => {
    const fd = everyFd(w).find(([, , file]) => w.files[file]!.freed);
    if (fd) return `${fdName(fd[0], fd[1])} refers to ${w.files[fd[2]]!.name}, released by its last fput`;
    const vma = everyVma(w).find(({ vma: v }) => v.vm_file >= 0 && w.files[v.vm_file]!.freed)?.vma;
    if (vma) return `a mapping of ${vma.owner} refers to ${w.files[vma.vm_file]!.name}, released by its last fput`;
    return undefined;
  },
);
