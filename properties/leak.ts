// Nothing leaked once every thread has returned (the kernel holds nothing once its calls
// returned):
//   - every allocated page belongs to a live dma-buf;
//   - every live file is referenced exactly as many times as its f_count says (by the fd
//     table entries and mappings of every process);
//   - every dma-buf whose file is gone was released (dma_buf_release ran), and none is
//     still vmapped by the kernel (vmapping_counter);
//   - a process that exited holds no fd and no mapped vma (exit_files, exit_mmap), and no
//     vma that left its mm still holds a file (remove_vma frees every vma munmap or exit
//     detached);
//   - no fd number is left reserved (get_unused_fd_flags without fd_install or
//     put_unused_fd), and no installed fd is still marked reserved;
//   - every deny_write_access() was undone by allow_write_access() (i_writecount balanced);
//   - every vmap() area was vunmap()ed (worlds with vmap areas);
//   - every bio was put (bio_put) and every bvec array kvfree'd, and no heap buffer still
//     has an importer attached (worlds with bios, heap buffers);
//   - no dma-buf attachment is still mapped (dma_buf_map_attachment without
//     dma_buf_unmap_attachment, before or after its dma_buf_detach);
//   - each process's rss counters count exactly the present normal-page ptes of its mapped
//     vmas (check_mm()'s "Bad rss-counter state": a pte left behind by munmap, or zapped
//     twice);
//   - a memfd's i_mmap_writable counts its writable shared mappings, less the one
//     mapping_deny_writable() took for F_SEAL_WRITE (worlds with memfds).

import { atEnd, type Property } from '../src/index.ts';
import { pagePoolsOf } from '../model/kernel/page-pool.ts';
import { SYSTEM_HEAP_BUF_OPS } from '../model/kernel/system-heap.ts';
import { F_SEAL_WRITE, type Memfd } from '../model/kernel/memfd.ts';
import type { VmArea } from '../model/kernel/vmalloc.ts';
import type { Bio, BvecArray } from '../model/kernel/bio.ts';
import { rssCounter } from '../model/kernel/mm.ts';
import {
  fdName,
  findFd,
  findVma,
  VM_PFNMAP,
  VM_SHARED,
  VM_WRITE,
  type KernelWorld,
  type DmaBufAttachment,
  type RssStat,
} from '../model/kernel/world.ts';

type LeakWorld = KernelWorld & {
  vmaps?: VmArea[];
  memfds?: Memfd[];
  bios?: Bio[];
  bvecs?: BvecArray[];
  attachments?: DmaBufAttachment[];
};

