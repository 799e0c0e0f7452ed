// A thread of the same process that guesses an fd number and uses what it finds there:
// mmap(fd) (dma_buf_mmap takes a file reference for the vma), read the mapping, munmap.
// fds are the lowest free number, so the guess is easy (Christian König, seed 000).
//
//   1. mmap          fget(fd); not a dma-buf: -ENODEV; else vma->vm_file = get_file()
//   2. read_mapping  read every page of the mapping (what a racing user sees)
//   3. munmap        fput(vma->vm_file)

import { vm_munmap } from '../kernel/mm.ts';
import { DONE, thread, type Thread } from '../../src/index.ts';
import { assertDmaBufLive, filledPages } from '../kernel/dma-buf.ts';
import { fget, fput, get_file } from '../kernel/file.ts';
import { assertPageLive } from '../kernel/page.ts';
import type { KernelWorld } from '../kernel/world.ts';

export function fdGuesser(name: string, symmetry = 'fd-guesser'): Thread<KernelWorld> {
  return thread<KernelWorld, { fd: number; vma: number }>({
    name,
    locals: { fd: -1, vma: -1 },
    symmetry,
    steps: {
      mmap: {
        choices: (w) => w.fdtable.fd.map((_, fd) => fd),
        show: (k, fd) => `mmap(fd ${fd}) = ${k.local.vma >= 0 ? `vma${k.local.vma}` : k.world.fdtable.fd[Number(fd)] === null ? '-EBADF' : '-ENODEV'}`,
        run: (k, fd) => {
          const w = k.world;
          const file = fget(w, Number(fd));
          if (file < 0) return DONE; // -EBADF
          const f = w.files[file]!;
          if (f.kind !== 'dma_buf') {
            fput(w, file);
            return DONE; // -ENODEV
          }
          assertDmaBufLive(w, f.dmabuf, `mmap(fd ${fd})`);
          get_file(w, file);
          w.vmas.push({ file, owner: name });
          fput(w, file);
          k.local.fd = Number(fd);
          k.local.vma = w.vmas.length - 1;
          return 'read_mapping';
        },
      },
      read_mapping: {
        run: (k) => {
          const w = k.world;
          const dmabuf = w.files[w.vmas[k.local.vma]!.file]!.dmabuf;
          for (const page of w.dmabufs[dmabuf]!.pages) assertPageLive(w, page, `${name} reading its mapping of fd ${k.local.fd}`);
          w.observed.push({ thread: name, fd: k.local.fd, dmabuf, ...filledPages(w, dmabuf) });
          return 'munmap';
        },
      },
      munmap: {
        run: (k) => {
          const w = k.world;
          vm_munmap(w, k.local.vma);
          return DONE;
        },
      },
    },
  });
}
