// Use-after-free and double free. Most are raised inside steps (violation(...) in
// model/kernel, the way KASAN reports at the faulting access); the fd table and the
// mappings are also checked in every state, since a freed file left there is a
// use-after-free waiting for its first user.

import { always, type Property } from '../src/index.ts';
import type { KernelWorld } from '../model/kernel/world.ts';

export const memorySafetyBugs = {
  'use-after-free': 'a page, file or dma-buf used after it was freed (raised at the access, or a freed file left reachable)',
  'double-free': 'a page frame freed twice',
};

export const danglingReference: Property<KernelWorld> = always(
  'use-after-free',
  'the fd table and the mappings only refer to live files',
  ({ world: w }) => {
    const fd = w.fdtable.fd.findIndex((file) => file !== null && w.files[file]!.freed);
    if (fd >= 0) return `fd ${fd} refers to ${w.files[w.fdtable.fd[fd]!]!.name}, released by its last fput`;
    const vma = w.vmas.find((v) => v.file >= 0 && w.files[v.file]!.freed);
    if (vma) return `a mapping of ${vma.owner} refers to ${w.files[vma.file]!.name}, released by its last fput`;
    return undefined;
  },
);
