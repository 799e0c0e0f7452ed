// Pages under I/O: a page that a read (by a kernel thread, a device) is in flight into
// must stay allocated, and so not be reused, until that read has completed. Freeing it
// earlier lets the read land in memory that belongs to someone else. And the other way
// round: a direct-I/O read returns its byte count only once the device put those bytes in
// the pages.

import { always, type Property } from '../src/index.ts';
import type { KernelWorld } from '../model/kernel/world.ts';
import type { IoWorld } from '../model/kernel/vmalloc.ts';
import { bio_in_flight, bio_pages, type BioWorld } from '../model/kernel/bio.ts';
import type { DioWorld } from '../model/kernel/direct-io.ts';
import type { FenceWorld } from '../model/kernel/dma-fence.ts';
import { page_pool_holding } from '../model/kernel/page-pool.ts';

export const pageFreedUnderIo: Property<IoWorld> = always(
  'page-freed-under-io',
  'no page is freed (or reused) while a read into it is in flight',
  ({ world: w }) => {
    for (const io of w.io) {
      if (io.done) continue;
      const page = io.pages.find((p) => w.pages[p]!.free);
      if (page !== undefined) return `page frame ${page} was freed while ${io.by} still has a read into it in flight`;
    }
    return undefined;
  },
);

/**
 * The same for bios (model/kernel/bio.ts): from submit_bio until bio_release_pages, no
 * page of the bio is freed or returned to a page pool (an Android heap's release puts the
 * pages on its list whatever holds them: the device's read then lands in a page the pool
 * may hand to anyone).
 */
export const pageFreedUnderBio: Property<BioWorld> = always(
  'page-freed-under-io',
  'no page is freed, or returned to a page pool, while a bio holds it (from submit_bio to bio_release_pages)',
  ({ world: w }) => {
    for (const [i, b] of w.bios.entries()) {
      if (b.state === 'built' || b.state === 'put') continue;
      for (const page of bio_pages(w, i)) {
        if (w.pages[page]!.free)
          return `page frame ${page} was freed while bio${i} of ${b.by} still holds it (${b.state})`;
        const pool = page_pool_holding(w, page);
        if (pool >= 0)
          return `page frame ${page} went back to the page pool while bio${i} of ${b.by} still holds it (${b.state}, pincount ${w.page_counts[page]!._pincount})`;
      }
    }
    return undefined;
  },
);

/**
 * Christian König's objection to seed 001, as a property: no importer's device job writes
 * a page (its fence unsignaled) while a direct-I/O read into the same page is in flight.
 * Neither waits for the other: GUP and the block layer do not look at dmabuf->resv.
 */
export const dioWriteUnfenced: Property<BioWorld & FenceWorld> = always(
  'dio-write-unfenced',
  "no importer's device job writes a page while a direct-I/O read into it is in flight, unfenced",
  ({ world: w }) => {
    for (const job of w.device_jobs) {
      if (job.signaled) continue;
      for (const [i, b] of w.bios.entries()) {
        if (b.op !== 'REQ_OP_READ' || !bio_in_flight(b) || b.state === 'transferred') continue;
        const page = bio_pages(w, i).find((p) => job.pages.includes(p));
        if (page !== undefined)
          return `${job.by}'s device job writes page frame ${page} (fence unsignaled) while bio${i} of ${b.by} reads the file into it`;
      }
    }
    return undefined;
  },
);

/**
 * What a page pool's reuse of a page still under I/O leads to: a freshly allocated buffer,
 * which should hold nothing of any file (a pool page is zeroed at release, a new one by
 * __GFP_ZERO), is read holding file data, the direct-I/O read of another buffer's owner
 * that landed after the reuse (KERNEL-001-002 §1.5).
 */
export const foreignDataObserved: Property<KernelWorld> = always(
  'foreign-data-observed',
  'no thread reads file data in a buffer it allocated and never filled',
  ({ world: w }) => {
    const o = w.observed.find((x) => x.expected === 0 && x.filled > 0);
    return (
      o &&
      `${o.thread} reads dmabuf${o.dmabuf}, just allocated and never filled, and finds file data in ${o.filled} page(s)`
    );
  },
);

/**
 * iomap_dio_complete() returns dio->size only after every bio's end_io ran, and a bio ends
 * after the device's DMA: a read() of an O_DIRECT file that returned n bytes finds them in
 * its pages. A dio completed without error whose read bios landed fewer bytes than it
 * returned let userspace see its buffer before the device filled it.
 */
export const dioReadUnfilled: Property<DioWorld> = always(
  'dio-read-unfilled',
  'a direct-I/O read returns its byte count only once the device transferred those bytes into the pages',
  ({ world: w }) => {
    for (const d of w.dios) {
      if (!d.completed || d.error < 0 || d.bios.some((b) => w.bios[b]!.op !== 'REQ_OP_READ')) continue;
      const landed = d.bios.reduce((n, b) => n + w.bios[b]!.landed.reduce((m, l) => m + l.len, 0), 0);
      if (landed < d.size)
        return `the direct-I/O read of ${d.by} completed with ${d.size} bytes, but the device transferred ${landed} into its pages`;
    }
    return undefined;
  },
);
