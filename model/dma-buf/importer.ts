// An importer of the dma-buf (a device driver): it attaches, maps the attachment, runs a
// device job that writes a page of the buffer, unmaps and detaches (drivers/dma-buf/dma-buf.c
// dma_buf_attach / dma_buf_map_attachment / dma_buf_unmap_attachment / dma_buf_detach).
// Which lock each op takes is the exporter's (dma_buf_ops.lock_of): the system heap's
// attach and detach take buffer->lock (list_add / list_del on buffer->attachments), its
// map_dma_buf takes none; udmabuf takes no lock of its own.
//
//   1. dma_buf_attach            kzalloc(attach), dup_sg_table             -ENOMEM -> done
//                                ->attach under the exporter's lock
//   2. dma_buf_map_attachment    ->map_dma_buf (dma_map_sgtable), no lock    -EIO -> detach
//   3. device_write              the device's job DMA-writes page `pg` of the buffer (its
//                                fence signals before the unmap: a well-behaved importer)
//   4. dma_buf_unmap_attachment  ->unmap_dma_buf
//   5. dma_buf_detach            ->detach under the exporter's lock

import { DONE, thread, type Thread } from '../../src/index.ts';
import { dma_buf_ops } from '../kernel/dma-buf-ops.ts';
import type { BioWorld } from '../kernel/bio.ts';
import { mutexWait } from '../kernel/lock-wait.ts';
import { mutex_lock, mutex_unlock } from '../kernel/mutex.ts';
import { touchPage } from '../../properties/copy-io.ts';

/** `op` of the exporter under the lock it takes for it (taken and released within the step). */
export function underExporterLock<W extends BioWorld>(
  w: W,
  dmabuf: number,
  op: 'attach' | 'detach' | 'vmap' | 'vunmap' | 'begin_cpu_access' | 'end_cpu_access' | 'mmap',
  who: string,
  call: () => number,
): number {
  const lock = dma_buf_ops(w, dmabuf).lock_of?.(w, dmabuf, op);
  if (lock) mutex_lock(lock, who);
  const ret = call();
  if (lock) mutex_unlock(lock, who);
  return ret;
}

/** The guard and named wait of a step calling `op` of the exporter of `dmabuf`. */
export const exporterLockWait = <W extends BioWorld, L>(dmabuf: number, op: Parameters<typeof underExporterLock>[2]) =>
  mutexWait<W, L>((w) => dma_buf_ops(w, dmabuf).lock_of?.(w, dmabuf, op));

export function importer<W extends BioWorld>(name: string, dmabuf: number, pg = 0): Thread<W> {
  const ops = (w: W) => dma_buf_ops(w, dmabuf);
  return thread<W, {}>({
    name,
    locals: {},
    steps: {
      dma_buf_attach: {
        fails: ['-ENOMEM'],
        ...exporterLockWait<W, {}>(dmabuf, 'attach'),
        run: (k, c) => {
          if (c !== 'ok') return DONE; // kzalloc / dup_sg_table
          underExporterLock(k.world, dmabuf, 'attach', name, () => ops(k.world).attach?.(k.world, dmabuf) ?? 0);
          return 'dma_buf_map_attachment';
        },
      },
      dma_buf_map_attachment: {
        fails: ['-EIO'],
        run: (k, c) => {
          if (c !== 'ok') return 'dma_buf_detach'; // dma_map_sgtable failed
          ops(k.world).map_dma_buf?.(k.world, dmabuf);
          return 'device_write';
        },
      },
      device_write: {
        show: () => `device writes buffer page ${pg}`,
        run: (k) => {
          touchPage(k.world, ops(k.world).page_of!(k.world, dmabuf, pg), `${name}'s device`, 'device');
          return 'dma_buf_unmap_attachment';
        },
      },
      dma_buf_unmap_attachment: {
        run: (k) => {
          ops(k.world).unmap_dma_buf?.(k.world, dmabuf);
          return 'dma_buf_detach';
        },
      },
      dma_buf_detach: {
        ...exporterLockWait<W, {}>(dmabuf, 'detach'),
        run: (k) => {
          underExporterLock(k.world, dmabuf, 'detach', name, () => (ops(k.world).detach?.(k.world, dmabuf), 0));
          return DONE;
        },
      },
    },
  });
}
