// The mm's counters (model/kernel/mm.ts, rmap.ts, fork.ts) in a world that counts page
// references: vm_insert_page counts a pte in rss and a page's first mapping in
// NR_FILE_MAPPED, fork's copy_present_ptes counts the child's pte in its rss but not in
// NR_FILE_MAPPED, zap undoes both and tlb_finish_mmu drops the pte's reference;
// remap_pfn_range counts nothing; patch 2/2's hunks skip exactly the updates they gate.

import { describe, expect, it } from 'vitest';
import { restoreHelpers, wrapHelper } from '../../model/kernel/helpers.ts';
import { copy_process, do_exit, exit_files, exit_mmap_finish, exit_mmap_unmap_vmas } from '../../model/kernel/fork.ts';
import {
  munmap_detach_and_zap,
  remap_pfn_range,
  remove_vma,
  smap_gather_stats,
  tlb_finish_mmu,
  vm_area_alloc,
  vm_insert_page,
  vma_link,
} from '../../model/kernel/mm.ts';
import { __free_pages, alloc_page, emptyPageCounts } from '../../model/kernel/page.ts';
import {
  DMABUF_DIO_MM,
  emptyNodeStat,
  UPSTREAM_MM,
  type DmabufDioHunks,
  type RmapWorld,
} from '../../model/kernel/rmap.ts';
import { EXT4_FILE_OPERATIONS } from '../../model/kernel/fs.ts';
import {
  allocFile,
  emptyWorld,
  VM_DMABUF_DIO,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_IO,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_READ,
  VM_SHARED,
  VM_WRITE,
} from '../../model/kernel/world.ts';
import { EBUSY, EINVAL, ENOMEM } from '../../model/kernel/errno.ts';

const RW_SHARED = VM_READ | VM_WRITE | VM_SHARED;

function world(hunks: DmabufDioHunks = UPSTREAM_MM): RmapWorld {
  const w: RmapWorld = {
    ...emptyWorld(1, 2),
    page_counts: emptyPageCounts(2),
    node_stat: emptyNodeStat(),
    dmabuf_dio: hunks,
  };
  alloc_page(w);
  alloc_page(w);
  return w;
}

/** Map both page frames with vm_insert_page into a vma of pid 0 over a file of its own (flags extra: e.g. VM_DMABUF_DIO first). */
function insertBoth(w: RmapWorld, extra = 0): number {
  const file = allocFile(w, { name: 'buffer', f_op: EXT4_FILE_OPERATIONS }); // the vma's reference
  const v = vm_area_alloc(file, { pages: 2, vm_flags: RW_SHARED | extra, owner: 'mapper' });
  expect([vm_insert_page(w, 0, v, 0, 0), vm_insert_page(w, 0, v, 1, 1)]).toEqual([0, 0]);
  return vma_link(w, 0, v);
}

const counters = (w: RmapWorld) => ({
  rss: w.processes.map((p) => p.mm.rss.MM_FILEPAGES),
  NR_FILE_MAPPED: w.node_stat.NR_FILE_MAPPED,
  refs: w.page_counts.map((c) => c._refcount),
  mapcounts: w.page_counts.map((c) => c._mapcount),
});

describe('vm_insert_page', () => {
  it('sets VM_MIXEDMAP; per page: folio_get, rss + 1, _mapcount -1 -> 0 and NR_FILE_MAPPED + 1; a normal pte counted in smaps', () => {
    const w = world();
    const vma = insertBoth(w);
    const v = w.processes[0]!.mm.vmas[vma]!;
    expect(v.vm_flags & VM_MIXEDMAP).toBe(VM_MIXEDMAP);
    expect(counters(w)).toEqual({ rss: [2], NR_FILE_MAPPED: 2, refs: [2, 2], mapcounts: [0, 0] });
    expect(smap_gather_stats(w, v)).toBe(2);
  });

  it('-EBUSY over a present pte, -ENOMEM when the pte cannot be allocated, -EINVAL for a free frame; none of them counts', () => {
    const w = world();
    const v = vm_area_alloc(allocFile(w, { name: 'buffer', f_op: EXT4_FILE_OPERATIONS }), {
      pages: 2,
      vm_flags: RW_SHARED,
      owner: 'mapper',
    });
    expect(vm_insert_page(w, 0, v, 0, 0)).toBe(0);
    expect(vm_insert_page(w, 0, v, 0, 1)).toBe(-EBUSY);
    expect(vm_insert_page(w, 0, v, 1, 1, false)).toBe(-ENOMEM);
    __free_pages(w, 1);
    expect(vm_insert_page(w, 0, v, 1, 1)).toBe(-EINVAL);
    expect(counters(w)).toEqual({ rss: [1], NR_FILE_MAPPED: 1, refs: [2, 0], mapcounts: [0, -1] });
  });

  it('munmap: the zap uncounts rss and NR_FILE_MAPPED at once, the references go at tlb_finish_mmu; then __free_pages frees the frames', () => {
    const w = world();
    const vma = insertBoth(w);
    const gathered = munmap_detach_and_zap(w, 0, vma);
    expect([gathered, counters(w)]).toEqual([
      [0, 1],
      { rss: [0], NR_FILE_MAPPED: 0, refs: [2, 2], mapcounts: [-1, -1] },
    ]);
    tlb_finish_mmu(w, gathered);
    remove_vma(w, 0, vma);
    expect(counters(w).refs).toEqual([1, 1]);
    __free_pages(w, 0);
    __free_pages(w, 1);
    expect(w.pages.map((p) => p.free)).toEqual([true, true]);
  });
});

