// fork (model/kernel/fork.ts): dup_fd takes a reference on every installed file, dup_mmap
// on every vma's file, copying the ptes of VM_PFNMAP vmas only; exit closes and unmaps it all.

import { describe, expect, it } from 'vitest';
import { compile, defineModel, DONE, exploreBfs, thread } from '../../src/index.ts';
import { close_fd, fd_install } from '../../model/kernel/fdtable.ts';
import { copy_process, do_exit } from '../../model/kernel/fork.ts';
import { EXT4_FILE_OPERATIONS } from '../../model/kernel/fs.ts';
import { do_mmap, handle_mm_fault } from '../../model/kernel/mm.ts';
import { allocFile, emptyWorld, everyFd, VM_READ, VM_SHARED, type KernelWorld } from '../../model/kernel/world.ts';
import { fdCloser } from '../../model/userspace/fd-closer.ts';
import { forker } from '../../model/userspace/forker.ts';
import { danglingReference } from '../../properties/memory-safety.ts';
import { noLeak } from '../../properties/leak.ts';
import { kmcdev_open, kmcdev_probe, type DevWorld } from './fixtures/kmcdev.ts';

describe('fork', () => {
  it('copies the fd table with a reference per file, and every vma with one on its file; ptes of VM_PFNMAP vmas only', () => {
    const w: DevWorld = { ...emptyWorld(3, 2), devs: [] };
    kmcdev_probe(w, 2);
    const dev = kmcdev_open(w, 0);
    fd_install(w, 0, dev);
    const normal = do_mmap(w, 0, dev, { pages: 2, vm_flags: VM_READ | VM_SHARED, owner: 'p' });
    const pfnmap = do_mmap(w, 0, dev, { pages: 1, vm_flags: VM_READ | VM_SHARED, owner: 'p' });
    w.processes[0]!.mm.vmas[pfnmap]!.vm_flags |= 0x400; // VM_PFNMAP, as remap_pfn_range would set it
    expect(handle_mm_fault(w, 0, normal, w.processes[0]!.mm.vmas[normal]!.vm_start)).toBe(0);
    expect(handle_mm_fault(w, 0, pfnmap, w.processes[0]!.mm.vmas[pfnmap]!.vm_start)).toBe(0);
    expect(w.files[dev]!.count).toBe(3); // the fd and two vmas

    const child = copy_process(w, 0);
    expect(child).toBe(1);
    expect(w.files[dev]!.count).toBe(6);
    const c = w.processes[1]!;
    expect(c.fdtable.fd).toEqual([dev, null, null]);
    expect(c.mm.vmas.map((v) => v.ptes)).toEqual([[null, null], [{ page: 0 }]]);
    expect(c.mm.rss.MM_FILEPAGES, 'a pte of a VM_PFNMAP vma maps no struct page').toBe(0);
    expect(w.processes[0]!.mm.rss.MM_FILEPAGES).toBe(1);

    do_exit(w, child);
    expect(w.files[dev]!.count).toBe(3);
    expect(everyFd(w)).toEqual([[0, 0, dev]]);
  });

  // A parent with one file at fd 0 forks; its child exits. Racing it, a thread of the
  // parent closes fd 0. The forker has 3 program points (f0 before fork, f1 before the
  // child's exit, f2 done), the closer 2 (c0, c1): 6 pairs, and one pair holds two states:
  // at (f1, c1) the child has the file at its fd 0 (fork, then close: f_count 1) or has
  // nothing (close, then fork: the file is already released). At (f2, c1) both end alike
  // (the file released, the child's table empty). 7 states. Transitions, per state:
  // (f0,c0) 2, (f1,c0) 2, (f2,c0) 1, (f0,c1) 1, the two (f1,c1) 1 each, (f2,c1) 0: 8.
  const forkModel = defineModel({
    name: 'test/fork',
    title: 'fork, the child exits, raced by a close in the parent',
    params: {},
    world: (): KernelWorld => {
      const w = emptyWorld(1, 0);
      fd_install(w, 0, allocFile(w, { name: 'f', f_op: EXT4_FILE_OPERATIONS }));
      return w;
    },
    threads: () => [
      forker<KernelWorld>('forker'),
      thread<KernelWorld, {}>({
        name: 'closer',
        locals: {},
        steps: { close: { run: (k) => (close_fd(k.world, 0, 0), DONE) } },
      }),
    ],
    properties: () => [noLeak, danglingReference],
    variants: { plain: { description: 'as is', expect: 'holds' } },
  });

  it('fork, exit and a racing close: 7 states, 8 transitions; the file is released in every order', () => {
    const sys = compile(forkModel, 'plain');
    const r = exploreBfs(sys, { por: false, symmetry: false });
    expect(r.kind).toBe('ok');
    expect([r.coverage.states, r.coverage.steps]).toEqual([7, 8]);
    for (const order of [
      [0, 0, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]) {
      let s = sys.initial();
      for (const d of order) s = sys.apply(s, sys.enabled(s)[d]!).state;
      const w = s.world as KernelWorld;
      expect([w.files[0]!.count, w.files[0]!.freed, w.processes.length]).toEqual([0, true, 2]);
    }
  });

  // After a fork in the world's setup, the parent (pid 0) and the child (pid 1) each have
  // the file at fd 0 (f_count 2); a closer in each process closes its fd 0. Two threads of
  // one step each, the world a function of which ran: 2 x 2 = 4 states; transitions
  // (0,0) 2, (1,0) 1, (0,1) 1: 4. The file is released by the second close, whichever it
  // is, and leak (which counts the fds of every process) holds.
  it('a closer in each process: 4 states, 4 transitions, released by the second close', () => {
    const model = defineModel({
      name: 'test/fork-closers',
      title: 'parent and child each close their copy of an fd',
      params: {},
      world: (): KernelWorld => {
        const w = emptyWorld(1, 0);
        fd_install(w, 0, allocFile(w, { name: 'f', f_op: EXT4_FILE_OPERATIONS }));
        copy_process(w, 0);
        return w;
      },
      threads: () => [
        fdCloser<KernelWorld>('parent', [0], 'parent', 0),
        fdCloser<KernelWorld>('child', [0], 'child', 1),
      ],
      properties: () => [noLeak, danglingReference],
      variants: { plain: { description: 'as is', expect: 'holds' } },
    });
    const sys = compile(model, 'plain');
    const r = exploreBfs(sys, { por: false, symmetry: false });
    expect([r.kind, r.coverage.states, r.coverage.steps]).toEqual(['ok', 4, 4]);
    expect((sys.initial().world as KernelWorld).files[0]!.count).toBe(2);
    let s = sys.initial();
    s = sys.apply(s, sys.enabled(s)[1]!).state; // the child closes first
    expect([(s.world as KernelWorld).files[0]!.count, (s.world as KernelWorld).files[0]!.freed]).toEqual([1, false]);
    s = sys.apply(s, sys.enabled(s)[0]!).state;
    expect((s.world as KernelWorld).files[0]!.freed).toBe(true);
  });
});
