// Nothing leaked once every thread has returned: every allocated page belongs to a live
// dma-buf, and every live file is referenced exactly as many times as its f_count says
// (by the fd table entries and mappings of every process; the kernel holds nothing once its calls returned).

import { atEnd, type Property } from '../src/index.ts';
import { pagePoolsOf } from '../model/kernel/page-pool.ts';
import { SYSTEM_HEAP_BUF_OPS } from '../model/kernel/system-heap.ts';
import { findFd, findVma, type KernelWorld } from '../model/kernel/world.ts';

export const noLeak: Property<KernelWorld> = atEnd('leak', 'no page, file reference or dma-buf outlives its last user', ({ world: w }) => {
  const owned = new Set(w.dmabufs.filter((d) => !d.freed && d.ops === SYSTEM_HEAP_BUF_OPS).flatMap((d) => w.heap_buffers[d.priv]!.pages));
  for (const pool of pagePoolsOf(w) ?? []) for (const pooled of pool.items) owned.add(pooled); // an Android heap's page pool owns its pages
  const page = w.pages.findIndex((p, i) => !p.free && !owned.has(i));
  if (page >= 0) return `page frame ${page} is allocated but belongs to no live dma-buf${pagePoolsOf(w) ? ' or page pool' : ''}`;
  for (const [i, f] of w.files.entries()) {
    if (f.freed) continue;
    let refs = 0;
    findFd(w, (_pid, _fd, file) => void (file === i && refs++));
    findVma(w, (_pid, vma) => void (vma.vm_file === i && refs++));
    if (f.count !== refs) return `${f.name} has f_count ${f.count} but ${refs} references (fds and mappings): ${f.count > refs ? 'a reference leaked' : 'a reference is missing'}`;
  }
  return undefined;
});
