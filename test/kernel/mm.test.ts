// The address space (model/kernel/mm.ts): mmap at a file offset through the driver's
// f_op->mmap, faults through its vm_ops->fault (past the file's end SIGBUS, outside every
// vma SIGSEGV), rss counters, and mremap growing in place or moving. The driver is the
// test fixture /dev/kmcdev (fixtures/kmcdev.ts): device page i is file page i.

import { describe, expect, it } from 'vitest';
import { compile, defineModel, DONE, exploreBfs, thread } from '../../src/index.ts';
import {
  do_mmap,
  do_mremap,
  find_vma,
  handle_mm_fault,
  MMAP_BASE,
  MREMAP_MAYMOVE,
  vm_munmap,
  VM_FAULT_SIGBUS,
  VM_FAULT_SIGSEGV,
  vmaOf,
} from '../../model/kernel/mm.ts';
import { emptyWorld, VM_READ, VM_SHARED, type Vma } from '../../model/kernel/world.ts';
import { ENOMEM } from '../../model/kernel/errno.ts';
import { kmcdev_open, kmcdev_probe, type DevWorld } from './fixtures/kmcdev.ts';

/** A world with /dev/kmcdev of `pages` pages, opened once (file 0). */
function devWorld(pages: number): DevWorld {
  const w: DevWorld = { ...emptyWorld(1, pages), devs: [] };
  kmcdev_probe(w, pages);
  kmcdev_open(w, 0);
  return w;
}

const SHARED_READ = VM_READ | VM_SHARED;

describe('mmap with an offset', () => {
  it('maps file page vm_pgoff at vm_start: faults fill the ptes with device pages 1 and 2, counted in MM_FILEPAGES, munmap zaps them', () => {
    const w = devWorld(4);
    const vma = do_mmap(w, 0, 0, { pages: 2, pgoff: 1, vm_flags: SHARED_READ, owner: 't' });
    const v = vmaOf(w, 0, vma);
    expect([v.vm_start, v.pages, v.vm_pgoff, v.vm_ops, v.ptes]).toEqual([
      MMAP_BASE,
      2,
      1,
      'kmcdev_vm_ops',
      [null, null],
    ]);
    expect(w.files[0]!.count, 'vma->vm_file holds a reference').toBe(2);
    expect(handle_mm_fault(w, 0, vma, v.vm_start + 1)).toBe(0);
    expect(handle_mm_fault(w, 0, vma, v.vm_start)).toBe(0);
    expect(handle_mm_fault(w, 0, vma, v.vm_start), 'a present pte does not fault again').toBe(0);
    expect(v.ptes).toEqual([{ page: w.devs[0]!.pages[1] }, { page: w.devs[0]!.pages[2] }]);
    expect(w.processes[0]!.mm.rss.MM_FILEPAGES).toBe(2);
    vm_munmap(w, vma);
    expect([v.mapped, v.ptes, w.processes[0]!.mm.rss.MM_FILEPAGES, w.files[0]!.count]).toEqual([
      false,
      [null, null],
      0,
      1,
    ]);
  });

  // A thread maps 2 pages at offset 1 and faults its second page; another maps 1 page at
  // offset 0 and faults it. Each thread has 3 program points (before mmap, before the
  // fault, done): 9 pairs. Where both have mapped, the mm differs by who mapped first (the
  // vmas' order and addresses): (1,1), (2,1), (1,2) and (2,2) hold 2 states each, the other
  // 5 pairs one: 5 + 8 = 13 states. Transitions, one per thread not done: (0,0) 2; (1,0),
  // (0,1) 2 each; (2,0), (0,2) 1 each; the two (1,1) 2 each; the two (2,1) and the two (1,2)
  // 1 each; (2,2) none: 2 + 4 + 2 + 4 + 4 = 16.
  const mappers = defineModel({
    name: 'test/mmap-offset',
    title: 'two threads map one device at different offsets and fault',
    params: {},
    world: () => devWorld(4),
    threads: () =>
      [
        { name: 'a', pages: 2, pgoff: 1, page: 1 },
        { name: 'b', pages: 1, pgoff: 0, page: 0 },
      ].map((m) =>
        thread<DevWorld, { vma: number; ret: number }>({
          name: m.name,
          locals: { vma: -1, ret: -1 },
          steps: {
            mmap: {
              run: (k) => (
                (k.local.vma = do_mmap(k.world, 0, 0, {
                  pages: m.pages,
                  pgoff: m.pgoff,
                  vm_flags: SHARED_READ,
                  owner: m.name,
                })),
                'fault'
              ),
            },
            fault: {
              run: (k) => (
                (k.local.ret = handle_mm_fault(
                  k.world,
                  0,
                  k.local.vma,
                  vmaOf(k.world, 0, k.local.vma).vm_start + m.page,
                )),
                DONE
              ),
            },
          },
        }),
      ),
    properties: () => [],
    variants: { plain: { description: 'as is', expect: 'holds' } },
  });

  it('two mappers at offsets 1 and 0: 13 states, 16 transitions; each faults in the device page its offset names', () => {
    const sys = compile(mappers, 'plain');
    const r = exploreBfs(sys, { por: false, symmetry: false });
    expect([r.kind, r.coverage.states, r.coverage.steps]).toEqual(['ok', 13, 16]);
    let s = sys.initial();
    while (sys.enabled(s).length > 0) s = sys.apply(s, sys.enabled(s)[0]!).state;
    const w = s.world as DevWorld;
    const ptes = w.processes[0]!.mm.vmas.map((v: Vma) => [v.owner, v.ptes]);
    expect(ptes).toEqual([
      ['a', [null, { page: 2 }]],
      ['b', [{ page: 0 }]],
    ]);
  });
});

