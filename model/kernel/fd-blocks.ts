// What every ioctl that hands out an fd writes the same way: `fail` (set the return value,
// goto a label), and the fd blocks of fs/file.c and drivers/dma-buf/dma-buf.c as steps a
// model chains with `sequence`: dma_buf_fd (reserve and install in one call), or
// get_unused_fd_flags and fd_install apart, and put_unused_fd on the way out.
// The locals they use: ret, dmabuf, fd (installed, returned to userspace), reserved (a
// number reserved and not yet installed).

import type { Block, Step } from '../../src/index.ts';
import { dma_buf_fd } from './dma-buf.ts';
import { errno } from './errno.ts';
import { fd_install, get_unused_fd_flags, put_unused_fd } from './fdtable.ts';
import type { KernelWorld } from './world.ts';

export interface FdLocals {
  ret: number;
  dmabuf: number;
  /** the fd returned to userspace, once installed */
  fd: number;
  /** an fd number reserved by get_unused_fd_flags and not yet installed */
  reserved: number;
}

/** ret = err; goto label */
export const fail = (k: { local: { ret: number } }, ret: number, label: string): string => ((k.local.ret = ret), label);

/** How a block fails: where each failure goes, and the errors injected on top of the real ones (e.g. a full fd table, ['-EMFILE']). */
export interface FdBlockOptions<L> {
  unwind: (l: L) => string;
  fails?: readonly string[];
}

/** The call's result, or the injected error. */
const injected = (fails: readonly string[] | undefined, c: string | number, call: () => number) =>
  fails?.length && c !== 'ok' ? errno(String(c)) : call();
const faultsOf = (fails: readonly string[] | undefined) => (fails?.length ? { fails } : {});

/** dma_buf_fd(): get_unused_fd_flags + fd_install in one call; the dma-buf's file reference goes to the fd table. */
export function dmaBufFdBlock<W extends KernelWorld, L extends FdLocals>(o: FdBlockOptions<L>): Block<W, L> {
  return (next) => ({
    dma_buf_fd: {
      ...faultsOf(o.fails),
      show: (k, c) =>
        `dma_buf_fd(dmabuf${k.local.dmabuf}) = ${k.local.fd >= 0 ? k.local.fd : String(c).startsWith('-') ? c : '-EMFILE'}`,
      run: (k, c) => {
        const fd = injected(o.fails, c, () => dma_buf_fd(k.world, k.local.dmabuf));
        if (fd < 0) return fail(k, fd, o.unwind(k.local));
        k.local.fd = fd;
        return next;
      },
    },
  });
}

/** get_unused_fd_flags(): reserve the number, not yet visible to other threads. */
export function getUnusedFdFlagsBlock<W extends KernelWorld, L extends FdLocals>(o: FdBlockOptions<L>): Block<W, L> {
  return (next) => ({
    get_unused_fd_flags: {
      ...faultsOf(o.fails),
      run: (k, c) => {
        const fd = injected(o.fails, c, () => get_unused_fd_flags(k.world));
        if (fd < 0) return fail(k, fd, o.unwind(k.local));
        k.local.reserved = fd;
        return next;
      },
    },
  });
}

/** fd_install(): publish the reserved number with the dma-buf's file; cannot fail. */
export function fdInstallBlock<W extends KernelWorld, L extends FdLocals>(): Block<W, L> {
  return (next) => ({
    fd_install: {
      run: (k) => {
        fd_install(k.world, k.local.reserved, k.world.dmabufs[k.local.dmabuf]!.file);
        k.local.fd = k.local.reserved;
        k.local.reserved = -1;
        return next;
      },
    },
  });
}

/**
 * put_unused_fd(): give back a number reserved and never installed; then `next`. `clear`:
 * forget the number (reserved = -1); without it the local keeps the dead value, as a C
 * local would (dma-heap/alloc-and-read's recorded state counts keep it).
 */
export function putUnusedFdStep<W extends KernelWorld, L extends FdLocals>(next: string, clear = true): Step<W, L> {
  return {
    run: (k) => {
      put_unused_fd(k.world, k.local.reserved);
      if (clear) k.local.reserved = -1;
      return next;
    },
  };
}

/** After the error labels: put_unused_fd if a number is reserved and not installed, else `then`. */
export const unwindFd = (l: FdLocals, then = 'return'): string => (l.reserved >= 0 ? 'put_unused_fd' : then);
