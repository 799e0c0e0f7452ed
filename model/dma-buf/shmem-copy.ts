// copy_file_range between two tmpfs files as wangtao tested it locally and left out "due to
// lock_page deadlock risks" (v3 and v4 covers; the code was never posted). Its shape
// [inferred, KERNEL-001-002 §2.5]: the destination side mirrors write_begin, so it holds
// the destination folio locked while it calls the source's read_iter into that folio
// (a bvec over it); shmem_file_read_iter takes each source folio locked too
// (shmem_get_folio(SGP_READ)) and unlocks it before copying. Two copies in opposite
// directions take the two page locks in opposite orders (AB-BA), and a copy within one
// large folio waits for the lock it holds. Page locks are not lockdep-tracked: nothing
// warns, the tasks hang.
//
// Each copier (one page, from memfd page `src` of file_in to page `dst` of file_out):
//   1. shmem_get_folio   (dst, SGP_WRITE): folio_lock(dst folio)          sleeps while locked
//      unlocked design:  folio_get(dst folio); folio_unlock: the I/O goes on under a reference
//   2. shmem_file_read_iter  (src): shmem_get_folio(SGP_READ): folio_lock(src folio), folio_unlock,
//                        copy_page_to_iter into the destination's bvec   sleeps while locked
//   3. folio_unlock      (dst) (unlocked design: folio_put), then return
// A reader of the file (read(2): shmem_file_read_iter) hangs behind a copier stuck holding
// the folio lock.

import { DONE, thread, type Thread } from '../../src/index.ts';
import { folio_unlock, type FolioWorld } from '../kernel/folio.ts';
import { folioLockStep } from '../kernel/lock-wait.ts';
import { filemap_get_folio, type MemfdWorld } from '../kernel/memfd.ts';

export interface ShmemCopy {
  /** memfds (indices in world.memfds) and the page of each */
  in: number;
  src: number;
  out: number;
  dst: number;
  /** the fix shape: take a folio reference and unlock before the source read */
  unlockBeforeRead: boolean;
}

export function shmemCopier<W extends MemfdWorld & FolioWorld>(name: string, c: ShmemCopy): Thread<W> {
  const dstFolio = (w: W) => filemap_get_folio(w, c.out, c.dst);
  const srcFolio = (w: W) => filemap_get_folio(w, c.in, c.src);
  return thread<W, {}>({
    name,
    locals: {},
    steps: {
      shmem_get_folio: {
        ...folioLockStep<W, {}>(dstFolio, name, (k) => {
          if (c.unlockBeforeRead) folio_unlock(k.world, dstFolio(k.world), name); // folio_get + folio_unlock
          return 'shmem_file_read_iter';
        }),
        show: (k) =>
          `shmem_get_folio(${k.world.memfds[c.out]!.name}): folio_lock(folio${dstFolio(k.world)})${c.unlockBeforeRead ? ', folio_get, folio_unlock' : ''}`,
      },
      shmem_file_read_iter: {
        ...folioLockStep<W, {}>(srcFolio, name, (k) => {
          folio_unlock(k.world, srcFolio(k.world), name); // copy_page_to_iter after the unlock
          return c.unlockBeforeRead ? 'folio_put' : 'folio_unlock';
        }),
        show: (k) =>
          `shmem_file_read_iter(${k.world.memfds[c.in]!.name}): folio_lock(folio${srcFolio(k.world)}), copy, folio_unlock`,
      },
      folio_unlock: {
        show: (k) => `folio_unlock(folio${dstFolio(k.world)})`,
        run: (k) => {
          folio_unlock(k.world, dstFolio(k.world), name);
          return DONE;
        },
      },
      folio_put: { run: () => DONE },
    },
  });
}

/**
 * read(2) of page `page` of a tmpfs file by another task: shmem_file_read_iter takes the
 * folio lock too, so it hangs behind a copier stuck holding it.
 */
export function shmemReader<W extends MemfdWorld & FolioWorld>(name: string, memfd: number, page: number): Thread<W> {
  const folio = (w: W) => filemap_get_folio(w, memfd, page);
  return thread<W, {}>({
    name,
    locals: {},
    steps: {
      shmem_file_read_iter: {
        ...folioLockStep<W, {}>(folio, name, (k) => {
          folio_unlock(k.world, folio(k.world), name);
          return DONE;
        }),
        show: (k) =>
          `shmem_file_read_iter(${k.world.memfds[memfd]!.name}): folio_lock(folio${folio(k.world)}), copy, folio_unlock`,
      },
    },
  });
}
