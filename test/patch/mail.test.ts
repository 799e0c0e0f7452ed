// splitPatches: what --from-patch accepts (a plain diff, a format-patch mail, an mbox of a
// series, a reply quoting a patch) and what it refuses (no diff at all).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PatchError, splitPatches } from '../../src/patch/mail.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/patches/${name}`, import.meta.url), 'utf8');

describe('splitPatches', () => {
  it('a plain diff -u is one patch, named after its input, with its file', () => {
    const [p, ...rest] = splitPatches(fixture('alloc-and-read.fd-before-read.diff'), 'x.diff');
    expect(rest).toEqual([]);
    expect(p!.subject).toBe('x.diff');
    expect(p!.files.map((f) => [f.path, f.oldPath, f.preimage])).toEqual([
      ['model/dma-heap/alloc-and-read.c', 'model/dma-heap/alloc-and-read.c', undefined],
    ]);
  });

  it('a format-patch mail: the subject unfolded, each file with the blob its index line names, the "-- " signature dropped', () => {
    const [p] = splitPatches(fixture('dma-heap-v2-1-5.patch'), 'p');
    expect(p!.subject).toBe('[PATCH v2 1/5] dma-buf: heaps: Introduce DMA_HEAP_ALLOC_AND_READ_FILE heap flag');
    expect(p!.files.map((f) => [f.path, f.preimage, f.postimage])).toEqual([
      ['drivers/dma-buf/dma-heap.c', '2298ca5e112e', 'f19b944d4eaa'],
      ['include/uapi/linux/dma-heap.h', 'a4cf716a49fa', 'ef2fbd885825'],
    ]);
    expect(p!.files.at(-1)!.text).not.toMatch(/^-- $/m);
    expect(p!.quoted).toBe(false);
  });

  it('an mbox: one patch per mail, in order; a cover letter without a diff is skipped', () => {
    const cover =
      'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: A <a@b>\nSubject: [PATCH v2 0/5] cover\n\nno diff here\n\n';
    const mbox = [cover, fixture('dma-heap-v2-1-5.patch'), fixture('dma-heap-v2-2-5.patch')]
      .map((m, i) => (i === 0 ? m : `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n${m}\n`))
      .join('');
    expect(splitPatches(mbox, 'series.mbox').map((p) => p.subject)).toEqual([
      '[PATCH v2 1/5] dma-buf: heaps: Introduce DMA_HEAP_ALLOC_AND_READ_FILE heap flag',
      '[PATCH v2 2/5] dma-buf: heaps: Introduce async alloc read ops',
    ]);
  });

  it('a reply quoting the patch is read through its quotes (seed 004)', () => {
    const [p] = splitPatches(fixture('udmabuf-v2-4-4.quoted-reply.txt'), 'reply');
    expect(p!.quoted).toBe(true);
    expect(p!.files.map((f) => [f.path, f.preimage])).toEqual([['drivers/dma-buf/udmabuf.c', '9737f063b6b3']]);
  });

  it('text without a diff is bad input', () => {
    expect(() => splitPatches('From: a\nSubject: hello\n\njust words\n', 'mail.txt')).toThrow(PatchError);
    expect(() => splitPatches('', 'empty')).toThrow(/empty: no diff found/);
  });
});

describe('splitPatches on what diff tools write', () => {
  it("jsdiff's createPatch (an svn-style Index: header) is a plain diff, not a mail", async () => {
    const { createPatch } = await import('diff');
    const [p] = splitPatches(createPatch('x.c', 'int a;\n', 'int b;\n'), 'x.diff');
    expect(p!.subject).toBe('x.diff');
    expect(p!.files.map((f) => f.path)).toEqual(['x.c']);
  });
});
