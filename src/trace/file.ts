// Writing trace files: atomically (temp file + rename), never silently overwriting a
// different file. Writing the same bytes again is a no-op, so a re-run is idempotent.

import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Written {
  path: string;
  /** false when an identical file was already there */
  created: boolean;
}

/** Write text to dir/base.json, or to dir/base.2.json, .3, ... if a different file holds that name. */
export function writeNew(dir: string, base: string, text: string): Written {
  mkdirSync(dir, { recursive: true });
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? `${base}.json` : `${base}.${n}.json`);
    if (existsSync(path)) {
      if (readFileSync(path, 'utf8') === text) return { path, created: false };
      continue;
    }
    // Write a temp file, then link it into place: the name appears complete or not at all,
    // and link() fails rather than replace a file that appeared meanwhile.
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { flag: 'wx' });
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    } finally {
      unlinkSync(tmp);
    }
    return { path, created: true };
  }
}
