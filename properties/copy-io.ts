// A copy's read into a dma-buf (seed 002, copy_file_range / DMA_BUF_IOCTL_RW_FILE): while
// its bio is in flight nobody else may touch the pages it writes (the "exclusive access"
// the series' rw_file claims), every file byte lands at its offset in the buffer and
// nowhere else, the bvec array the bio points at outlives it (ITER_BVEC takes no
// reference), and the exporter's lock is released on every path.
//
// Where a bio's bytes went is the bio's own record (bio.ts `landed`): a segment of `len`
// bytes at byte `offset` of its page, which for a folio may run on into the folio's next
// pages (a multi-page bvec). Judged page by page: at the default sizes every segment starts
// on a page boundary of the file.

import { always, violation, type Property } from '../src/index.ts';
import { errname } from '../model/kernel/errno.ts';
import { bio_in_flight, bio_segments, type BioWorld, type PageRef } from '../model/kernel/bio.ts';
import { dma_buf_ops, samePage, showPage } from '../model/kernel/dma-buf-ops.ts';
import { PAGE_SIZE, type FolioWorld } from '../model/kernel/folio.ts';
import type { KernelWorld } from '../model/kernel/world.ts';

/** A copy_file_range (or RW_FILE ioctl) into a dma-buf, as the model records it. */
export interface CopyRecord {
  /** the thread copying (its bios' `by`) */
  by: string;
  dmabuf: number;
  /** bytes: where in the file, where in the buffer */
  pos_in: number;
  pos_out: number;
  /** what the call returned: bytes copied or -errno; null until it has returned */
  ret: number | null;
}

export interface CopyWorld extends BioWorld, FolioWorld {
  copies: CopyRecord[];
}

/** The page holding byte `offset` of the memory starting at `page` (a folio's pages are contiguous), and the byte in it. */
export function pageAt(page: PageRef, offset: number): { page: PageRef; byte: number } {
  const n = Math.floor(offset / PAGE_SIZE);
  return {
    page: 'page' in page ? { page: page.page + n } : { folio: page.folio, index: page.index + n },
    byte: offset % PAGE_SIZE,
  };
}

/** The pages a segment covers. */
function segmentPages(seg: { page: PageRef; offset: number; len: number }): PageRef[] {
  const out: PageRef[] = [];
  for (let b = seg.offset - (seg.offset % PAGE_SIZE); b < seg.offset + seg.len; b += PAGE_SIZE)
    out.push(pageAt(seg.page, b).page);
  return out;
}

/** 'folio0 page 1 (memfd page 1)', or past the end of the folio */
function describe(w: KernelWorld, r: PageRef): string {
  if ('page' in r) return showPage(r);
  const f = (w as Partial<FolioWorld>).folios?.[r.folio];
  if (!f) return showPage(r);
  return r.index < f.nrPages
    ? `${showPage(r)} (memfd page ${f.index + r.index})`
    : `${showPage(r)}, past the end of folio${r.folio} (${f.nrPages} pages)`;
}

/** The buffer's pages, by index (the exporter's page_of: its sg table, vmap and mmap reach the same memory). */
const bufferPages = (w: KernelWorld, dmabuf: number): PageRef[] => {
  const page_of = dma_buf_ops(w, dmabuf).page_of!;
  return Array.from({ length: w.dmabufs[dmabuf]!.size }, (_, pg) => page_of(w, dmabuf, pg));
};

/**
 * A device's DMA or a CPU store into `page`, by `who`: a read by a copy in flight into the
 * same page breaks the exclusive access rw_file is to have (raised where it happens).
 */
