// The mm's counters, in the kernel's own words: rss (check_mm's "BUG: Bad rss-counter
// state" when an mm is freed with a counter not back to 0), the node's NR_FILE_MAPPED,
// page mapcounts (print_bad_pte on a negative one), and seed 001's goal: memory of a dma-buf
// counted in none of RssFile, NR_FILE_MAPPED and smaps, as with remap_pfn_range.

import { always, atEnd, type Property } from '../src/index.ts';
import { is_dma_buf_file } from '../model/kernel/dma-buf.ts';
import { smap_gather_stats } from '../model/kernel/mm.ts';
import type { RmapWorld } from '../model/kernel/rmap.ts';
import { everyVma, VM_PFNMAP } from '../model/kernel/world.ts';

/** Once every thread has returned, every mm's MM_FILEPAGES is 0: no vma maps a file page any more (check_mm). */
export const rssCounterBalanced: Property<RmapWorld> = atEnd(
  'rss-counter-balanced',
  "every mm's MM_FILEPAGES is back to 0 once nothing is mapped (check_mm: Bad rss-counter state)",
  ({ world: w }) => {
    const bad = w.processes.find((proc) => proc.mm.rss.MM_FILEPAGES !== 0);
    return bad
      ? `BUG: Bad rss-counter state mm of pid ${bad.pid} type:MM_FILEPAGES val:${bad.mm.rss.MM_FILEPAGES}`
      : undefined;
  },
);

export const rssCounterNonnegative: Property<RmapWorld> = always(
  'rss-counter-nonnegative',
  "no mm's MM_FILEPAGES goes below 0",
  ({ world: w }) => {
    const bad = w.processes.find((proc) => proc.mm.rss.MM_FILEPAGES < 0);
    return bad ? `mm of pid ${bad.pid} has MM_FILEPAGES ${bad.mm.rss.MM_FILEPAGES}` : undefined;
  },
);

export const nrFileMappedBalanced: Property<RmapWorld> = atEnd(
  'nr-file-mapped-balanced',
  'NR_FILE_MAPPED is back to 0 once no page is mapped',
  ({ world: w }) =>
    w.node_stat.NR_FILE_MAPPED !== 0
      ? `nothing is mapped, but NR_FILE_MAPPED is ${w.node_stat.NR_FILE_MAPPED}`
      : undefined,
);

export const nrFileMappedNonnegative: Property<RmapWorld> = always(
  'nr-file-mapped-nonnegative',
  'NR_FILE_MAPPED never goes below 0',
  ({ world: w }) => (w.node_stat.NR_FILE_MAPPED < 0 ? `NR_FILE_MAPPED is ${w.node_stat.NR_FILE_MAPPED}` : undefined),
);

/** No page's _mapcount goes below -1 (print_bad_pte), and once every thread has returned no page is mapped. */
export const mapcountNonnegative: Property<RmapWorld> = always(
  'mapcount-nonnegative',
  "no page's mapcount goes below 0 (_mapcount below -1: print_bad_pte)",
  ({ world: w }) => {
    const page = w.page_counts.findIndex((c) => c._mapcount < -1);
    return page < 0
      ? undefined
      : `page frame ${page} has _mapcount ${w.page_counts[page]!._mapcount} (BUG: Bad page map)`;
  },
);

export const mapcountBalanced: Property<RmapWorld> = atEnd(
  'mapcount-balanced',
  'no page is still counted as mapped once nothing maps it',
  ({ world: w }) => {
    const page = w.page_counts.findIndex((c) => c._mapcount !== -1);
    return page < 0
      ? undefined
      : `no pte maps page frame ${page}, but its _mapcount is ${w.page_counts[page]!._mapcount}`;
  },
);

/**
 * Patch 2/2's own goal: a dma-buf's pages count in no process's RssFile, not in
 * NR_FILE_MAPPED and not in smaps, as when remap_pfn_range mapped them. Every file page a
 * world counts belongs to a mapping of something that is not a dma-buf (none, in seed 001's
 * model), so any count above that is the dma-buf's.
 */
export const dmabufAccountingUnchanged: Property<RmapWorld> = always(
  'dmabuf-accounting-unchanged',
  'dma-buf pages count in none of RssFile, NR_FILE_MAPPED and smaps (as with remap_pfn_range)',
  ({ world: w }) => {
    const others = everyVma(w).filter(
      ({ vma }) => vma.vm_file >= 0 && !is_dma_buf_file(w, vma.vm_file) && !(vma.vm_flags & VM_PFNMAP),
    );
    for (const p of w.processes) {
      const own = others
        .filter((o) => o.pid === p.pid)
        .reduce((n, o) => n + o.vma.ptes.filter((x) => x !== null).length, 0);
      if (p.mm.rss.MM_FILEPAGES > own)
        return `RssFile of pid ${p.pid} counts ${p.mm.rss.MM_FILEPAGES - own} dma-buf page(s)`;
    }
    const mapped = new Set(others.flatMap(({ vma }) => vma.ptes.flatMap((x) => (x && 'page' in x ? [x.page] : []))));
    if (w.node_stat.NR_FILE_MAPPED > mapped.size)
      return `NR_FILE_MAPPED counts ${w.node_stat.NR_FILE_MAPPED - mapped.size} dma-buf page(s)`;
    for (const { pid, vma } of everyVma(w)) {
      if (vma.vm_file < 0 || !is_dma_buf_file(w, vma.vm_file)) continue;
      const rss = smap_gather_stats(w, vma);
      if (rss > 0) return `/proc/${pid}/smaps shows Rss ${rss * 4} kB for the mapping of ${w.files[vma.vm_file]!.name}`;
    }
    return undefined;
  },
);
