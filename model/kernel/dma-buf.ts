// dma-buf objects (drivers/dma-buf/dma-buf.c): export, fd, put, release, vmap. What differs
// per exporter is in its dma_buf_ops (dma-buf-ops.ts), registered in the exporter's file
// (system-heap.ts, udmabuf.ts).

import { ModelError, violation } from '../../src/index.ts';
import { dma_buf_ops } from './dma-buf-ops.ts';
import { assertLive, fput } from './file.ts';
import { register_file_operations } from './file-operations.ts';
import { fd_install, get_unused_fd_flags } from './fdtable.ts';
import { EINVAL, EIO, errname } from './errno.ts';
import { allocFile, type DmaBufAttachment, type KernelWorld, type Vma } from './world.ts';

/** A world whose importers attach: every dma_buf_attachment made, by index. */
export interface AttachWorld extends KernelWorld {
  attachments: DmaBufAttachment[];
}
import { helper } from './helpers.ts';

/** dma_buf_fops: the dma-buf file's last fput releases the dma-buf; mmap is dma_buf_mmap_internal. */
export const DMA_BUF_FOPS = register_file_operations('dma_buf_fops', {
  release: (w, file) => dma_buf_release(w, w.files[file]!.private_data),
  mmap: (w, file, vma, pid) => dma_buf_mmap_internal(w, w.files[file]!.private_data, vma, pid),
});

/** dma_buf_mmap_internal(): no ->mmap: -EINVAL; past the buffer's end: -EINVAL; else dmabuf->ops->mmap. */
export const dma_buf_mmap_internal = helper(
  'dma_buf_mmap_internal',
  function dma_buf_mmap_internal(w: KernelWorld, dmabuf: number, vma: Vma, pid = 0): number {
    assertDmaBufLive(w, dmabuf, 'dma_buf_mmap_internal');
    const mmap = dma_buf_ops(w, dmabuf).mmap;
    if (!mmap) return -EINVAL;
    if (vma.vm_pgoff + vma.pages > w.dmabufs[dmabuf]!.size) return -EINVAL;
    return mmap(w, dmabuf, vma, pid);
  },
);

/** struct dma_buf_export_info: the exporter's ops, priv and size (in pages). */
export interface DmaBufExportInfo {
  ops: string;
  priv: number;
  size: number;
}

/** dma_buf_export(): a new dma-buf and its anon file (f_count 1, owned by the caller). */
export const dma_buf_export = helper(
  'dma_buf_export',
  function dma_buf_export(w: KernelWorld, exp_info: DmaBufExportInfo): number {
    const dmabuf = w.dmabufs.length;
    const file = allocFile(w, { name: `dmabuf${dmabuf}`, f_op: DMA_BUF_FOPS, private_data: dmabuf });
    w.dmabufs.push({
      ops: exp_info.ops,
      file,
      vmaps: 0,
      freed: false,
      priv: exp_info.priv,
      size: exp_info.size,
    });
    return dmabuf;
  },
);

/** is_dma_buf_file() */
export const is_dma_buf_file = helper(
  'is_dma_buf_file',
  function is_dma_buf_file(w: KernelWorld, file: number): boolean {
    return w.files[file]!.f_op === DMA_BUF_FOPS;
  },
);

/** dma_buf_fd(): get_unused_fd_flags() + fd_install(); the caller's reference goes to the fd table. */
export const dma_buf_fd = helper('dma_buf_fd', function dma_buf_fd(w: KernelWorld, dmabuf: number): number {
  const fd = get_unused_fd_flags(w);
  if (fd < 0) return fd;
  fd_install(w, fd, w.dmabufs[dmabuf]!.file);
  return fd;
});

export const dma_buf_put = helper('dma_buf_put', function dma_buf_put(w: KernelWorld, dmabuf: number): void {
  fput(w, w.dmabufs[dmabuf]!.file);
});

/** Runs on the last fput of the dma-buf's file: dmabuf->ops->release. */
export const dma_buf_release = helper(
  'dma_buf_release',
  function dma_buf_release(w: KernelWorld, dmabuf: number): void {
    const d = w.dmabufs[dmabuf]!;
    if (d.vmaps > 0)
      violation(
        'use-after-free',
        `dma_buf_release of dmabuf${dmabuf} while the kernel still has it vmapped (BUG_ON(dmabuf->vmapping_counter))`,
      );
    dma_buf_ops(w, dmabuf).release(w, dmabuf);
    d.freed = true;
  },
);

export const dma_buf_vmap = helper('dma_buf_vmap', function dma_buf_vmap(w: KernelWorld, dmabuf: number): void {
  assertDmaBufLive(w, dmabuf, 'dma_buf_vmap');
  w.dmabufs[dmabuf]!.vmaps += 1;
});

