// Folio pins as a multiset: every successful pin (memfd_pin_folios) is undone exactly once,
// by unpin_folio / unpin_folios, on every error path and at release; nothing is unpinned
// that was not pinned (raised inside unpin_folio: model/kernel/folio.ts); and once no fd or
// mapping reaches a udmabuf any more, every pin count is back to zero.

import { always, atEnd, type Property } from '../src/index.ts';
import { is_dma_buf_file } from '../model/kernel/dma-buf.ts';
import { is_udmabuf, type UdmabufWorld } from '../model/kernel/udmabuf.ts';
import { fdName, findFd, findVma } from '../model/kernel/world.ts';

export const folioPinBugs = {
  'unpin-not-pinned':
    'unpin_folio() of a folio that is not pinned, or by a udmabuf that holds no pin on it (pincount underflow)',
};

/** A udmabuf that has been freed holds no pin: the pins it took were all undone before kfree(ubuf). */
export const pinLeak: Property<UdmabufWorld> = always(
  'pin-leak',
  'every pin taken for a udmabuf is undone before the udmabuf is freed',
  ({ world: w }) => {
    for (const [i, f] of w.folios.entries()) {
      for (const pin of f.pins) {
        const ubuf = Number(pin.holder.replace(/^ubuf/, ''));
        const u = w.udmabufs[ubuf];
        if (u?.freed)
          return `folio${i} stays pinned for ubuf${ubuf}, which ${u.freedBy} freed: a pin never undone (pincount ${f.pincount})`;
      }
    }
    return undefined;
  },
);

/** Once no fd and no mapping refers to a live udmabuf dma-buf, every folio's pin count is 0. */
export const folioPinnedAfterClose: Property<UdmabufWorld> = atEnd(
  'folio-pinned-after-close',
  'all pin counts are back to zero once every udmabuf fd and mapping is gone',
  ({ world: w }) => {
    const reachable = (file: number) =>
      file >= 0 && !w.files[file]!.freed && is_dma_buf_file(w, file) && is_udmabuf(w, w.files[file]!.private_data);
    if (
      findFd(w, (_pid, _fd, file) => reachable(file) || undefined) ||
      findVma(w, (_pid, vma) => reachable(vma.vm_file) || undefined)
    )
      return undefined;
    const i = w.folios.findIndex((f) => f.pincount !== 0);
    return i < 0 ? undefined : `every udmabuf fd is closed, but folio${i} has pincount ${w.folios[i]!.pincount}`;
  },
);

/**
 * Installing the fd is the point of no return: every page of the buffer must be pinned and
 * recorded by then. An fd installed earlier lets another thread mmap the buffer while
 * ubuf->folios[] is still being filled (udmabuf_vm_fault reads the entries past the last
 * recorded one uninitialised), or close it and run release_udmabuf under the pin loop.
 */
export const fdExposesUnpinnedBuffer: Property<UdmabufWorld> = always(
  'fd-exposes-unpinned-buffer',
  'no installed fd refers to a udmabuf whose pages are not all pinned yet',
  ({ world: w }) =>
    findFd(w, (pid, fd, file) => {
      const f = w.files[file]!;
      if (!is_dma_buf_file(w, file) || f.freed || !is_udmabuf(w, f.private_data)) return undefined;
      const d = w.dmabufs[f.private_data]!;
      const u = w.udmabufs[d.priv]!;
      return !u.freed && u.pages.length < u.pagecount
        ? `${fdName(pid, fd)} refers to dmabuf${f.private_data} (ubuf${d.priv}), of which ${u.pages.length} of ${u.pagecount} pages are pinned`
        : undefined;
    }),
);
