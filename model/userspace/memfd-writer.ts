// A thread that writes to a memfd through a writable shared mapping of it:
// mmap(PROT_WRITE, MAP_SHARED) counts in i_mmap_writable (which makes F_ADD_SEALS of
// F_SEAL_WRITE fail with -EBUSY), and is refused once the memfd is sealed against writes.
//
//   1. mmap     fget(fd); not a memfd (closed and reused): gives up; do_mmap through
//               shmem_mmap: seal_check_write + mapping_map_writable (-EPERM); fput
//   2. write    store to every page of the memfd still in the page cache
//   3. munmap   vm_ops->close: mapping_unmap_writable; fput(vma->vm_file)

import { DONE, thread, violation, type Thread } from '../../src/index.ts';
import { fget, fput } from '../kernel/file.ts';
import { folioLive, memfdOf, type MemfdWorld } from '../kernel/memfd.ts';
import { do_mmap, vm_munmap } from '../kernel/mm.ts';
import { VM_READ, VM_SHARED, VM_WRITE } from '../kernel/world.ts';

/** pages: the length it maps (a constant: a length read from i_size would record when it mapped). */
export function memfdWriter<W extends MemfdWorld>(name: string, fd: number, pages = 1, pid = 0): Thread<W> {
  return thread<W, { vma: number; memfd: number }>({
    name,
    locals: { vma: -1, memfd: -1 },
    steps: {
      mmap: {
        run: (k) => {
          const w = k.world;
          const file = fget(w, fd, pid);
          if (file < 0) return DONE;
          const memfd = memfdOf(w, file);
          const vma =
            memfd < 0 ? -1 : do_mmap(w, pid, file, { pages, vm_flags: VM_READ | VM_WRITE | VM_SHARED, owner: name });
          fput(w, file);
          if (vma < 0) return DONE;
          k.local.vma = vma;
          k.local.memfd = memfd;
          return 'write';
        },
      },
      write: {
        run: (k) => {
          const w = k.world;
          for (const folio of w.memfds[k.local.memfd]!.cache) {
            if (!folioLive(w, folio))
              violation('use-after-free', `${name} writes folio${folio} through its mapping, but the folio was freed`);
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
