// An importer of the dma-buf (a device driver): it attaches, maps the attachment, runs a
// device job that writes a page of the buffer, unmaps and detaches (drivers/dma-buf/dma-buf.c
// dma_buf_attach / dma_buf_map_attachment / dma_buf_unmap_attachment / dma_buf_detach).
// Which lock each op takes is the exporter's (dma_buf_ops.lock_of): the system heap's
// attach and detach take buffer->lock (list_add / list_del on buffer->attachments), its
// map_dma_buf takes none; udmabuf takes no lock of its own.
//
// The driver holds a reference to the dma-buf from before the racers start (dma_buf_get:
// the world takes it, copy-file-range.ts), and drops it when it is done (dma_buf_put).
//
//   1. dma_buf_attach            kzalloc(attach), dup_sg_table             -ENOMEM -> put, done
//                                ->attach under the exporter's lock; list_add on
//                                dmabuf->attachments: the attachment is the importer's
//   2. dma_buf_map_attachment    ->map_dma_buf (dma_map_sgtable), no lock    -EIO -> detach
//                                the attachment's sg table, or ERR_PTR(-EIO)
//   3. device_write              the device's job DMA-writes page `pg` of the buffer through
//                                the mapped attachment (its fence signals before the unmap:
//                                a well-behaved importer)
//   4. dma_buf_unmap_attachment  ->unmap_dma_buf
//   5. dma_buf_detach            ->detach under the exporter's lock, kfree(attach); dma_buf_put
//
// Misuse of the attachment is raised in dma-buf.ts: a job or a detach on ERR_PTR is
// null-pointer-dereference, anything on a kfree'd attachment use-after-free, an unmap of an
// attachment not mapped double-free.

import { DONE, thread, type Thread } from '../../src/index.ts';
import {
  dma_buf_attach,
  dma_buf_attachment_dma,
  dma_buf_detach,
  dma_buf_map_attachment,
  dma_buf_put,
  dma_buf_unmap_attachment,
  type AttachWorld,
} from '../kernel/dma-buf.ts';
import { dma_buf_ops } from '../kernel/dma-buf-ops.ts';
import { ENOMEM } from '../kernel/errno.ts';
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

export function importer<W extends BioWorld & AttachWorld>(name: string, dmabuf: number, pg = 0): Thread<W> {
  const ops = (w: W) => dma_buf_ops(w, dmabuf);
  return thread<W, Locals>({
    name,
    locals: { attach: -ENOMEM },
    steps: {
      dma_buf_attach: {
        fails: ['-ENOMEM'],
        ...exporterLockWait<W, Locals>(dmabuf, 'attach'),
        run: (k, c) => {
          if (c !== 'ok') {
            dma_buf_put(k.world, dmabuf); // kzalloc / dup_sg_table failed: the driver gives the buffer back
            return DONE;
          }
          k.local.attach = underExporterLock(k.world, dmabuf, 'attach', name, () =>
            dma_buf_attach(k.world, dmabuf, `${name}'s device`),
          );
          return 'dma_buf_map_attachment';
        },
      },
      dma_buf_map_attachment: {
        fails: ['-EIO'],
        run: (k, c) => {
          if (dma_buf_map_attachment(k.world, dmabuf, k.local.attach, c !== 'ok') < 0) return 'dma_buf_detach'; // dma_map_sgtable failed
          return 'device_write';
        },
      },
      device_write: {
        show: () => `device writes buffer page ${pg}`,
        run: (k) => {
          dma_buf_attachment_dma(k.world, dmabuf, k.local.attach, name);
          touchPage(k.world, ops(k.world).page_of!(k.world, dmabuf, pg), `${name}'s device`, 'device');
          return 'dma_buf_unmap_attachment';
        },
      },
      dma_buf_unmap_attachment: {
        run: (k) => {
          dma_buf_unmap_attachment(k.world, dmabuf, k.local.attach);
          return 'dma_buf_detach';
        },
      },
      dma_buf_detach: {
        ...exporterLockWait<W, Locals>(dmabuf, 'detach'),
        run: (k) => {
          underExporterLock(
            k.world,
            dmabuf,
            'detach',
            name,
            () => (dma_buf_detach(k.world, dmabuf, k.local.attach), 0),
          );
          dma_buf_put(k.world, dmabuf); // the driver's reference (dma_buf_get)
          return DONE;
        },
      },
    },
  });
}

interface Locals {
  /** the dma_buf_attachment dma_buf_attach returned (an index in the dma-buf's attachments), or ERR_PTR(-ENOMEM) */
  attach: number;
}
