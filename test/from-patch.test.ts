// kmc orderings <model> --from-patch: for every model with orderings, the real patches read
// as the documented order; a made-up diff -u of the shipped .c that moves one block's call
// (with its error check) earlier reads as the corresponding order and gets the verdict
// --order gives that order, with the rule it breaks in C words; comment-only and
// whitespace-only diffs leave the order and the verdict as they were; a series gives one row
// per patch; bad patches exit 2 with one line. Fixtures: test/fixtures/patches/ (README there).

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, variantParams, type Model } from '../src/index.ts';
import { models } from '../model/index.ts';
import { FD_BEFORE_READ, POSTED } from '../model/dma-heap/alloc-and-read.ts';
import { INSTALL_AT_SUBMIT, POSTED_ORDER } from '../model/dma-heap/async-read.ts';
import { UPSTREAM } from '../model/udmabuf/create.ts';

const fixture = (name: string) => new URL(`fixtures/patches/${name}`, import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'kmc-from-patch-'));

async function kmc(...argv: string[]) {
  let o = '';
  let e = '';
  const code = await main(
    [...argv, '--out', out],
    { out: (s) => void (o += s), err: (s) => void (e += s) },
    { models: models as Model[] },
  );
  return { code, out: o, err: e };
}

/** The --json document of a run, and its first row. */
async function json(...argv: string[]) {
  const r = await kmc(...argv, '--json');
  const doc = JSON.parse(r.out) as {
    orders: { verdict: string; property?: string; length?: number; order: string[]; trace?: string }[];
    patches: {
      order: { block: string; line: number; call: string }[];
      notModelled: { call: string }[];
      removed: { block: string }[];
      breaks: { text: string }[];
      files: { outside: string[] }[];
    }[];
  };
  return { code: r.code, doc };
}

/** What --order gives the same order: the verdict to match. */
async function byOrder(model: string, order: string) {
  const { doc } = await json('orderings', model, '--order', order);
  const row = doc.orders[0]!;
  return { verdict: row.verdict, property: row.property, length: row.length };
}

const verdictOf = (row: { verdict: string; property?: string; length?: number }) => ({
  verdict: row.verdict,
  property: row.property,
  length: row.length,
});