describe('a fault past the end', () => {
  // One thread maps 2 pages at offset 3 of a 4-page device (mmap past EOF is allowed, as
  // for a file) and touches page 0, 1 or 2 of the mapping (a choice): file page 3 faults
  // in, file page 4 is past the device's end (SIGBUS), address vm_start + 2 is outside the
  // vma (SIGSEGV). States: before mmap, before the touch, and one per outcome: 5.
  // Transitions: 1 + 3 = 4.
  const toucher = defineModel({
    name: 'test/fault-past-end',
    title: 'touch a mapping that extends past the end of the device',
    params: {},
    world: () => devWorld(4),
    threads: () => [
      thread<DevWorld, { vma: number; ret: number }>({
        name: 't',
        locals: { vma: -1, ret: -1 },
        steps: {
          mmap: {
            run: (k) => (
              (k.local.vma = do_mmap(k.world, 0, 0, { pages: 2, pgoff: 3, vm_flags: SHARED_READ, owner: 't' })), 'touch'
            ),
          },
          touch: {
            choices: [0, 1, 2],
            run: (k, i) => (
              (k.local.ret = handle_mm_fault(
                k.world,
                0,
                find_vma(k.world, 0, vmaOf(k.world, 0, k.local.vma).vm_start + Number(i)),
                vmaOf(k.world, 0, k.local.vma).vm_start + Number(i),
              )),
              DONE
            ),
          },
        },
      }),
    ],
    properties: () => [],
    variants: { plain: { description: 'as is', expect: 'holds' } },
  });

  it('5 states, 4 transitions: the last page of the device faults in, the page past it is SIGBUS, past the vma SIGSEGV', () => {
    const sys = compile(toucher, 'plain');
    const r = exploreBfs(sys, { por: false, symmetry: false });
    expect([r.kind, r.coverage.states, r.coverage.steps]).toEqual(['ok', 5, 4]);
    const outcomes = [0, 1, 2].map((i) => {
      let s = sys.initial();
      s = sys.apply(s, sys.enabled(s)[0]!).state;
      s = sys.apply(s, sys.enabled(s)[i]!).state;
      const w = s.world as DevWorld;
      return [s.threads[0]!.local.ret, w.processes[0]!.mm.vmas[0]!.ptes, w.processes[0]!.mm.rss.MM_FILEPAGES];
    });
    expect(outcomes).toEqual([
      [0, [{ page: 3 }, null], 1],
      [VM_FAULT_SIGBUS, [null, null], 0],
      [VM_FAULT_SIGSEGV, [null, null], 0],
    ]);
  });
});