export const dma_buf_vunmap = helper('dma_buf_vunmap', function dma_buf_vunmap(w: KernelWorld, dmabuf: number): void {
  assertDmaBufLive(w, dmabuf, 'dma_buf_vunmap');
  if (w.dmabufs[dmabuf]!.vmaps === 0)
    violation(
      'double-free',
      `dma_buf_vunmap of dmabuf${dmabuf}, which is not vmapped (BUG_ON(dmabuf->vmapping_counter == 0))`,
    );
  w.dmabufs[dmabuf]!.vmaps -= 1;
});

export const assertDmaBufLive = helper(
  'assertDmaBufLive',
  function assertDmaBufLive(w: KernelWorld, dmabuf: number, what: string): void {
    const d = w.dmabufs[dmabuf]!;
    assertLive(w, d.file, what);
    if (d.freed) violation('use-after-free', `${what} on dmabuf${dmabuf}, already released`);
  },
);

/**
 * dma_buf_attach(): kzalloc(attach), ->attach (the exporter's own list: the system heap's
 * buffer->attachments, under the lock its caller's step takes), list_add on
 * dmabuf->attachments. Returns the attachment (an index in dmabuf's attachments).
 */
export const dma_buf_attach = helper(
  'dma_buf_attach',
  function dma_buf_attach(w: AttachWorld, dmabuf: number, dev: string): number {
    w.attachments.push({ dmabuf, dev, listed: true, sgt: 'none', freed: false });
    const attach = w.attachments.length - 1;
    dma_buf_ops(w, dmabuf).attach?.(w, dmabuf, attach);
    return attach;
  },
);

/** The attachment `attach` of dmabuf, which must not have been kfree'd. */
function attachmentOf(w: AttachWorld, dmabuf: number, attach: number, what: string): DmaBufAttachment {
  if (attach < 0)
    violation(
      'null-pointer-dereference',
      `${what} of ERR_PTR(${errname(attach)}): dma_buf_attach failed, attach->dmabuf dereferenced`,
    );
  const a = w.attachments[attach]!;
  if (a.dmabuf !== dmabuf) throw new ModelError(`attachment${attach} is of dmabuf${a.dmabuf}, not dmabuf${dmabuf}`);
  if (a.freed) violation('use-after-free', `${what} of attachment${attach} (${a.dev}), kfree'd by dma_buf_detach`);
  return a;
}

/** dma_buf_map_attachment(): ->map_dma_buf, the attachment's sg table, or ERR_PTR(-EIO) (dma_map_sgtable failed). */
export const dma_buf_map_attachment = helper(
  'dma_buf_map_attachment',
  function dma_buf_map_attachment(w: AttachWorld, dmabuf: number, attach: number, fails: boolean): number {
    const a = attachmentOf(w, dmabuf, attach, 'dma_buf_map_attachment');
    if (fails) {
      a.sgt = 'error';
      return -EIO;
    }
    dma_buf_ops(w, dmabuf).map_dma_buf?.(w, dmabuf, attach);
    a.sgt = 'mapped';
    return 0;
  },
);

/** A device job's DMA through the attachment: it programs the addresses of the sg table dma_buf_map_attachment returned. */
export const dma_buf_attachment_dma = helper(
  'dma_buf_attachment_dma',
  function dma_buf_attachment_dma(w: AttachWorld, dmabuf: number, attach: number, who: string): void {
    const a = attachmentOf(w, dmabuf, attach, `${who}'s device job`);
    if (a.sgt === 'error')
      violation(
        'null-pointer-dereference',
        `${who}'s device job walks the sg table of attachment${attach}, but dma_buf_map_attachment returned ERR_PTR(-EIO)`,
      );
    if (a.sgt === 'none')
      violation('use-after-free', `${who}'s device DMAs through attachment${attach}, which is not mapped`);
  },
);

/** dma_buf_unmap_attachment(): ->unmap_dma_buf of the mapped sg table. */
export const dma_buf_unmap_attachment = helper(
  'dma_buf_unmap_attachment',
  function dma_buf_unmap_attachment(w: AttachWorld, dmabuf: number, attach: number): void {
    const a = attachmentOf(w, dmabuf, attach, 'dma_buf_unmap_attachment');
    if (a.sgt !== 'mapped')
      violation('double-free', `dma_buf_unmap_attachment of attachment${attach} (${a.dev}), which is not mapped`);
    dma_buf_ops(w, dmabuf).unmap_dma_buf?.(w, dmabuf, attach);
    a.sgt = 'none';
  },
);

/** dma_buf_detach(): list_del from dmabuf->attachments, ->detach (the exporter's list), kfree(attach). */
export const dma_buf_detach = helper(
  'dma_buf_detach',
  function dma_buf_detach(w: AttachWorld, dmabuf: number, attach: number): void {
    const a = attachmentOf(w, dmabuf, attach, 'dma_buf_detach');
    a.listed = false;
    dma_buf_ops(w, dmabuf).detach?.(w, dmabuf, attach);
    a.freed = true;
  },
);
