// A kernel user of the buffer's vmap (a driver's CPU access): dma_buf_vmap, a CPU write
// through the mapping, dma_buf_vunmap (drivers/dma-buf/dma-buf.c). The system heap's vmap
// and vunmap run under buffer->lock and count buffer->vmap_cnt, which the series' rw_file
// checks (v2..v4).
//
//   1. dma_buf_vmap     dmabuf->vmapping_counter++, ->vmap under the exporter's lock   -ENOMEM -> done
//   2. cpu_write        a store to page `pg` of the buffer through the vmap
//   3. dma_buf_vunmap   ->vunmap under the exporter's lock, vmapping_counter--

import { DONE, thread, type Thread } from '../../src/index.ts';
import type { BioWorld } from '../kernel/bio.ts';
import { dma_buf_vmap, dma_buf_vunmap } from '../kernel/dma-buf.ts';
import { dma_buf_ops } from '../kernel/dma-buf-ops.ts';
import { exporterLockWait, underExporterLock } from './importer.ts';
import { touchPage } from '../../properties/copy-io.ts';

export function vmapper<W extends BioWorld>(name: string, dmabuf: number, pg = 0): Thread<W> {
  const ops = (w: W) => dma_buf_ops(w, dmabuf);
  return thread<W, {}>({
    name,
    locals: {},
    steps: {
      dma_buf_vmap: {
        fails: ['-ENOMEM'],
        ...exporterLockWait<W, {}>(dmabuf, 'vmap'),
        run: (k, c) => {
          if (c !== 'ok') return DONE; // vmap() of the pages failed
          dma_buf_vmap(k.world, dmabuf);
          underExporterLock(k.world, dmabuf, 'vmap', name, () => ops(k.world).vmap?.(k.world, dmabuf) ?? 0);
          return 'cpu_write';
        },
      },
      cpu_write: {
        show: () => `write page ${pg} through the vmap`,
        run: (k) => {
          touchPage(k.world, ops(k.world).page_of!(k.world, dmabuf, pg), `${name} (through its vmap)`, 'cpu');
          return 'dma_buf_vunmap';
        },
      },
      dma_buf_vunmap: {
        ...exporterLockWait<W, {}>(dmabuf, 'vunmap'),
        run: (k) => {
          underExporterLock(k.world, dmabuf, 'vunmap', name, () => (ops(k.world).vunmap?.(k.world, dmabuf), 0));
          dma_buf_vunmap(k.world, dmabuf);
          return DONE;
        },
      },
    },
  });
}
