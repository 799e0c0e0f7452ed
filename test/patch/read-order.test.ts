// The C reading behind --from-patch, on small hand-written C: statements in order with their
// labels, returns and gotos; calls in source order (member calls as written, nested calls
// after the outer one); ops tables' members; and the main path it reads: up to the top-level
// return, error labels apart, a mirrored function read where it is called (by name or through
// an ops member), a block placed at its first call, a block's error check its own.

import { describe, expect, it } from 'vitest';
import type { OrderingsSource } from '../../src/index.ts';
import { readC } from '../../src/patch/c-reader.ts';
import { readPath, type Functions } from '../../src/patch/read-order.ts';

const C = `
static long ioctl(struct file *file, unsigned long arg)
{
\tint ret;

\tif (copy_from_user(kdata, (void __user *)arg, 8) != 0)
\t\treturn -EFAULT;
\tret = handler(file, kdata);
\tif (copy_to_user((void __user *)arg, kdata, 8) != 0)
\t\tret = -EFAULT;
err:
\tkfree(kdata);
\treturn ret;
}

static int handler(struct dev *dev, void *data)
{
\tint ret, fd;

\tret = prepare(data);
\tif (ret)
\t\treturn ret;
\tbuf = dev->ops->allocate(dev, len);
\tif (IS_ERR(buf)) {
\t\tret = PTR_ERR(buf);
\t\tgoto error;
\t}
\tif (fill(buf, data)) {
\t\tput_buffer(buf);
\t\treturn -EIO;
\t}
\tfd = install(buf, flags(data));
\treturn fd;

error:
\tunprepare(data);
\treturn ret;
}

static struct buf *my_allocate(struct dev *dev, size_t len)
{
\treturn export_buffer(alloc_pages_for(len));
}

static const struct dev_ops my_ops = {
\t.allocate = my_allocate,
};
`;

const source: OrderingsSource = {
  files: [],
  functions: ['ioctl', 'handler', 'my_allocate'],
  calls: {
    prepare: ['prepare'],
    export: ['export_buffer'],
    fill: ['fill'],
    install: ['install'],
    copy_out: ['copy_to_user'],
  },
};

async function functions(text: string): Promise<{ fns: Functions; ops: Map<string, string[]> }> {
  const c = await readC(text);
  const fns: Functions = new Map([...c.functions].map(([n, f]) => [n, { ...f, file: 'x.c' }]));
  return { fns, ops: c.ops };
}

describe('readC', () => {
  it('reads each function as its statements, labels folded onto the statement after them', async () => {
    const { functions: fns } = await readC(C);
    expect([...fns.keys()]).toEqual(['ioctl', 'handler', 'my_allocate']);
    const ioctl = fns.get('ioctl')!;
    // int ret; if (copy_from_user); ret = handler; if (copy_to_user); err: kfree; return
    expect(ioctl.statements.map((s) => [s.kind, s.labels.join(), s.calls.map((c) => c.callee).join()])).toEqual([
      ['other', '', ''],
      ['other', '', 'copy_from_user'],
      ['other', '', 'handler'],
      ['other', '', 'copy_to_user'],
      ['other', 'err', 'kfree'],
      ['return', '', ''],
    ]);
    expect(fns.get('handler')!.statements.filter((s) => s.kind === 'goto')).toEqual([]);
  });

  it('gives calls in source order, a member call as written, an outer call before the calls in its arguments, with lines', async () => {
    const { functions: fns } = await readC(C);
    const calls = fns.get('handler')!.statements.flatMap((s) => s.calls.map((c) => `${c.callee}@${c.line}`));
    expect(calls).toEqual([
      'prepare@20',
      'dev->ops->allocate@23',
      'IS_ERR@24',
      'PTR_ERR@25',
      'fill@28',
      'put_buffer@29',
      'install@32',
      'flags@32',
      'unprepare@36',
    ]);
  });

  it("marks a call in an if's branch with the call its condition makes (the error check)", async () => {
    const { functions: fns } = await readC(C);
    const put = fns
      .get('handler')!
      .statements.flatMap((s) => s.calls)
      .find((c) => c.callee === 'put_buffer')!;
    expect(put.checks).toBe('fill');
    expect(
      fns
        .get('handler')!
        .statements.flatMap((s) => s.calls)
        .find((c) => c.callee === 'fill')!.checks,
    ).toBeUndefined();
  });

  it('reads the functions an ops table assigns to each member', async () => {
    expect([...(await readC(C)).ops]).toEqual([['allocate', ['my_allocate']]]);
  });
});

describe('readPath', () => {
  it('reads the main path: inlined where called, an ops member as its function, up to each return, error labels apart', async () => {
    const { fns, ops } = await functions(C);
    const { blocks, others } = readPath(source, fns, ops);
    expect(blocks.map((b) => `${b.block}:${b.function}:${b.line}`)).toEqual([
      'prepare:handler:20',
      'export:my_allocate:42',
      'fill:handler:28',
      'install:handler:32',
      'copy_out:ioctl:9',
    ]);
    const other = others.map((o) => o.call);
    // the error label's unprepare() is not on the main path; put_buffer() is fill's error check
    expect(other).not.toContain('unprepare');
    expect(other).not.toContain('put_buffer');
    expect(other).toEqual(['copy_from_user', 'alloc_pages_for', 'IS_ERR', 'PTR_ERR', 'flags', 'kfree']);
  });

  it('without the ops table the member call is just a call, and its blocks are not found', async () => {
    const { fns } = await functions(C);
    const { blocks, others } = readPath(source, fns);
    expect(blocks.map((b) => b.block)).toEqual(['prepare', 'fill', 'install', 'copy_out']);
    expect(others.map((o) => o.call)).toContain('dev->ops->allocate');
  });

  it('a block is placed where its first call is; moving the call moves the block', async () => {
    const moved = C.replace('\tfd = install(buf, flags(data));\n', '').replace(
      '\tif (fill(buf, data)) {',
      '\tfd = install(buf, flags(data));\n\tif (fill(buf, data)) {',
    );
    const { fns, ops } = await functions(moved);
    expect(readPath(source, fns, ops).blocks.map((b) => b.block)).toEqual([
      'prepare',
      'export',
      'install',
      'fill',
      'copy_out',
    ]);
  });

  it('the entry function must be there', async () => {
    const { fns } = await functions('static void other(void) { f(); }\n');
    expect(() => readPath(source, fns)).toThrow(/function ioctl is not in the text read \(other\)/);
  });
});
