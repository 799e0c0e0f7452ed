// Every file kmc writes goes through here (traces, --junit, --svg, the default charts, kmc
// init's files). Each target is checked before any work starts (checkOutDir, checkOutFile),
// and written atomically: the text goes to a temp file beside the target, which is then
// linked into place, so the name appears whole or not at all, and link() fails rather than
// replace what is there. Nothing is ever replaced (a file, a symlink, a device) unless it
// holds the same bytes, or the user said --force (then rename() replaces the name, never
// writing through a symlink or into a device). No temp file is left behind on any error.

import {
  accessSync,
  constants,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.ts';

export interface Written {
  path: string;
  /** false when an identical file was already there */
  created: boolean;
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));

function lstatOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if (code(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/** Whether a path (a symlink followed) is a folder. */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** What a path that is not a regular file is, in words. */
function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symlink';
  if (st.isDirectory()) return 'a folder';
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'a device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'a file';
}

/**
 * Refuse, before any work, a folder kmc could not write files into: it must be a folder (a
 * symlink to one is fine) that kmc may write, or not exist yet below one that kmc may write.
 */
export function checkOutDir(dir: string, flag: string): void {
  const refuse = (why: string): never => {
    throw new UsageError(`--${flag} ${JSON.stringify(dir)}: ${why}`);
  };
  if (dir === '') refuse('name a folder');
  let d = resolve(dir);
  for (;;) {
    let st: Stats | undefined;
    try {
      st = statSync(d);
    } catch (e) {
      const c = code(e);
      if (c === 'ELOOP') refuse(`${d} is a symlink loop`);
      if (c === 'ENOTDIR') refuse(`${d} lies under a file`);
      if (c !== 'ENOENT') refuse(`cannot use ${d}: ${c}`);
      if (lstatOf(d) !== undefined) refuse(`${d} is a symlink to nothing`);
    }
    if (st !== undefined) {
      if (!st.isDirectory()) refuse(d === resolve(dir) ? 'is a file, not a folder' : `${d} is a file, not a folder`);
      try {
        accessSync(d, constants.W_OK | constants.X_OK);
      } catch {
        refuse(`${d} is not writable`);
      }
      return;
    }
    // not there yet: it will be made, inside the nearest folder that is
    if (dirname(d) === d) refuse('no folder to make it in');
    d = dirname(d);
  }
}

/**
 * Refuse, before any work, a file kmc could not write or must not replace: '' or a folder,
 * a path under no writable folder, or anything already there (a file, a symlink, even a
 * dangling one, a device) unless `force`.
 */
export function checkOutFile(path: string, flag: string, force: boolean): void {
  const refuse = (why: string): never => {
    throw new UsageError(`--${flag} ${JSON.stringify(path)}: ${why}`);
  };
  if (path === '' || path.endsWith('/')) refuse('name a file');
  let st: Stats | undefined;
  try {
    st = lstatOf(path);
  } catch (e) {
    refuse(code(e) === 'ENOTDIR' ? 'it lies under a file' : `cannot use it: ${code(e)}`);
  }
  if (st !== undefined) {
    if (st.isDirectory() || (st.isSymbolicLink() && isFolder(path))) refuse('is a folder; name a file');
    if (!force)
      refuse(`${st.isFile() ? 'the file exists' : `is ${kindOf(st)}`}; kmc replaces nothing (--force replaces it)`);
  }
  const parent = dirname(resolve(path));
  let up: Stats;
  try {
    up = statSync(parent);
  } catch (e) {
    return refuse(
      code(e) === 'ENOENT'
        ? `no folder ${parent}`
        : code(e) === 'ENOTDIR'
          ? 'it lies under a file'
          : `cannot use ${parent}: ${code(e)}`,
    );
  }
  if (!up.isDirectory()) refuse(`${parent} is not a folder`);
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch {
    refuse(`${parent} is not writable`);
  }
}

/** Whether `path` is a regular file holding exactly `text`. */
function holds(path: string, text: string): boolean {
  const st = lstatOf(path);
  if (st === undefined || !st.isFile() || st.size !== Buffer.byteLength(text)) return false;
  return readFileSync(path, 'utf8') === text;
}

/**
 * Put `text` at `path` atomically. Without `replace`: returns false (nothing written) when
 * something is already there that does not hold the same bytes; with it, rename() replaces
 * whatever name is there. Throws the errno of any other failure; never leaves the temp file.
 */
function place(path: string, text: string, replace: boolean): boolean {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, text, { flag: 'wx' });
  try {
    if (replace) {
      renameSync(tmp, path);
      return true;
    }
    try {
      linkSync(tmp, path);
    } catch (e) {
      if (code(e) === 'EEXIST') return false;
      // a file system without hard links: an exclusive copy still never replaces anything
      if (code(e) !== 'EPERM' && code(e) !== 'ENOTSUP' && code(e) !== 'EOPNOTSUPP') throw e;
      try {
        copyFileSync(tmp, path, constants.COPYFILE_EXCL);
      } catch (c) {
        if (code(c) === 'EEXIST') return false;
        throw c;
      }
    }
    return true;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // renamed into place
    }
  }
}

/**
 * Write a file checkOutFile accepted; one-line UsageError on any failure, and nothing
 * replaced without `force`. `flag`: the option that named it (kmc init: its command name, with a space).
 */
export function writeOutFile(path: string, text: string, flag: string, force: boolean): Written {
  const what = flag.includes(' ') ? flag : `--${flag}`;
  try {
    if (holds(path, text)) return { path, created: false };
    if (place(path, text, force)) return { path, created: true };
    if (holds(path, text)) return { path, created: false };
  } catch (e) {
    throw new UsageError(`cannot write ${what} ${path}: ${code(e)}`);
  }
  throw new UsageError(
    `${what} ${path}: something appeared there meanwhile; kmc replaces nothing (--force replaces it)`,
  );
}

/**
 * Write text to dir/base+ext, or to dir/base.2+ext, .3, ... when another file (or a symlink,
 * or anything else) holds that name; an identical regular file is left as it is.
 */
export function writeNumbered(dir: string, base: string, ext: string, text: string, flag = 'out'): Written {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot make --${flag} folder ${dir}: ${code(e)}`);
  }
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? `${base}${ext}` : `${base}.${n}${ext}`);
    try {
      if (holds(path, text)) return { path, created: false };
      if (lstatOf(path) !== undefined) continue;
      if (place(path, text, false)) return { path, created: true };
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${code(e)}`);
    }
  }
}