describe('remap_pfn_range', () => {
  it('VM_IO|VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP and a special pte: no reference, no rmap, no counter, not in smaps; a private writable mapping of 2 pages is -EINVAL', () => {
    const w = world();
    const v = vm_area_alloc(-1, { pages: 2, vm_flags: RW_SHARED, owner: 'mapper' });
    expect([remap_pfn_range(w, v, 0, 0), remap_pfn_range(w, v, 1, 1)]).toEqual([0, 0]);
    expect(v.vm_flags & (VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)).toBe(
      VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP,
    );
    vma_link(w, 0, v);
    expect([counters(w), smap_gather_stats(w, v)]).toEqual([
      { rss: [0], NR_FILE_MAPPED: 0, refs: [1, 1], mapcounts: [-1, -1] },
      0,
    ]);
    const cow = vm_area_alloc(-1, { pages: 2, vm_flags: VM_READ | VM_WRITE, owner: 'mapper' });
    expect(remap_pfn_range(w, cow, 0, 0)).toBe(-EINVAL);
  });
});

describe('fork: copy_present_ptes', () => {
  it("the child's ptes take a reference each and its rss, the mapcount grows, NR_FILE_MAPPED does not; the child's exit undoes it", () => {
    const w = world();
    insertBoth(w);
    const child = copy_process(w, 0);
    expect(counters(w)).toEqual({ rss: [2, 2], NR_FILE_MAPPED: 2, refs: [3, 3], mapcounts: [1, 1] });
    do_exit(w, child);
    expect(counters(w)).toEqual({ rss: [2, 0], NR_FILE_MAPPED: 2, refs: [2, 2], mapcounts: [0, 0] });
  });

  it('copy_page_range -ENOMEM: fork fails and the child that never ran is torn down and freed (free_task), nothing of it left counted', () => {
    const w = world();
    insertBoth(w);
    expect(copy_process(w, 0, true)).toBe(-ENOMEM);
    expect([w.processes.length, counters(w)]).toEqual([
      1,
      { rss: [2], NR_FILE_MAPPED: 2, refs: [2, 2], mapcounts: [0, 0] },
    ]);
  });

  it('copy_page_range -ENOMEM with its teardown removed: the freed child took references nobody holds (leak)', () => {
    const w = world();
    insertBoth(w);
    wrapHelper('do_exit', () => () => undefined);
    try {
      expect(copy_process(w, 0, true)).toBe(-ENOMEM);
    } finally {
      restoreHelpers();
    }
    // the child's vma took a reference on the mapped file, and it is gone from the table: nobody holds that reference
    const held =
      w.processes.flatMap((p) => p.mm.vmas).filter((v) => v.vm_file === 0).length +
      w.processes.filter((p) => p.fdtable.fd.includes(0)).length;
    expect([w.processes.length, w.files[0]!.count - held]).toEqual([1, 1]);
  });
});

describe('exit in steps', () => {
  it('exit_mmap_unmap_vmas uncounts at once and gathers the references; exit_mmap_finish drops them and the vma files; exit_files closes the fds', () => {
    const w = world();
    insertBoth(w);
    const gathered = exit_mmap_unmap_vmas(w, 0);
    expect([gathered, counters(w), w.processes[0]!.mm.vmas[0]!.mapped]).toEqual([
      [0, 1],
      { rss: [0], NR_FILE_MAPPED: 0, refs: [2, 2], mapcounts: [-1, -1] },
      false,
    ]);
    exit_mmap_finish(w, 0, gathered);
    expect([counters(w).refs, w.files[0]!.freed]).toEqual([[1, 1], true]);
    exit_files(w, 0);
    expect(w.processes[0]!.exited).toBe(true);
  });
});

describe("patch 2/2's VM_DMABUF_DIO hunks", () => {
  it('with every hunk and the flag set before the inserts: nothing counted in rss, NR_FILE_MAPPED or smaps, through fork and both exits; mapcounts still kept', () => {
    const w = world(DMABUF_DIO_MM);
    const vma = insertBoth(w, VM_DMABUF_DIO);
    const child = copy_process(w, 0);
    expect([counters(w), smap_gather_stats(w, w.processes[0]!.mm.vmas[vma]!)]).toEqual([
      { rss: [0, 0], NR_FILE_MAPPED: 0, refs: [3, 3], mapcounts: [1, 1] },
      0,
    ]);
    do_exit(w, child);
    do_exit(w, 0);
    expect(counters(w)).toEqual({ rss: [0, 0], NR_FILE_MAPPED: 0, refs: [1, 1], mapcounts: [-1, -1] });
  });

  it('without the copy_present_ptes hunk the child counts 2 pages its exit never uncounts; without __folio_remove_rmap NR_FILE_MAPPED ends at -2', () => {
    const fork = world({ ...DMABUF_DIO_MM, copy_present_ptes: false });
    insertBoth(fork, VM_DMABUF_DIO);
    do_exit(fork, copy_process(fork, 0));
    expect(counters(fork).rss).toEqual([0, 2]);
    const rmap = world({ ...DMABUF_DIO_MM, __folio_remove_rmap: false });
    insertBoth(rmap, VM_DMABUF_DIO);
    do_exit(rmap, 0);
    expect(counters(rmap).NR_FILE_MAPPED).toBe(-2);
  });

  it('the flag set after the inserts: they were counted, the zaps are not (rss 2 and NR_FILE_MAPPED 2 after exit)', () => {
    const w = world(DMABUF_DIO_MM);
    const vma = insertBoth(w);
    w.processes[0]!.mm.vmas[vma]!.vm_flags |= VM_DMABUF_DIO;
    do_exit(w, 0);
    expect([counters(w).rss, counters(w).NR_FILE_MAPPED]).toEqual([[2], 2]);
  });
});
