// The gaps `kmc mutate` found in what the properties see (issue 21), each shown both ways: the
// broken kernel path (or world) caught by the property named, the sound one not.

import { afterEach, describe, expect, it } from 'vitest';
import { compile, exploreBfs, ModelError, type State } from '../src/index.ts';
import { restoreHelpers, wrapHelper } from '../model/kernel/helpers.ts';
import { allocAndRead } from '../model/dma-heap/alloc-and-read.ts';
import { mmapDirectIo } from '../model/dma-heap/mmap-direct-io.ts';
import { fd_install, get_unused_fd_flags, put_unused_fd } from '../model/kernel/fdtable.ts';
import {
  do_mmap,
  munmap_detach_and_zap,
  remove_vma,
  tlb_finish_mmu,
  vm_area_alloc,
  vma_link,
} from '../model/kernel/mm.ts';
import { get_file } from '../model/kernel/file.ts';
import { EXT4_FILE_OPERATIONS } from '../model/kernel/fs.ts';
import { F_SEAL_WRITE, memfd_create, type MemfdWorld } from '../model/kernel/memfd.ts';
import { allocFile, emptyWorld, VM_READ, VM_SHARED, VM_WRITE } from '../model/kernel/world.ts';
import type { UdmabufWorld } from '../model/kernel/udmabuf.ts';
import { sealedMemfdWritable } from './memfd-seals.ts';
import { noLeak } from './leak.ts';

afterEach(() => restoreHelpers());

const stateOf = <W>(world: W): State<W> => ({ world, threads: [], faults: 0 });

describe('fd reservations and the fd table', () => {
  it('leak: a number reserved and never installed nor put back is a leak; put back, none', () => {
    const w = emptyWorld(4, 0);
    const fd = get_unused_fd_flags(w);
    expect(noLeak.check(stateOf(w))).toBe(
      'fd 0 is reserved (get_unused_fd_flags) but was neither installed nor put back (put_unused_fd)',
    );
    put_unused_fd(w, fd);
    expect(noLeak.check(stateOf(w))).toBeUndefined();
  });

  it('fd_install of an unchecked -EMFILE (fd[-24]) is a model error, not a write beside the table', () => {
    const w = emptyWorld(4, 0);
    expect(() => fd_install(w, -24, 0)).toThrow(/fd_install\(-24\): fd out of the table \(0\.\.3\)/);
    expect(() => put_unused_fd(w, 4)).toThrow(ModelError);
  });
});

describe('write-sealed memfds', () => {
  const world = (): UdmabufWorld => {
    const w: UdmabufWorld = { ...emptyWorld(2, 0), folios: [], memfds: [], udmabufs: [] };
    fd_install(w, 0, memfd_create(w, 'memfd', [1], 0));
    return w;
  };
  it('sealed-memfd-writable: a shared writable mapping of an F_SEAL_WRITE memfd is caught; read-only or unsealed, not', () => {
    const w = world();
    do_mmap(w, 0, 0, { pages: 1, vm_flags: VM_READ | VM_WRITE | VM_SHARED, owner: 'writer' });
    expect(sealedMemfdWritable.check(stateOf(w))).toBeUndefined();
    w.memfds[0]!.seals |= F_SEAL_WRITE; // what a seal check that forgets i_mmap_writable would allow
    expect(sealedMemfdWritable.check(stateOf(w))).toBe(
      'memfd is sealed F_SEAL_WRITE, yet writer has it mapped shared and writable',
    );
    const r = world();
    do_mmap(r, 0, 0, { pages: 1, vm_flags: VM_READ | VM_SHARED, owner: 'reader' });
    r.memfds[0]!.seals |= F_SEAL_WRITE;
    expect(sealedMemfdWritable.check(stateOf(r))).toBeUndefined();
  });

  it('memfd_create with F_SEAL_WRITE denies writable mappings (i_mmap_writable -1), which leak counts as balanced', () => {
    const w: MemfdWorld = { ...emptyWorld(2, 0), folios: [], memfds: [] };
    fd_install(w, 0, memfd_create(w, 'sealed', [1], F_SEAL_WRITE));
    expect(w.memfds[0]!.i_mmap_writable).toBe(-1);
    expect(noLeak.check(stateOf(w as never))).toBeUndefined();
  });
});

describe('kernel_read and a concurrent truncate', () => {
  // With deny_write_access and allow_write_access both made no-ops (the balance kept), the
  // truncater can shrink the file while the ioctl reads it: kernel_read then reads 0 bytes
  // at the new EOF, and the ioctl fails with -EIO without any injected fault.
  const shortReads = () => {
    const found: number[] = [];
    exploreBfs(compile(allocAndRead, 'posted-racers'), {
      onState: (s) => {
        const w = s.world as { returned: { call: string; ret: number }[] };
        if (s.faults === 0) for (const r of w.returned) if (r.ret < 0) found.push(r.ret);
      },
    });
    return [...new Set(found)];
  };
  it('without write denial a truncate mid-read gives a short read: -EIO, no fault injected', () => {
    wrapHelper('deny_write_access', () => () => undefined);
    wrapHelper('allow_write_access', () => () => undefined);
    expect(shortReads()).toContain(-5);
  });
  it('with it, the truncate is refused (-ETXTBSY) during the read, and no ioctl fails without a fault', () => {
    expect(shortReads()).not.toContain(-5);
  });
});

describe('seed 001 (dma-heap/mmap-direct-io): what its mutants found', () => {
  /** The first violation bfs finds in a variant: [property, message], or the result kind. */
  const firstViolation = (variant: string): [string, string] | string => {
    const r = exploreBfs(compile(mmapDirectIo, variant));
    return r.kind === 'violation' ? [r.violation.property, r.violation.message] : r.kind;
  };

  it('dio-read-unfilled: a disk that never transfers lets read() return PAGE_SIZE of bytes that never landed; the real disk, none', () => {
    expect(firstViolation('posted')).toBe('ok');
    wrapHelper('bio_dma', () => () => undefined);
    expect(firstViolation('posted')).toEqual([
      'dio-read-unfilled',
      'the direct-I/O read of reader completed with 4096 bytes, but the device transferred 0 into its pages',
    ]);
  });

  it('leak: a vma munmap detached and remove_vma never freed still holds its file; removed, nothing', () => {
    const w = emptyWorld(2, 0);
    const file = allocFile(w, { name: 'mapped.bin', f_op: EXT4_FILE_OPERATIONS });
    fd_install(w, 0, file);
    get_file(w, file); // mmap_region: vma->vm_file = get_file(file)
    const vma = vma_link(w, 0, vm_area_alloc(file, { pages: 1, vm_flags: VM_READ | VM_SHARED, owner: 'mapper' }));
    expect(noLeak.check(stateOf(w))).toBeUndefined();
    tlb_finish_mmu(w, munmap_detach_and_zap(w, 0, vma));
    expect(noLeak.check(stateOf(w))).toBe(
      'pid 0: a vma of mapper left the mm but still holds mapped.bin: remove_vma never ran',
    );
    remove_vma(w, 0, vma);
    expect(noLeak.check(stateOf(w))).toBeUndefined();
  });
});
