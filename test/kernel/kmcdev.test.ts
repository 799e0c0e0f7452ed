// A driver written outside model/kernel/ (fixtures/kmcdev.ts: its own file_operations and
// vm_operations_struct) plugs into the kernel world: fput's last put runs its release,
// mmap goes through its f_op->mmap and faults through its vm_ops->fault, and its model
// checks like kmc's own, with no edit to model/kernel/.

import { describe, expect, it } from 'vitest';
import { checkVariant, compile, exploreBfs } from '../../src/index.ts';
import { close_fd, fd_install, get_unused_fd_flags } from '../../model/kernel/fdtable.ts';
import { fget, fput } from '../../model/kernel/file.ts';
import { do_mmap, handle_mm_fault, vm_munmap } from '../../model/kernel/mm.ts';
import { addInode, allocFile, emptyWorld, VM_READ, VM_SHARED } from '../../model/kernel/world.ts';
import { EXDEV } from '../../model/kernel/errno.ts';
import { EXT4_FILE_OPERATIONS } from '../../model/kernel/fs.ts';
import { vfs_copy_file_range } from '../../model/kernel/read-write.ts';
import { kmcdev_open, kmcdev_probe, type DevWorld } from './fixtures/kmcdev.ts';
import { kmcdevModel } from './fixtures/kmcdev-model.ts';

const world = (): DevWorld => ({ ...emptyWorld(2, 2), devs: [] });

describe('a driver outside model/kernel/', () => {
  it("fput's last put runs the driver's f_op->release: the device reference drops and its pages are freed", () => {
    const w = world();
    kmcdev_probe(w, 2);
    const fd = get_unused_fd_flags(w);
    fd_install(w, fd, kmcdev_open(w, 0));
    const file = fget(w, fd);
    expect(w.devs[0]!.refs).toBe(1);
    expect(close_fd(w, fd)).toBe(0);
    expect(w.devs[0]!.freed, 'our fget reference keeps the file').toBe(false);
    fput(w, file);
    expect(w.devs[0]).toEqual({ refs: 0, pages: [0, 1], freed: true });
    expect(w.pages.every((p) => p.free)).toBe(true);
  });

  it('a mapping holds the file: the release runs at munmap, after close', () => {
    const w = world();
    kmcdev_probe(w, 2);
    const file = kmcdev_open(w, 0);
    const vma = do_mmap(w, 0, file, { pages: 2, vm_flags: VM_READ | VM_SHARED, owner: 't' });
    expect(vma).toBe(0);
    fput(w, file); // the opener's reference: the vma's is left
    expect(w.devs[0]!.freed).toBe(false);
    expect(handle_mm_fault(w, 0, vma, w.processes[0]!.mm.vmas[0]!.vm_start + 1)).toBe(0);
    expect(w.processes[0]!.mm.rss.MM_FILEPAGES).toBe(1);
    vm_munmap(w, vma);
    expect(w.processes[0]!.mm.rss.MM_FILEPAGES).toBe(0);
    expect(w.devs[0]!.freed).toBe(true);
  });

  it("copy_file_range goes through the destination's f_op->copy_file_range; a file without one is -EXDEV", () => {
    const w = world();
    kmcdev_probe(w, 2);
    const dev = kmcdev_open(w, 0);
    const src = allocFile(w, { name: 'model.bin', f_op: EXT4_FILE_OPERATIONS, inode: addInode(w, 'model.bin', 4) });
    expect(vfs_copy_file_range(w, src, 2, dev, 1, 4), 'up to the end of the device').toBe(1);
    expect(w.pages.map((p) => p.data)).toEqual([null, 2]);
    expect(vfs_copy_file_range(w, dev, 0, src, 0, 1)).toBe(-EXDEV);
  });

  it('its model checks as expected: the posted release holds, a release without kref_put leaks the device', () => {
    const verdicts = Object.keys(kmcdevModel.variants!).flatMap((v) =>
      checkVariant(kmcdevModel, v, { strategy: 'bfs' }).map((c) => [v, c.verdict, c.asExpected]),
    );
    expect(verdicts).toEqual([
      ['posted', 'holds', true],
      ['leaky-release', 'violates', true],
    ]);
    const r = exploreBfs(compile(kmcdevModel, 'leaky-release'), {});
    expect(r.kind === 'violation' ? r.violation.message : r.kind).toBe(
      'every file of kmcdev0 is released, but its refcount is 1',
    );
  });
});