export function touchPage(w: BioWorld, page: PageRef, who: string, kind: 'device' | 'cpu'): void {
  for (const b of w.bios) {
    if (!bio_in_flight(b) || b.op !== 'REQ_OP_READ') continue;
    const seg = bio_segments(w, w.bios.indexOf(b)).find((s) =>
      segmentPages({ page: s.bv_page, offset: s.bv_offset, len: s.bv_len }).some((p) => samePage(p, page)),
    );
    if (seg === undefined) continue;
    const property = kind === 'device' ? 'device-access-during-copy' : 'cpu-access-during-copy';
    violation(property, `${who} writes ${describe(w, page)} while the read of ${b.by} into it is in flight`);
  }
}

/** The in-step violations touchPage raises. */
export const copyExclusionBugs = {
  'device-access-during-copy':
    "an importer's device writes a page of the dma-buf while the copy's read into that page is in flight",
  'cpu-access-during-copy':
    "a CPU store (vmap, a user mapping, the memfd behind a udmabuf) to a page while the copy's read into it is in flight",
};

export const fileLandsAtOffsetOfCopy: Property<CopyWorld> = always(
  'file-lands-at-offset',
  'once copy_file_range returns n bytes, file byte pos_in + k is at byte pos_out + k of the buffer for every k < n',
  ({ world: w }) => {
    for (const c of w.copies) {
      if (c.ret === null || c.ret <= 0) continue;
      const pages = bufferPages(w, c.dmabuf);
      const landed = w.bios.filter((b) => b.by === c.by).flatMap((b) => b.landed);
      for (let k = 0; k < c.ret; k += PAGE_SIZE) {
        const want = pages[Math.floor((c.pos_out + k) / PAGE_SIZE)]!;
        const at = landed.find((l) => l.pos <= c.pos_in + k && c.pos_in + k < l.pos + l.len);
        const got = at && pageAt(at.page, at.offset + c.pos_in + k - at.pos);
        if (got === undefined || !samePage(got.page, want) || got.byte !== (c.pos_out + k) % PAGE_SIZE) {
          const where = got === undefined ? 'nowhere' : `in ${describe(w, got.page)}`;
          return `${c.by}'s copy returned ${c.ret} bytes, but file page ${(c.pos_in + k) / PAGE_SIZE} landed ${where}, not in buffer page ${(c.pos_out + k) / PAGE_SIZE} (${describe(w, want)})`;
        }
      }
    }
    return undefined;
  },
);

export const writeOutsideBuffer: Property<CopyWorld> = always(
  'write-outside-buffer',
  "a copy's DMA writes no memory outside the dma-buf (for a udmabuf: no memfd page outside its items)",
  ({ world: w }) => {
    for (const c of w.copies) {
      const pages = bufferPages(w, c.dmabuf);
      for (const b of w.bios) {
        if (b.by !== c.by) continue;
        for (const l of b.landed) {
          for (const p of segmentPages(l)) {
            if (!pages.some((q) => samePage(p, q)))
              return `${c.by}'s read wrote file bytes ${l.pos}..${l.pos + l.len - 1} over ${describe(w, p)}, which is not a page of dmabuf${c.dmabuf}`;
          }
        }
      }
    }
    return undefined;
  },
);

export const bvecFreedUnderIo: Property<BioWorld> = always(
  'bvec-freed-under-io',
  "the bvec array an ITER_BVEC bio points at is not kvfree'd before the bio completes",
  ({ world: w }) => {
    for (const b of w.bios) {
      if (bio_in_flight(b) && b.bvec >= 0 && w.bvecs[b.bvec]!.freed)
        return `the bvec array of ${b.by} was kvfree'd while its bio is still in flight (bio_iov_bvec_set took no reference on it)`;
    }
    return undefined;
  },
);

export const bufferLockReleased: Property<CopyWorld> = always(
  'buffer-lock-released',
  'rw_file releases buffer->lock on every path: a copy that has returned holds no exporter lock',
  ({ world: w }) => {
    for (const c of w.copies) {
      if (c.ret === null) continue;
      const held = w.heap_buffers.find((b) => b.lock.owner === c.by);
      if (held) return `${c.by}'s copy returned ${errname(c.ret)} with ${held.lock.name} still held`;
    }
    return undefined;
  },
);