export const noLeak: Property<KernelWorld> = atEnd(
  'leak',
  'no page, file reference, dma-buf, fd reservation, write denial or vmap area outlives its last user',
  ({ world }) => {
    const w = world as LeakWorld;
    const owned = new Set(
      w.dmabufs.filter((d) => !d.freed && d.ops === SYSTEM_HEAP_BUF_OPS).flatMap((d) => w.heap_buffers[d.priv]!.pages),
    );
    for (const pool of pagePoolsOf(w) ?? []) for (const pooled of pool.items) owned.add(pooled); // an Android heap's page pool owns its pages
    const page = w.pages.findIndex((p, i) => !p.free && !owned.has(i));
    if (page >= 0)
      return `page frame ${page} is allocated but belongs to no live dma-buf${pagePoolsOf(w) ? ' or page pool' : ''}`;
    for (const p of w.processes) {
      const v = p.mm.vmas.find((x) => !x.mapped && x.vm_file >= 0);
      if (v)
        return `pid ${p.pid}: a vma of ${v.owner} left the mm but still holds ${w.files[v.vm_file]!.name}: remove_vma never ran`;
    }
    for (const [i, f] of w.files.entries()) {
      if (f.freed) continue;
      let refs = 0;
      findFd(w, (_pid, _fd, file) => void (file === i && refs++));
      findVma(w, (_pid, vma) => void (vma.vm_file === i && refs++));
      if (f.count !== refs)
        return `${f.name} has f_count ${f.count} but ${refs} references (fds and mappings): ${f.count > refs ? 'a reference leaked' : 'a reference is missing'}`;
    }
    for (const [i, d] of w.dmabufs.entries()) {
      if (d.freed) continue;
      if (w.files[d.file]!.freed)
        return `dmabuf${i}'s file is released but the dma-buf is not: dma_buf_release never ran`;
      if (d.vmaps !== 0)
        return `dmabuf${i} is still vmapped by the kernel (vmapping_counter ${d.vmaps}) after every call returned`;
    }
    for (const p of w.processes) {
      if (!p.exited) continue;
      const fd = p.fdtable.fd.findIndex((f) => f !== null);
      if (fd >= 0) return `pid ${p.pid} has exited but ${fdName(p.pid, fd)} is still open: exit_files left it`;
      const vma = p.mm.vmas.find((v) => v.mapped);
      if (vma) return `pid ${p.pid} has exited but a vma of ${vma.owner} is still mapped: exit_mmap left it`;
    }
    for (const p of w.processes) {
      for (const [fd, reserved] of p.fdtable.reserved.entries()) {
        if (!reserved) continue;
        const name = fdName(p.pid, fd);
        return p.fdtable.fd[fd] === null
          ? `${name} is reserved (get_unused_fd_flags) but was neither installed nor put back (put_unused_fd)`
          : `${name} is installed but still marked reserved`;
      }
    }
    for (const inode of w.inodes) {
      if (inode.denyWrite !== 0)
        return `${inode.name}: deny_write_access and allow_write_access unbalanced (write access denied ${inode.denyWrite} time(s) more than allowed)`;
    }
    for (const [i, a] of (w.vmaps ?? []).entries()) {
      if (a.live) return `vmap area ${i} (pages ${a.pages.join(',')}) is still mapped: vunmap never ran`;
    }
    for (const [i, b] of (w.bios ?? []).entries()) {
      if (b.state !== 'put') return `bio${i} of ${b.by} is ${b.state} after every call returned: bio_put never ran`;
    }
    for (const [i, a] of (w.bvecs ?? []).entries()) {
      if (!a.freed) return `the bvec array ${i} of ${a.owner} was never kvfree'd`;
    }
    for (const [i, a] of (w.attachments ?? []).entries()) {
      if (a.sgt === 'mapped')
        return `attachment${i} of dmabuf${a.dmabuf} (${a.dev}) is still DMA-mapped${a.freed ? ", kfree'd by dma_buf_detach with its sg table mapped" : ''}: dma_buf_unmap_attachment never ran`;
    }
    for (const [i, b] of w.heap_buffers.entries()) {
      if (b.attachments.length > 0)
        return `heap buffer ${i} still has ${b.attachments.join(', ')} on buffer->attachments after every call returned: dma_buf_detach never ran`;
    }
    for (const p of w.processes) {
      const rss: RssStat = { MM_FILEPAGES: 0, MM_ANONPAGES: 0, MM_SHMEMPAGES: 0 };
      for (const v of p.mm.vmas) {
        if (!v.mapped || v.vm_flags & VM_PFNMAP) continue;
        for (const pte of v.ptes) if (pte) rss[rssCounter(v, pte)] += 1;
      }
      for (const key of Object.keys(rss) as (keyof RssStat)[]) {
        if (p.mm.rss[key] !== rss[key])
          return `pid ${p.pid}: Bad rss-counter state ${key}: ${p.mm.rss[key]}, but its mapped vmas have ${rss[key]} such ptes`;
      }
    }
    for (const m of w.memfds ?? []) {
      let writable = 0;
      findVma(
        w,
        (_pid, vma) =>
          void (
            vma.mapped &&
            vma.vm_file >= 0 &&
            w.files[vma.vm_file]!.inode === m.inode &&
            (vma.vm_flags & (VM_SHARED | VM_WRITE)) === (VM_SHARED | VM_WRITE) &&
            writable++
          ),
      );
      const expected = writable - (m.seals & F_SEAL_WRITE ? 1 : 0);
      if (m.i_mmap_writable !== expected)
        return `${m.name}: i_mmap_writable is ${m.i_mmap_writable} with ${writable} writable shared mapping(s)${m.seals & F_SEAL_WRITE ? ' and F_SEAL_WRITE' : ''}: mapping_map_writable/mapping_unmap_writable (or mapping_deny_writable/mapping_allow_writable) unbalanced`;
    }
    return undefined;
  },
);
