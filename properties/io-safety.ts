// Pages under I/O: a page that a read (by a kernel thread, a device) is in flight into
// must stay allocated, and so not be reused, until that read has completed. Freeing it
// earlier lets the read land in memory that belongs to someone else.

import { always, type Property } from '../src/index.ts';
import type { IoWorld } from '../model/kernel/vmalloc.ts';

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
