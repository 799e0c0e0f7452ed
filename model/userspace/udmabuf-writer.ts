// A thread of the same process that guesses the fd of a new udmabuf, maps it shared and
// writes through the mapping: the store lands in the memfd's folios (udmabuf_vm_fault
// inserts their pfns; no page reference is taken, only the pins keep them alive). The vma
// holds a reference on the dma-buf file, so release_udmabuf can run at its munmap.
//
//   1. mmap     fget(fd); not a udmabuf dma-buf: done; mmap_udmabuf (vm_private_data = ubuf)
//   2. write    store to every page of the buffer (udmabuf_vm_fault: folio + offset; a page
//               below pagecount whose folio is not recorded yet reads an uninitialised entry)
//   3. munmap   fput(vma->vm_file): the last reference runs release_udmabuf

import { vm_munmap } from '../kernel/mm.ts';
import { DONE, thread, violation, type Thread } from '../../src/index.ts';
import { assertDmaBufLive, is_dma_buf_file } from '../kernel/dma-buf.ts';
import { fget, fput } from '../kernel/file.ts';
import { folioLive } from '../kernel/memfd.ts';
import { assertUdmabufLive, is_udmabuf, type UdmabufWorld } from '../kernel/udmabuf.ts';

export function udmabufWriter<W extends UdmabufWorld>(name: string, symmetry = 'udmabuf-writer'): Thread<W> {
  return thread<W, { fd: number; vma: number; ubuf: number }>({
    name,
    locals: { fd: -1, vma: -1, ubuf: -1 },
    symmetry,
    steps: {
      mmap: {
        choices: (w) => w.fdtable.fd.map((_, fd) => fd),
        run: (k, fd) => {
          const w = k.world;
          const file = fget(w, Number(fd));
          if (file < 0) return DONE; // -EBADF
          const dmabuf = w.files[file]!.private_data;
          if (!is_dma_buf_file(w, file) || !is_udmabuf(w, dmabuf)) {
            fput(w, file);
            return DONE; // -ENODEV
          }
          assertDmaBufLive(w, dmabuf, `mmap(fd ${fd})`);
          const ubuf = w.dmabufs[dmabuf]!.priv;
          assertUdmabufLive(w, ubuf, `mmap_udmabuf(fd ${fd})`);
          // the fget reference becomes vma->vm_file's
          w.vmas.push({ file, owner: name });
          k.local.fd = Number(fd);
          k.local.vma = w.vmas.length - 1;
          k.local.ubuf = ubuf;
          return 'write';
        },
      },
      write: {
        run: (k) => {
          const w = k.world;
          assertUdmabufLive(w, k.local.ubuf, `udmabuf_vm_fault (${name}, fd ${k.local.fd})`);
          const u = w.udmabufs[k.local.ubuf]!;
          for (let i = 0; i < u.pagecount; i++) {
            const page = u.pages[i];
            // pgoff < pagecount: folio_pfn(ubuf->folios[pgoff]) of an entry the create path has not set yet
            if (page === undefined) violation('uninit-value', `${name} writes page ${i} of its udmabuf mapping: udmabuf_vm_fault reads ubuf->folios[${i}], not set yet (${u.pages.length} of ${u.pagecount} pages pinned)`);
            if (!folioLive(w, page.folio)) violation('use-after-free', `${name} writes page ${i} of its udmabuf mapping: folio${page.folio} was unpinned and freed`);
          }
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
