// Error codes, as in include/uapi/asm-generic/errno-base.h. Functions return -E... like the kernel.

export const EIO = 5;
export const EBADF = 9;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EBUSY = 16;
export const ENODEV = 19;
export const EINVAL = 22;
export const EXDEV = 18;
export const EMFILE = 24;
export const ETXTBSY = 26;
export const EPERM = 1;
/** include/uapi/asm-generic/errno.h: "File descriptor in bad state"; udmabuf_create returns it for a closed memfd and check_memfd_seals for a file that is not a memfd. */
export const EBADFD = 77;

const NAMES: Record<number, string> = {
  1: 'EPERM',
  5: 'EIO',
  9: 'EBADF',
  12: 'ENOMEM',
  14: 'EFAULT',
  16: 'EBUSY',
  18: 'EXDEV',
  19: 'ENODEV',
  22: 'EINVAL',
  24: 'EMFILE',
  26: 'ETXTBSY',
  77: 'EBADFD',
};

/** '-ENOMEM' -> -12; the fault labels of fallible steps are written this way. */
export function errno(label: string): number {
  const name = label.replace(/^-/, '');
  const code = Object.entries(NAMES).find(([, n]) => n === name)?.[0];
  if (code === undefined) throw new Error(`unknown errno ${label}`);
  return -Number(code);
}

/** -12 -> '-ENOMEM' */
export function errname(ret: number): string {
  return ret < 0 && NAMES[-ret] ? `-${NAMES[-ret]}` : String(ret);
}