describe('dma-heap/alloc-and-read --from-patch', () => {
  it('the real [PATCH v2 1/5] applies to v6.10 (the blob its index line names) and reads as posted: safe, exit 0', async () => {
    const { code, doc } = await json(
      'orderings',
      'dma-heap/alloc-and-read',
      '--from-patch',
      fixture('dma-heap-v2-1-5.patch'),
    );
    expect(doc.orders.map((r) => r.order.join(','))).toEqual([POSTED]);
    expect(doc.orders[0]!.verdict).toBe('holds');
    expect(doc.patches[0]!.order.map((b) => `${b.call}:${b.line}`)).toEqual([
      'init_dma_heap_file:113',
      'heap->ops->allocate:117',
      'dma_heap_read_file_sync:124',
      'dma_buf_fd:128',
      'deinit_dma_heap_file:134',
      'copy_to_user:277',
    ]);
    expect(code).toBe(0);
  });

  it('dma_buf_fd() with its error check moved before the read: read as fd-before-read, UNSAFE as --order says, the rule in C words, exit 1', async () => {
    const r = await kmc(
      'orderings',
      'dma-heap/alloc-and-read',
      '--from-patch',
      fixture('alloc-and-read.fd-before-read.diff'),
    );
    expect(r.out).toContain(
      'UNSAFE: `dma_buf_fd()` (line 125) now runs before `dma_heap_read_file_sync()` (line 131): fd-exposes-unread-buffer, 8 steps',
    );
    expect(r.out).toMatch(
      /replay: npx kmc replay \S+dma-heap\.alloc-and-read\.posted\.order4\.fd-exposes-unread-buffer\.json/,
    );
    expect(r.code).toBe(1);
    const { doc } = await json(
      'orderings',
      'dma-heap/alloc-and-read',
      '--from-patch',
      fixture('alloc-and-read.fd-before-read.diff'),
    );
    expect(doc.orders[0]!.order.join(',')).toBe(FD_BEFORE_READ);
    expect(verdictOf(doc.orders[0]!)).toEqual(await byOrder('dma-heap/alloc-and-read', FD_BEFORE_READ));
    expect(verdictOf(doc.orders[0]!)).toEqual({ verdict: 'violates', property: 'fd-exposes-unread-buffer', length: 8 });
  });

  it('fd_install() before the read (the fd reserved first): the reserve-install order, unsafe as --order says; dma_buf_fd() reported removed', async () => {
    const { code, doc } = await json(
      'orderings',
      'dma-heap/alloc-and-read',
      '--from-patch',
      fixture('alloc-and-read.fd-install-before-read.diff'),
    );
    const order =
      'get_unused_fd_flags,init_dma_heap_file,system_heap_allocate,fd_install,dma_heap_read_file_sync,deinit_dma_heap_file,copy_to_user';
    expect(doc.orders[0]!.order.join(',')).toBe(order);
    expect(verdictOf(doc.orders[0]!)).toEqual(await byOrder('dma-heap/alloc-and-read', order));
    expect(doc.orders[0]!.verdict).toBe('violates');
    expect(doc.patches[0]!.removed.map((b) => b.block)).toEqual(['dma_buf_fd']);
    expect(doc.patches[0]!.breaks.map((b) => b.text)).toEqual([
      '`fd_install()` (line 129) now runs before `dma_heap_read_file_sync()` (line 131)',
    ]);
    expect(code).toBe(1);
  });

  it('a comment-only and a whitespace-only diff leave the order (lines moved) and the verdict: safe', async () => {
    for (const name of ['alloc-and-read.comment-only.diff', 'alloc-and-read.whitespace-only.diff']) {
      const { code, doc } = await json('orderings', 'dma-heap/alloc-and-read', '--from-patch', fixture(name));
      expect(doc.orders[0]!.order.join(','), name).toBe(POSTED);
      expect(doc.orders[0]!.verdict, name).toBe('holds');
      expect(code, name).toBe(0);
    }
  });

  it('a series (patch 1/5 then 2/5, from stdin-free files): one row per patch, each on the previous; 2/5 adds a call no block models', async () => {
    const { code, doc } = await json(
      'orderings',
      'dma-heap/alloc-and-read',
      '--from-patch',
      fixture('dma-heap-v2-1-5.patch'),
      '--from-patch',
      fixture('dma-heap-v2-2-5.patch'),
    );
    expect(doc.orders.map((r) => [r.order.join(','), r.verdict])).toEqual([
      [POSTED, 'holds'],
      [POSTED, 'holds'],
    ]);
    expect(doc.patches[1]!.notModelled.map((c) => c.call)).toEqual(['heap->ops->allocate_async_read']);
    expect(code).toBe(0);
  });
});

