// A userspace thread holding the memfd behind a udmabuf: it maps the memfd shared and
// stores to one of its pages. Nothing in the series' udmabuf rw_file excludes it (wangtao,
// v2: "apps using memfd or udmabuf for Direct IO might cause errors, but there are no
// safeguards to prevent this").
//
//   1. mmap     do_mmap(PROT_WRITE, MAP_SHARED) of the memfd (shmem_mmap)
//   2. store    a store to memfd page `page` (shmem_fault fills the pte)
//   3. munmap   vm_munmap

import { DONE, thread, type Thread } from '../../src/index.ts';
import type { BioWorld } from '../kernel/bio.ts';
import { fget, fput } from '../kernel/file.ts';
import type { MemfdWorld } from '../kernel/memfd.ts';
import { do_mmap, handle_mm_fault, vm_munmap, vmaOf } from '../kernel/mm.ts';
import { VM_READ, VM_SHARED, VM_WRITE } from '../kernel/world.ts';
import { touchPage } from '../../properties/copy-io.ts';

export function memfdStorer<W extends BioWorld & MemfdWorld>(name: string, fd: number, page: number): Thread<W> {
  return thread<W, { vma: number }>({
    name,
    locals: { vma: -1 },
    steps: {
      mmap: {
        run: (k) => {
          const w = k.world;
          const file = fget(w, fd);
          if (file < 0) return DONE;
          const vma = do_mmap(w, 0, file, {
            pages: w.inodes[w.files[file]!.inode]!.size,
            vm_flags: VM_READ | VM_WRITE | VM_SHARED,
            owner: name,
          });
          fput(w, file);
          if (vma < 0) return DONE;
          k.local.vma = vma;
          return 'store';
        },
      },
      store: {
        run: (k) => {
          const w = k.world;
          const v = vmaOf(w, 0, k.local.vma);
          handle_mm_fault(w, 0, k.local.vma, v.vm_start + page);
          const pte = v.ptes[page];
          if (pte) touchPage(w, pte, `${name} (through its memfd mapping)`, 'cpu');
          return 'munmap';
        },
      },
      munmap: {
        run: (k) => {
          vm_munmap(k.world, k.local.vma);
          return DONE;
        },
      },
    },
  });
}
