// A thread of the same process that guesses the fd of a new udmabuf, maps it shared and
// writes through the mapping: the store lands in the memfd's folios (udmabuf_vm_fault
// inserts their pfns; no page reference is taken, only the pins keep them alive). The vma
// holds a reference on the dma-buf file, so release_udmabuf can run at its munmap.
//
//   1. mmap     fget(fd); not a udmabuf dma-buf: done; do_mmap(PROT_WRITE, MAP_SHARED)
//               through dma_buf_mmap_internal -> mmap_udmabuf (vm_private_data = ubuf); fput
//   2. write    store to every page of the mapping: each faults (udmabuf_vm_fault: folio +
//               offset; a page below pagecount whose folio is not recorded yet reads an
//               uninitialised entry), then the store must land in a live folio
//   3. munmap   zap the ptes, fput(vma->vm_file): the last reference runs release_udmabuf

import { DONE, thread, violation, type Thread } from '../../src/index.ts';
import { is_dma_buf_file } from '../kernel/dma-buf.ts';
import { fget, fput } from '../kernel/file.ts';
import { fdNumbers } from '../kernel/fdtable.ts';
import { folioLive } from '../kernel/memfd.ts';
import { do_mmap, handle_mm_fault, VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV, vm_munmap, vmaOf } from '../kernel/mm.ts';
import { is_udmabuf, type UdmabufWorld } from '../kernel/udmabuf.ts';
import { VM_READ, VM_SHARED, VM_WRITE } from '../kernel/world.ts';

export function udmabufWriter<W extends UdmabufWorld>(name: string, symmetry = 'udmabuf-writer', pid = 0): Thread<W> {
  return thread<W, { fd: number; vma: number }>({
    name,
    locals: { fd: -1, vma: -1 },
    symmetry: pid === 0 ? symmetry : `${symmetry}@pid${pid}`, // threads of different processes are not interchangeable
    steps: {
      mmap: {
        choices: (w) => fdNumbers(w, pid),
        run: (k, fd) => {
          const w = k.world;
          const file = fget(w, Number(fd), pid);
          if (file < 0) return DONE; // -EBADF
          const dmabuf = w.files[file]!.private_data;
          if (!is_dma_buf_file(w, file) || !is_udmabuf(w, dmabuf)) {
            fput(w, file);
            return DONE; // -ENODEV
          }
          const vma = do_mmap(w, pid, file, {
            pages: w.dmabufs[dmabuf]!.size,
            vm_flags: VM_READ | VM_WRITE | VM_SHARED,
            owner: name,
          });
          fput(w, file);
          if (vma < 0) return DONE;
          k.local.fd = Number(fd);
          k.local.vma = vma;
          return 'write';
        },
      },
      write: {
        run: (k) => {
          const w = k.world;
          const v = vmaOf(w, pid, k.local.vma);
          for (let i = 0; i < v.pages; i++) {
            if (handle_mm_fault(w, pid, k.local.vma, v.vm_start + i) & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV))
              return 'munmap'; // the store is not made
            const pte = v.ptes[i];
            if (pte && 'folio' in pte && !folioLive(w, pte.folio))
              violation(
                'use-after-free',
                `${name} writes page ${i} of its udmabuf mapping: folio${pte.folio} was unpinned and freed`,
              );
          }
          return 'munmap';
        },
      },
      munmap: {
        run: (k) => {
          vm_munmap(k.world, k.local.vma, pid);
          return DONE;
        },
      },
    },
  });
}
