// A userspace thread that maps the dma-buf and stores to it (mmap of the dma-buf fd:
// dma_buf_mmap_internal -> the exporter's mmap; the system heap's remap_pfn_range takes no
// lock, udmabuf's faults insert the folios' pfns), optionally bracketed by
// DMA_BUF_IOCTL_SYNC START/END (dma_buf_begin_cpu_access / end_cpu_access, which the system
// heap runs under buffer->lock). Plain stores through a mapping take no lock at all.
//
//   1. mmap              do_mmap(PROT_WRITE, MAP_SHARED) of the dma-buf fd (under the exporter's
//                        lock only in the exclusive-incl-mmap design)
//   2. begin_cpu_access  (sync) DMA_BUF_IOCTL_SYNC(DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE)
//   3. store             a store to page `pg` of the mapping (a fault fills its pte first)
//   4. end_cpu_access    (sync) DMA_BUF_IOCTL_SYNC(DMA_BUF_SYNC_END)
//   5. munmap            vm_munmap (vm_ops->close)

import { DONE, thread, type Thread } from '../../src/index.ts';
import type { BioWorld } from '../kernel/bio.ts';
import { dma_buf_ops } from '../kernel/dma-buf-ops.ts';
import { do_mmap, handle_mm_fault, vm_munmap, vmaOf } from '../kernel/mm.ts';
import { VM_READ, VM_SHARED, VM_WRITE } from '../kernel/world.ts';
import { exporterLockWait, underExporterLock } from './importer.ts';
import { touchPage } from '../../properties/copy-io.ts';

export function cpuMapper<W extends BioWorld>(
  name: string,
  dmabuf: number,
  opts: { sync: boolean; pg?: number },
): Thread<W> {
  const pg = opts.pg ?? 0;
  const ops = (w: W) => dma_buf_ops(w, dmabuf);
  return thread<W, { vma: number }>({
    name,
    locals: { vma: -1 },
    steps: {
      mmap: {
        ...exporterLockWait<W, { vma: number }>(dmabuf, 'mmap'),
        run: (k) => {
          const w = k.world;
          const vma = underExporterLock(w, dmabuf, 'mmap', name, () =>
            do_mmap(w, 0, w.dmabufs[dmabuf]!.file, {
              pages: w.dmabufs[dmabuf]!.size,
              vm_flags: VM_READ | VM_WRITE | VM_SHARED,
              owner: name,
            }),
          );
          if (vma < 0) return DONE;
          k.local.vma = vma;
          return opts.sync ? 'begin_cpu_access' : 'store';
        },
      },
      begin_cpu_access: {
        ...exporterLockWait<W, { vma: number }>(dmabuf, 'begin_cpu_access'),
        run: (k) => (
          underExporterLock(
            k.world,
            dmabuf,
            'begin_cpu_access',
            name,
            () => ops(k.world).begin_cpu_access?.(k.world, dmabuf) ?? 0,
          ),
          'store'
        ),
      },
      store: {
        show: () => `store to page ${pg}`,
        run: (k) => {
          const w = k.world;
          const v = vmaOf(w, 0, k.local.vma);
          handle_mm_fault(w, 0, k.local.vma, v.vm_start + pg); // SIGBUS: no pte, no store
          const pte = v.ptes[pg];
          if (pte) touchPage(w, pte, `${name} (through its mapping)`, 'cpu');
          return opts.sync ? 'end_cpu_access' : 'munmap';
        },
      },
      end_cpu_access: {
        ...exporterLockWait<W, { vma: number }>(dmabuf, 'end_cpu_access'),
        run: (k) => (
          underExporterLock(
            k.world,
            dmabuf,
            'end_cpu_access',
            name,
            () => ops(k.world).end_cpu_access?.(k.world, dmabuf) ?? 0,
          ),
          'munmap'
        ),
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
