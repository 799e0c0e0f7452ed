// struct udmabuf (drivers/dma-buf/udmabuf.c) in the three shapes it has had, and the code
// that undoes its pins: unpin_all_folios / deinit_udmabuf / release_udmabuf (the dma-buf's
// .release, run on the last fput of the dma-buf file).
//   unpin-list     v6.10/v6.11 (5e72b2b41a21): a udmabuf_folio node per distinct folio of
//                  each item, on ubuf->unpin_list; release walks the list.
//   folio-array    "[PATCH v2 4/4] udmabuf: remove folio unpin list" (seed 004, not merged):
//                  ubuf->folios[] of the pinned folios, nr = foliocount, and pages[].
//   pinned-folios  v6.13 (Huan Yang's v7 6/7, 7/7): preallocated ubuf->pinned_folios[] with
//                  one entry per successful pin and nr_pinned, plus folios[]/offsets[].
// One record holds the fields of all three; `design` says which ones the driver uses.

import { match } from 'ts-pattern';
import { violation } from '../../src/index.ts';
import { unpin_folio, unpin_folios } from './folio.ts';
import type { MemfdWorld } from './memfd.ts';

export type UdmabufDesign = 'unpin-list' | 'folio-array' | 'pinned-folios';

export interface Udmabuf {
  design: UdmabufDesign;
  /** pages of the buffer */
  pagecount: number;
  /** per page of the buffer: its folio and the byte offset in it (folios[]+offsets[], or pages[]) */
  pages: { folio: number; offset: number }[];
  /** unpin-list: the folio of each udmabuf_folio node, in list order */
  unpin_list: number[];
  /** folio-array: ubuf->folios[], the pinned folios; foliocount is set once every item is pinned */
  folios: number[];
  foliocount: number;
  /** pinned-folios: ubuf->pinned_folios[0..nr_pinned) */
  pinned_folios: number[];
  nr_pinned: number;
  /** the dma-buf exported over it (dmabuf->priv == this ubuf), or -1 before dma_buf_export */
  dmabuf: number;
  freed: boolean;
  /** ghost: which code path did kfree(ubuf) */
  freedBy: string;
}

export interface UdmabufWorld extends MemfdWorld {
  udmabufs: Udmabuf[];
}

/** The pin holder name of a udmabuf (ghost state in Folio.pins). */
export const holderOf = (ubuf: number) => `ubuf${ubuf}`;

/** kzalloc(sizeof(*ubuf)) */
export function kzalloc_udmabuf(w: UdmabufWorld, design: UdmabufDesign): number {
  w.udmabufs.push({ design, pagecount: 0, pages: [], unpin_list: [], folios: [], foliocount: 0, pinned_folios: [], nr_pinned: 0, dmabuf: -1, freed: false, freedBy: '' });
  return w.udmabufs.length - 1;
}

export function assertUdmabufLive(w: UdmabufWorld, ubuf: number, what: string): void {
  if (w.udmabufs[ubuf]!.freed) violation('use-after-free', `${what} reads ubuf${ubuf}, freed by ${w.udmabufs[ubuf]!.freedBy}`);
}

/** kfree(ubuf); `by` names the path (ghost, for the ownership property). */
export function kfree_udmabuf(w: UdmabufWorld, ubuf: number, by: string): void {
  const u = w.udmabufs[ubuf]!;
  if (u.freed) violation('double-free', `kfree(ubuf${ubuf}) by ${by}, already freed by ${u.freedBy}`);
  u.freed = true;
  u.freedBy = by;
}

/** unpin-list: unpin_all_folios(&ubuf->unpin_list): unpin and kfree every node. */
export function unpin_all_folios_list(w: UdmabufWorld, ubuf: number): void {
  const u = w.udmabufs[ubuf]!;
  for (const folio of u.unpin_list) unpin_folio(w, folio, holderOf(ubuf));
  u.unpin_list = [];
}

/** pinned-folios: unpin_all_folios(ubuf): one unpin_folio per pinned_folios entry. */
export function unpin_all_folios_array(w: UdmabufWorld, ubuf: number): void {
  const u = w.udmabufs[ubuf]!;
  for (const folio of u.pinned_folios.slice(0, u.nr_pinned)) unpin_folio(w, folio, holderOf(ubuf));
}

/** release_udmabuf(): the dma-buf's .release; the only place an exported ubuf is freed. */
export function release_udmabuf(w: UdmabufWorld, ubuf: number): void {
  const u = w.udmabufs[ubuf]!;
  assertUdmabufLive(w, ubuf, 'release_udmabuf');
  match(u.design)
    .with('unpin-list', () => unpin_all_folios_list(w, ubuf))
    .with('folio-array', () => unpin_folios(w, u.folios.slice(0, u.foliocount), holderOf(ubuf)))
    .with('pinned-folios', () => unpin_all_folios_array(w, ubuf)) // deinit_udmabuf
    .exhaustive();
  kfree_udmabuf(w, ubuf, 'release_udmabuf');
}