describe('udmabuf/create --from-patch', () => {
  it('the real [PATCH v2 4/4] (seed 004) applies to the text before it and reads pin_items, dma_buf_export, dma_buf_fd: safe', async () => {
    const { code, doc } = await json('orderings', 'udmabuf/create', '--from-patch', fixture('udmabuf-v2-4-4.patch'));
    expect(doc.orders[0]!.order.join(',')).toBe(UPSTREAM);
    expect(doc.orders[0]!.verdict).toBe('holds');
    // the hunks in struct udmabuf, the mmap/vmap/sg/release paths: outside the excerpt
    expect(doc.patches[0]!.files[0]!.outside).toHaveLength(6);
    expect(doc.patches[0]!.notModelled.map((c) => c.call)).toEqual(['folio_page']);
    expect(code).toBe(0);
  });

  it("seed 004's quoted, re-wrapped diff: a clear one-line error, exit 2, never an order", async () => {
    const r = await kmc('orderings', 'udmabuf/create', '--from-patch', fixture('udmabuf-v2-4-4.quoted-reply.txt'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/read through its > quotes.*re-wrapped/);
  });

  it('fd_install() before the list loop: unsafe as --order says (fd-exposes-unpinned-buffer); reserving first and installing last: safe', async () => {
    const unsafe = await json(
      'orderings',
      'udmabuf/create',
      '--from-patch',
      fixture('udmabuf.fd-install-before-pin.diff'),
    );
    expect(unsafe.doc.orders[0]!.order.join(',')).toBe('dma_buf_export,get_unused_fd_flags,fd_install,pin_items');
    expect(verdictOf(unsafe.doc.orders[0]!)).toEqual(
      await byOrder('udmabuf/create', 'dma_buf_export,get_unused_fd_flags,fd_install,pin_items'),
    );
    expect(unsafe.doc.orders[0]!.property).toBe('fd-exposes-unpinned-buffer');
    expect(unsafe.doc.patches[0]!.breaks.map((b) => b.text)).toEqual([
      '`fd_install()` (line 150) now runs before `udmabuf_pin_folios()` (line 169)',
    ]);
    expect(unsafe.code).toBe(1);
    const safe = await json(
      'orderings',
      'udmabuf/create',
      '--from-patch',
      fixture('udmabuf.reserve-first-install-last.diff'),
    );
    expect(safe.doc.orders[0]!.order.join(',')).toBe('get_unused_fd_flags,pin_items,dma_buf_export,fd_install');
    expect(safe.doc.orders[0]!.verdict).toBe('holds');
    expect(safe.code).toBe(0);
  });

  it('dma_buf_fd() (with the export it needs) before the list loop: unsafe as --order says', async () => {
    const { code, doc } = await json(
      'orderings',
      'udmabuf/create',
      '--from-patch',
      fixture('udmabuf.fd-before-pin.diff'),
    );
    expect(doc.orders[0]!.order.join(',')).toBe('dma_buf_export,dma_buf_fd,pin_items');
    expect(verdictOf(doc.orders[0]!)).toEqual(await byOrder('udmabuf/create', 'dma_buf_export,dma_buf_fd,pin_items'));
    expect(code).toBe(1);
  });
});

describe('dma-heap/async-read --from-patch', () => {
  it('the real 2/5 and 4/5, in two files: each reads as posted (allocate_async_read read through system_heap_ops): safe', async () => {
    const { code, doc } = await json(
      'orderings',
      'dma-heap/async-read',
      '--from-patch',
      fixture('dma-heap-v2-2-5.patch'),
      '--from-patch',
      fixture('dma-heap-v2-4-5.patch'),
    );
    expect(doc.orders.map((r) => [r.order.join(','), r.verdict])).toEqual([
      [POSTED_ORDER, 'holds'],
      [POSTED_ORDER, 'holds'],
    ]);
    expect(doc.patches[1]!.order.map((b) => `${b.block}@${b.call}`).slice(1, 4)).toEqual([
      'system_heap_allocate@dma_heap_declare_file_read',
      'dma_buf_export@dma_buf_export',
      'dma_heap_end_file_read@dma_heap_end_file_read',
    ]);
    expect(code).toBe(0);
  });

  it('the wait moved after dma_buf_fd() (a diff of both files): read as install-at-submit, unsafe as --order says', async () => {
    const { code, doc } = await json(
      'orderings',
      'dma-heap/async-read',
      '--from-patch',
      fixture('async-read.install-at-submit.diff'),
    );
    expect(doc.orders[0]!.order.join(',')).toBe(INSTALL_AT_SUBMIT);
    expect(verdictOf(doc.orders[0]!)).toEqual(await byOrder('dma-heap/async-read', INSTALL_AT_SUBMIT));
    expect(doc.orders[0]!.property).toBe('fd-exposes-unread-buffer');
    expect(code).toBe(1);
  });

  it('dma_buf_fd() before the allocation breaks a constraint: one line, exit 2', async () => {
    const r = await kmc('orderings', 'dma-heap/async-read', '--from-patch', fixture('async-read.fd-before-alloc.diff'));
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'kmc: dma-heap/async-read: the patch gives init_dma_heap_file,dma_buf_fd,system_heap_allocate,dma_buf_export,dma_heap_end_file_read,deinit_dma_heap_file: breaks the constraint dma_buf_export before dma_buf_fd\n',
    );
  });
});

