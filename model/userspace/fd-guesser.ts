// A thread of the same process that guesses an fd number and uses what it finds there:
// mmap(fd) (the vma takes a reference on the file; dma_buf_mmap_internal maps the pages),
// read the mapping, munmap. fds are the lowest free number, so the guess is easy
// (Christian König, seed 000).
//
//   1. mmap          fget(fd); not a dma-buf: gives up (-ENODEV); do_mmap(PROT_READ,
//                    MAP_SHARED) of the whole buffer through f_op->mmap; fput
//   2. read_mapping  read every page of the mapping (what a racing user sees)
//   3. munmap        zap the ptes, fput(vma->vm_file)

import { DONE, thread, type Thread } from '../../src/index.ts';
import { is_dma_buf_file } from '../kernel/dma-buf.ts';
import { fget, fput } from '../kernel/file.ts';
import { fdNumbers } from '../kernel/fdtable.ts';
import { do_mmap, vm_munmap, vmaOf } from '../kernel/mm.ts';
import { assertPageLive } from '../kernel/page.ts';
import { filledPages } from '../kernel/system-heap.ts';
import { fdtableOf, VM_READ, VM_SHARED, type KernelWorld } from '../kernel/world.ts';

/** pid: the process it is a thread of. */
export function fdGuesser<W extends KernelWorld>(name: string, symmetry = 'fd-guesser', pid = 0): Thread<W> {
  return thread<W, { fd: number; vma: number }>({
    name,
    locals: { fd: -1, vma: -1 },
    symmetry: pid === 0 ? symmetry : `${symmetry}@pid${pid}`, // threads of different processes are not interchangeable
    steps: {
      mmap: {
        choices: (w) => fdNumbers(w, pid),
        show: (k, fd) =>
          `mmap(fd ${fd}) = ${k.local.vma >= 0 ? `vma${k.local.vma}` : fdtableOf(k.world, pid).fd[Number(fd)] === null ? '-EBADF' : '-ENODEV'}`,
        run: (k, fd) => {
          const w = k.world;
          const file = fget(w, Number(fd), pid);
          if (file < 0) return DONE; // -EBADF
          if (!is_dma_buf_file(w, file)) {
            fput(w, file);
            return DONE; // -ENODEV
          }
          const pages = w.dmabufs[w.files[file]!.private_data]!.size;
          const vma = do_mmap(w, pid, file, { pages, vm_flags: VM_READ | VM_SHARED, owner: name });
          fput(w, file);
          if (vma < 0) return DONE;
          k.local.fd = Number(fd);
          k.local.vma = vma;
          return 'read_mapping';
        },
      },
      read_mapping: {
        run: (k) => {
          const w = k.world;
          const v = vmaOf(w, pid, k.local.vma);
          for (const pte of v.ptes)
            if (pte && 'page' in pte) assertPageLive(w, pte.page, `${name} reading its mapping of fd ${k.local.fd}`);
          const dmabuf = w.files[v.vm_file]!.private_data;
          w.observed.push({ thread: name, fd: k.local.fd, dmabuf, ...filledPages(w, dmabuf) });
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