describe('mremap', () => {
  it('shrinks by zapping the tail, refuses to grow a VM_DONTEXPAND vma (-EFAULT), moves only with MREMAP_MAYMOVE', () => {
    const w = devWorld(4);
    const a = do_mmap(w, 0, 0, { pages: 2, vm_flags: SHARED_READ, owner: 'a' });
    const b = do_mmap(w, 0, 0, { pages: 1, vm_flags: SHARED_READ, owner: 'b' });
    handle_mm_fault(w, 0, a, vmaOf(w, 0, a).vm_start + 1);
    expect(do_mremap(w, 0, a, 1, 0)).toBe(MMAP_BASE);
    expect([vmaOf(w, 0, a).ptes, w.processes[0]!.mm.rss.MM_FILEPAGES]).toEqual([[null], 0]);
    // a (16) is followed by b (18): growing a to 3 pages needs 16..18
    expect(do_mremap(w, 0, a, 3, 0)).toBe(-ENOMEM);
    expect(do_mremap(w, 0, a, 3, MREMAP_MAYMOVE)).toBe(MMAP_BASE + 3);
    expect([vmaOf(w, 0, a).vm_start, vmaOf(w, 0, a).pages, vmaOf(w, 0, b).vm_start]).toEqual([
      MMAP_BASE + 3,
      3,
      MMAP_BASE + 2,
    ]);
    vmaOf(w, 0, b).vm_flags |= 0x40000; // VM_DONTEXPAND, as dma-buf exporters set it
    expect(do_mremap(w, 0, b, 2, MREMAP_MAYMOVE)).toBe(-14);
  });

  // a maps 1 page and grows it to 2 (MREMAP_MAYMOVE); b maps 1 page. a has 3 program
  // points, b 2: (0,0), (1,0), (2,0), (0,1) are one state each; (1,1) two (who mapped
  // first: a at 16 and b at 17, or b at 16 and a at 17); (2,1) three: a grew in place at
  // 16..17 before b mapped (b at 18); a at 16 then b at 17, so a moves to 18..19; b at 16,
  // a at 17 grows in place to 17..18. 1+1+1+1+2+3 = 9 states. Transitions: (0,0) 2, (1,0) 2,
  // (0,1) 1, (2,0) 1, the two (1,1) 1 each: 8.
  const growers = defineModel({
    name: 'test/mremap',
    title: 'mremap grows a mapping while another thread maps',
    params: {},
    world: () => devWorld(2),
    threads: () => [
      thread<DevWorld, { vma: number; start: number }>({
        name: 'a',
        locals: { vma: -1, start: -1 },
        steps: {
          mmap: {
            run: (k) => (
              (k.local.vma = do_mmap(k.world, 0, 0, { pages: 1, vm_flags: SHARED_READ, owner: 'a' })), 'mremap'
            ),
          },
          mremap: { run: (k) => ((k.local.start = do_mremap(k.world, 0, k.local.vma, 2, MREMAP_MAYMOVE)), DONE) },
        },
      }),
      thread<DevWorld, {}>({
        name: 'b',
        locals: {},
        steps: {
          mmap: { run: (k) => (do_mmap(k.world, 0, 0, { pages: 1, vm_flags: SHARED_READ, owner: 'b' }), DONE) },
        },
      }),
    ],
    properties: () => [],
    variants: { plain: { description: 'as is', expect: 'holds' } },
  });

  it('grow in place or move, raced by another mmap: 9 states, 8 transitions, and a ends where each order puts it', () => {
    const sys = compile(growers, 'plain');
    const r = exploreBfs(sys, { por: false, symmetry: false });
    expect([r.kind, r.coverage.states, r.coverage.steps]).toEqual(['ok', 9, 8]);
    const ends = [
      [0, 0, 0], // a mmap, a mremap, b mmap
      [0, 1, 0], // a mmap, b mmap, a mremap
      [1, 0, 0], // b mmap, a mmap, a mremap
    ].map((order) => {
      let s = sys.initial();
      for (const d of order) s = sys.apply(s, sys.enabled(s)[d]!).state;
      return (s.world as DevWorld).processes[0]!.mm.vmas.map((v) => `${v.owner} ${v.vm_start}+${v.pages}`).join(', ');
    });
    expect(ends).toEqual(['a 16+2, b 18+1', 'a 18+2, b 17+1', 'b 16+1, a 17+2']);
  });
});
