// A thread that writes to a memfd through a writable shared mapping of it:
// mmap(PROT_WRITE, MAP_SHARED) counts in i_mmap_writable (which makes F_ADD_SEALS of
// F_SEAL_WRITE fail with -EBUSY), and is refused once the memfd is sealed against writes.
//
//   1. mmap     fget(fd); seal_check_write + mapping_map_writable (-EPERM); the vma holds the file
//   2. write    store to every page of the mapping still in the page cache
//   3. munmap   mapping_unmap_writable; fput(vma->vm_file)

import { vm_munmap } from '../kernel/mm.ts';
import { DONE, thread, violation, type Thread } from '../../src/index.ts';
import { fget, fput } from '../kernel/file.ts';
import { folioLive, memfdOf, mmap_memfd_writable, munmap_memfd_writable, type MemfdWorld } from '../kernel/memfd.ts';

export function memfdWriter<W extends MemfdWorld>(name: string, fd: number): Thread<W> {
  return thread<W, { vma: number; memfd: number }>({
    name,
    locals: { vma: -1, memfd: -1 },
    steps: {
      mmap: {
        run: (k) => {
          const w = k.world;
          const file = fget(w, fd);
          if (file < 0) return DONE;
          const memfd = memfdOf(w, file);
          if (memfd < 0 || mmap_memfd_writable(w, memfd) < 0) {
            fput(w, file);
            return DONE;
          }
          // the fget reference becomes vma->vm_file's
          w.vmas.push({ file, owner: name });
          k.local.vma = w.vmas.length - 1;
          k.local.memfd = memfd;
          return 'write';
        },
      },
      write: {
        run: (k) => {
          const w = k.world;
          for (const folio of w.memfds[k.local.memfd]!.cache) {
            if (!folioLive(w, folio)) violation('use-after-free', `${name} writes folio${folio} through its mapping, but the folio was freed`);
          }
          return 'munmap';
        },
      },
      munmap: {
        run: (k) => {
          const w = k.world;
          munmap_memfd_writable(w, k.local.memfd);
          vm_munmap(w, k.local.vma);
          return DONE;
        },
      },
    },
  });
}
