// Who frees a udmabuf. Before dma_buf_export() the create path owns it (its error path frees
// it); from a successful export on, dmabuf->priv points at it and only the dma-buf's release
// (release_udmabuf, on the last fput of the dma-buf file) may free it: a ubuf freed while
// its dma-buf lives is a dangling dmabuf->priv.

import { always, atEnd, type Property } from '../src/index.ts';
import type { UdmabufWorld } from '../model/kernel/udmabuf.ts';

export const ubufFreedBeforeRelease: Property<UdmabufWorld> = always(
  'ubuf-freed-before-release',
  'after a successful dma_buf_export, only the dma-buf release frees the udmabuf',
  ({ world: w }) => {
    for (const [i, u] of w.udmabufs.entries()) {
      if (!u.freed || u.dmabuf < 0) continue;
      if (u.freedBy !== 'release_udmabuf' || !w.dmabufs[u.dmabuf]!.freed) {
        return `ubuf${i} was freed by ${u.freedBy} while dmabuf${u.dmabuf} (dmabuf->priv == ubuf${i}) is still alive`;
      }
    }
    return undefined;
  },
);

export const udmabufLeak: Property<UdmabufWorld> = atEnd(
  'udmabuf-leak',
  'every udmabuf is freed once its dma-buf is released, or its creation failed',
  ({ world: w }) => {
    for (const [i, u] of w.udmabufs.entries()) {
      if (u.freed) continue;
      if (u.dmabuf < 0 || w.dmabufs[u.dmabuf]!.freed) return `ubuf${i} is never freed`;
    }
    return undefined;
  },
);