describe('--from-patch: bad input is one line, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a malformed hunk (a line lost)',
      ['--from-patch', fixture('malformed.diff')],
      /Added line count did not match.*malformed or re-wrapped/,
    ],
    [
      'a patch of a header only',
      ['--from-patch', fixture('uapi-header-only.diff')],
      /touches none of the functions dma-heap\/alloc-and-read mirrors .* \(it patches include\/uapi\/linux\/dma-heap\.h\)/,
    ],
    [
      "another driver's patch",
      ['--from-patch', fixture('udmabuf.fd-before-pin.diff')],
      /touches none of the functions .*it patches drivers\/dma-buf\/udmabuf\.c/,
    ],
    [
      'a file that does not exist',
      ['--from-patch', '/nonexistent.patch'],
      /cannot read patch \/nonexistent\.patch: ENOENT/,
    ],
    ['--base without --from-patch', ['--base', '/tmp'], /--base goes with --from-patch/],
    ['--from-patch with --order', ['--from-patch', fixture('malformed.diff'), '--order', POSTED], /drop --order/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await kmc('orderings', 'dma-heap/alloc-and-read', ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    });
  }

  it('a hunk whose context is not in the text (a stale diff) does not apply', async () => {
    const stale = readFileSync(fixture('alloc-and-read.fd-before-read.diff'), 'utf8')
      .replaceAll(' \tfd = ret;', ' \tfd = ret + 0;')
      .replaceAll(' \tdeinit_dma_heap_file(&heap_file);', ' \tdeinit_dma_heap_file(&heap);');
    const file = join(out, 'stale.diff');
    writeFileSync(file, stale);
    const r = await kmc('orderings', 'dma-heap/alloc-and-read', '--from-patch', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^kmc: dma-heap\/alloc-and-read: the patch: hunk @@ -122,16 \+122,16 @@ does not apply to \S+alloc-and-read\.c \(drivers\/dma-buf\/dma-heap\.c\)/,
    );
  });
});

describe('--from-patch --base', () => {
  it("applies to the user's kernel tree instead of the excerpts", async () => {
    const tree = mkdtempSync(join(tmpdir(), 'kmc-tree-'));
    mkdirSync(join(tree, 'drivers/dma-buf'), { recursive: true });
    // the tree's file: more above the functions than the excerpt has, so the hunk lands at an offset
    const text = readFileSync(new URL('../model/dma-heap/alloc-and-read.c', import.meta.url), 'utf8');
    writeFileSync(join(tree, 'drivers/dma-buf/dma-heap.c'), '#include <linux/cdev.h>\n'.repeat(30) + text);
    const { code, doc } = await json(
      'orderings',
      'dma-heap/alloc-and-read',
      '--from-patch',
      fixture('alloc-and-read.fd-before-read.diff'),
      '--base',
      tree,
    );
    expect(doc.orders[0]!.order.join(',')).toBe(FD_BEFORE_READ);
    expect(doc.patches[0]!.order.find((b) => b.block === 'dma_buf_fd')!.line).toBe(125 + 30);
    expect(code).toBe(1);
  });
});

describe('orderings.source is checked when the model loads', () => {
  it('a block the calls name that no block set has is refused, with the known names', async () => {
    const { allocAndRead } = await import('../model/dma-heap/alloc-and-read.ts');
    const source = allocAndRead.orderings!.source!;
    const bad = {
      ...allocAndRead,
      orderings: {
        ...allocAndRead.orderings!,
        source: { ...source, calls: { ...source.calls, dma_buf_fdd: ['dma_buf_fd'] } },
      },
    };
    let err = '';
    const code = await main(
      ['orderings', 'dma-heap/alloc-and-read', '--from-patch', fixture('dma-heap-v2-1-5.patch')],
      { out: () => undefined, err: (s) => void (err += s) },
      { models: [bad] },
    );
    expect(code).toBe(4);
    expect(err).toMatch(
      /orderings\.source\.calls names block 'dma_buf_fdd', which no block set has \(did you mean 'dma_buf_fd'\?\)/,
    );
  });
});

describe('the unmodified text of every model with orderings is judged safe', () => {
  for (const model of models.filter((m) => m.orderings?.source !== undefined)) {
    it(`${model.name}: a diff that only adds a comment reads as the judged variant's order, safe`, async () => {
      const { createPatch } = await import('diff');
      const decl = model.orderings!;
      const first = new URL(decl.source!.files[0]!);
      const text = readFileSync(first, 'utf8');
      const lines = text.split('\n');
      const commented = [...lines.slice(0, 3), '/* read by kmc orderings --from-patch */', ...lines.slice(3)].join(
        '\n',
      );
      const file = join(out, `${model.name.replace('/', '.')}.comment.diff`);
      writeFileSync(file, createPatch(first.pathname.split('/').pop()!, text, commented));
      const variant = decl.variant ?? Object.entries(model.variants).find(([, v]) => v.expect === 'holds')![0];
      const expected = variantParams(model, variant)[decl.param];
      const { code, doc } = await json('orderings', model.name, '--from-patch', file);
      expect(doc.orders[0]!.order.join(',')).toBe(expected);
      expect(doc.orders[0]!.verdict).toBe('holds');
      expect(code).toBe(0);
    });
  }
});
