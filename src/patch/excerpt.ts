// A model's `.c` excerpt: part of a kernel file, the text of the functions the model mirrors.
// Its header comment names the kernel file (`kmc excerpt of drivers/dma-buf/dma-heap.c`) and
// the git blob whose text it holds (`Blob: f19b944d4eaa`), so a patch's `index` line can say
// which excerpt it applies to. The kernel's SPDX line stays first, as in the kernel.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PatchError } from './mail.ts';

export interface Excerpt {
  /** where it was read from (a path) */
  file: string;
  /** the kernel file it is part of */
  path: string;
  /** the blob it mirrors, if its header names one */
  blob?: string;
  text: string;
}

/** Read an excerpt; `ref` is relative to `from` (a model file's URL) or a URL itself. */
export function readExcerpt(ref: string, from: string | undefined): Excerpt {
  let url: URL;
  try {
    url = from === undefined ? new URL(ref) : new URL(ref, from);
  } catch {
    throw new PatchError(
      `excerpt ${ref}: the model has no source file to find it from (declare it as a URL: new URL('${ref}', import.meta.url).href)`,
    );
  }
  const file = url.protocol === 'file:' ? fileURLToPath(url) : url.href;
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch (e) {
    throw new PatchError(`cannot read excerpt ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return excerptOf(text, file);
}

/** An excerpt from its text; `file` names it in messages. */
export function excerptOf(text: string, file: string): Excerpt {
  const head = text.split('\n').slice(0, 30).join('\n');
  const path = /kmc excerpt of (\S+)/.exec(head)?.[1];
  if (path === undefined)
    throw new PatchError(`${basename(file)}: no "kmc excerpt of <kernel path>" line in its header`);
  const blob = /Blob: ([0-9a-f]{7,40})/.exec(head)?.[1];
  return blob === undefined ? { file, path, text } : { file, path, blob, text };
}

/** Whether a diff's file name (`a/drivers/dma-buf/dma-heap.c`, `alloc-and-read.c`) is this excerpt's file. */
export function patches(name: string, e: Excerpt): boolean {
  const n = name.replace(/^[ab]\//, '');
  return n === e.path || n.endsWith(`/${e.path}`) || basename(n) === basename(e.file);
}

/** Same blob: one abbreviation is a prefix of the other. */
export const sameBlob = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);
