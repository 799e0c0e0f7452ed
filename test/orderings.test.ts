// kmc orderings: enumeration under constraints, validation of proposed orders, rule
// inference, and the command on every model that declares orderings: dma-heap/alloc-and-read
// (posted safe, dma_buf_fd before the read unsafe), udmabuf/create (upstream safe, the fd
// installed before the list loop unsafe) and dma-heap/async-read (posted safe, the fd
// installed before the wait for the reads unsafe), with the exit codes of --order.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, main, type Model, type Orderings, type State, type TransitionSystem } from '../src/index.ts';
import {
  enumerateOrders,
  inferRules,
  OrderError,
  unexplained,
  validateOrder,
  type OrderCheck,
} from '../src/check/orderings.ts';
import { models } from '../model/index.ts';
import { FD_BEFORE_READ, FILE_FD, POSTED, RESERVE_FD, allocAndRead } from '../model/dma-heap/alloc-and-read.ts';
import {
  INSTALL_AT_SUBMIT,
  POSTED_ORDER,
  RESERVE_FD as ASYNC_RESERVE_FD,
  asyncRead,
} from '../model/dma-heap/async-read.ts';
import {
  FD_BEFORE_PIN,
  RESERVE_FD as UDMABUF_RESERVE_FD,
  UPSTREAM,
  udmabufCreateModel,
} from '../model/udmabuf/create.ts';
import { EMFILE } from '../model/kernel/errno.ts';
import type { KernelWorld } from '../model/kernel/world.ts';
import { lostUpdate } from './fixtures/counter.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'kmc-orderings-'));

/** The plain schedule: the first enabled transition (no fault, no switch) until every thread is done. */
function plainRun<W>(sys: TransitionSystem): State<W> {
  let state = sys.initial();
  for (let n = 0; n < 500; n++) {
    const enabled = sys.enabled(state);
    if (enabled.length === 0) break;
    const applied = sys.apply(state, enabled[0]!);
    expect(applied.violation).toBeUndefined();
    state = applied.state;
  }
  return state as State<W>;
}

async function kmc(ms: readonly Model[], ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, { models: ms });
  return { code, out, err };
}

const abc: Orderings = {
  param: 'order',
  blocks: { one: ['a', 'b', 'c'], two: ['a', 'x', 'y'] },
  constraints: [
    ['a', 'b'],
    ['x', 'y'],
  ],
};

describe('enumerateOrders', () => {
  it('lists the linear extensions of each block set, the declared order first', () => {
    const orders = enumerateOrders(abc).map((o) => `${o.alternative}:${o.blocks.join('')}`);
    // one: a<b, c free: 3 orders; two: x<y, a free: 3 orders
    expect(orders).toEqual(['one:abc', 'one:acb', 'one:cab', 'two:axy', 'two:xay', 'two:xya']);
  });

  it('refuses cyclic constraints', () => {
    expect(() => enumerateOrders({ ...abc, constraints: [...abc.constraints, ['b', 'a']] })).toThrow(/cyclic/);
  });

  it('dma-heap/alloc-and-read: 6 orders with dma_buf_fd, 53 with get_unused_fd_flags + fd_install', () => {
    const orders = enumerateOrders(allocAndRead.orderings!);
    expect(orders.filter((o) => o.alternative === 'dma-buf-fd')).toHaveLength(6);
    expect(orders.filter((o) => o.alternative === 'reserve-install')).toHaveLength(53);
    const shown = orders.map((o) => o.blocks.join(','));
    for (const o of [POSTED, FD_BEFORE_READ, RESERVE_FD]) expect(shown).toContain(o);
    expect(shown[0]).toBe(POSTED);
  });

  it('udmabuf/create: 3 orders with dma_buf_fd, 8 with get_unused_fd_flags + fd_install, upstream first', () => {
    const orders = enumerateOrders(udmabufCreateModel.orderings!);
    expect(orders.filter((o) => o.alternative === 'dma-buf-fd')).toHaveLength(3);
    expect(orders.filter((o) => o.alternative === 'reserve-install')).toHaveLength(8);
    const shown = orders.map((o) => o.blocks.join(','));
    expect(shown[0]).toBe(UPSTREAM);
    for (const o of [FD_BEFORE_PIN, UDMABUF_RESERVE_FD]) expect(shown).toContain(o);
  });

  it('dma-heap/async-read: 5 orders with dma_buf_fd, 26 with get_unused_fd_flags + fd_install, posted first', () => {
    const orders = enumerateOrders(asyncRead.orderings!);
    expect(orders.filter((o) => o.alternative === 'dma-buf-fd')).toHaveLength(5);
    expect(orders.filter((o) => o.alternative === 'reserve-install')).toHaveLength(26);
    const shown = orders.map((o) => o.blocks.join(','));
    expect(shown[0]).toBe(POSTED_ORDER);
    for (const o of [INSTALL_AT_SUBMIT, ASYNC_RESERVE_FD]) expect(shown).toContain(o);
  });
});

describe('validateOrder', () => {
  it('finds the block set of a good order', () => {
    expect(validateOrder(abc, ['x', 'a', 'y'])).toEqual({ alternative: 'two', blocks: ['x', 'a', 'y'] });
  });

  it('names what is wrong with a bad one', () => {
    const bad: [string[], RegExp][] = [
      [['a', 'b', 'z'], /unknown block 'z'/],
      [['a', 'a', 'b'], /'a' appears twice/],
      [['a', 'b'], /not a permutation of a declared block set/],
      [['a', 'b', 'x'], /not a permutation/],
      [['b', 'a', 'c'], /breaks the constraint a before b/],
    ];
    for (const [order, message] of bad) expect(() => validateOrder(abc, order), order.join(',')).toThrow(message);
    expect(() => validateOrder(abc, ['z'])).toThrow(OrderError);
  });
});

describe('inferRules', () => {
  const row = (blocks: string, verdict: 'holds' | 'violates'): OrderCheck =>
    ({ alternative: 'one', blocks: blocks.split(''), check: { verdict } }) as unknown as OrderCheck;

  it('keeps pairs ordered alike in every safe order and reversed in some unsafe one', () => {
    const checks = [row('abc', 'holds'), row('acb', 'violates'), row('cab', 'violates')];
    // b before c in the only safe order; reversed in both unsafe ones. a before b is never broken.
    expect(inferRules(checks)).toEqual([
      { before: 'a', after: 'c', safe: 1, unsafe: 1 },
      { before: 'b', after: 'c', safe: 1, unsafe: 2 },
    ]);
    expect(unexplained(checks, inferRules(checks))).toEqual([]);
  });

  it('reports unsafe orders no rule explains', () => {
    const checks = [row('abc', 'holds'), row('acb', 'holds'), row('cab', 'violates')];
    const rules = inferRules(checks);
    expect(rules).toEqual([{ before: 'a', after: 'c', safe: 2, unsafe: 1 }]);
    // acb sits between two safe orders: no pairwise rule separates it
    const odd = [row('abc', 'holds'), row('cab', 'holds'), row('acb', 'violates')];
    expect(inferRules(odd)).toEqual([]);
    expect(unexplained(odd, inferRules(odd)).map((c) => c.blocks.join(''))).toEqual(['acb']);
  });
});

describe('kmc orderings', () => {
  it('dma-heap/alloc-and-read --order (dma_buf_fd before the read) --github: an ::error on the orderings line of the model file', async () => {
    // as loaded from its file (kmc.config.ts), so the annotation can name it
    const fromFile = { ...allocAndRead, source: new URL('../model/dma-heap/alloc-and-read.ts', import.meta.url).href };
    const r = await kmc(
      [fromFile],
      'orderings',
      'dma-heap/alloc-and-read',
      '--order',
      FD_BEFORE_READ,
      '--order',
      POSTED,
      '--runs',
      '100',
      '--out',
      tmp(),
      '--github',
    );
    expect(r.code).toBe(1);
    const lines = r.err.split('\n').filter((l) => l.startsWith('::'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^::error file=model\/dma-heap\/alloc-and-read\.ts,line=\d+,title=kmc%3A dma-heap\/alloc-and-read order 1 unsafe::dma-heap\/alloc-and-read \(variant posted\) order .*: unsafe: violates fd-exposes-unread-buffer .*%0Areplay: npx kmc replay /,
    );
  });

  it('dma-heap/alloc-and-read --shard i/2: the two shards judge every order once, as one run does, and infer no rules', async () => {
    const out = tmp();
    const one = JSON.parse(
      (await kmc(models, 'orderings', 'dma-heap/alloc-and-read', '--runs', '100', '--out', out, '--json')).out,
    );
    const shards = [];
    for (const i of [1, 2]) {
      const r = await kmc(
        models,
        'orderings',
        'dma-heap/alloc-and-read',
        '--shard',
        `${i}/2`,
        '--runs',
        '100',
        '--out',
        out,
        '--json',
      );
      expect(r.code).toBe(0);
      shards.push(JSON.parse(r.out));
    }
    expect(shards.every((d) => d.rules.length === 0 && d.count === one.orders.length)).toBe(true);
    const verdicts = (rows: { index: number; verdict: string; order: string[] }[]) =>
      rows.map((r) => [r.index, r.verdict, r.order.join(',')]);
    const merged = [...shards[0].orders, ...shards[1].orders].sort((a, b) => a.index - b.index);
    expect(verdicts(merged)).toEqual(verdicts(one.orders));
    expect(shards[0].orders.every((r: { index: number }) => (r.index - 1) % 2 === 0)).toBe(true);
  });

  it('the verdict column is coloured under FORCE_COLOR, plain otherwise', async () => {
    const out = tmp();
    const was = process.env.FORCE_COLOR;
    delete process.env.FORCE_COLOR;
    const plain = await kmc(models, 'orderings', 'udmabuf/create', '--out', out);
    process.env.FORCE_COLOR = '1';
    try {
      const coloured = await kmc(models, 'orderings', 'udmabuf/create', '--out', out);
      expect(coloured.out).toContain('\x1b[31mUNSAFE \x1b[39m');
      expect(coloured.out).toContain('\x1b[32msafe   \x1b[39m');
      expect(coloured.out.replace(/\x1b\[\d+m/g, '')).toBe(plain.out);
    } finally {
      if (was === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = was;
    }
    expect(plain.out).not.toContain('\x1b[');
  });

  it("kmc merge of orderings shards: the one run's table, rules included, its JSON and exit code; a missing shard is refused", async () => {
    const out = tmp();
    const args = ['orderings', 'udmabuf/create', '--out', out];
    const one = await kmc(models, ...args);
    const jsonOne = JSON.parse((await kmc(models, ...args, '--json')).out);
    const files = [];
    for (const i of [1, 2, 3]) {
      const file = join(out, `shard${i}.json`);
      writeFileSync(file, (await kmc(models, ...args, '--shard', `${i}/3`, '--json')).out);
      files.push(file);
    }
    const merged = await kmc(models, 'merge', ...files);
    expect([merged.code, merged.out]).toEqual([one.code, one.out]);
    expect(merged.out).toMatch(/pin_items +before +fd_install/);
    const mergedJson = JSON.parse((await kmc(models, 'merge', ...files, '--json')).out);
    expect([mergedJson.orders, mergedJson.rules, mergedJson.unexplained]).toEqual([
      jsonOne.orders,
      jsonOne.rules,
      jsonOne.unexplained,
    ]);
    expect(await kmc(models, 'merge', files[0]!, files[2]!)).toMatchObject({
      code: 2,
      err: 'kmc: 4 of 11 orders missing (no shard 2/3)\n',
    });
  });

  it('dma-heap/alloc-and-read: the posted order is safe, dma_buf_fd before the read is not; rules name the read', async () => {
    const out = tmp();
    const r = await kmc(models, 'orderings', 'dma-heap/alloc-and-read', '--runs', '150', '--seed', '1', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const line = (order: string) => r.out.split('\n').find((l) => l.endsWith(`  ${order}`));
    expect(line(POSTED)).toMatch(/^ *1  safe /);
    expect(line(FD_BEFORE_READ)).toMatch(
      /UNSAFE +fd-exposes-unread-buffer +\d+ +dma-heap\.alloc-and-read\.posted\.order\d+\./,
    );
    expect(line(RESERVE_FD)).toMatch(/ safe /);
    expect(r.out).toMatch(/dma_heap_read_file_sync +before +dma_buf_fd/);
    expect(r.out).toMatch(/dma_heap_read_file_sync +before +fd_install/);
    expect(r.out).toContain('every unsafe order breaks at least one of these rules');
  });

  it('--variant sets the world: with copy_to_user faults, fd_install must also follow copy_to_user', async () => {
    const r = await kmc(
      models,
      'orderings',
      'dma-heap/alloc-and-read',
      '--variant',
      'reserve-fd',
      '--runs',
      '200',
      '--seed',
      '1',
      '--out',
      tmp(),
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/copy_to_user +before +fd_install/);
    expect(r.out).toMatch(/no order of block set dma-buf-fd is safe \(6 orders/);
    expect(r.out.split('\n').find((l) => l.endsWith(`  ${RESERVE_FD}`))).toMatch(/ safe /);
  });

  it('--order judges just those: exit 0 when all are safe, 1 when one is not', async () => {
    const out = tmp();
    const safe = await kmc(
      models,
      'orderings',
      'dma-heap/alloc-and-read',
      '--order',
      POSTED,
      '--order',
      RESERVE_FD,
      '--runs',
      '100',
      '--out',
      out,
    );
    expect(safe.code).toBe(0);
    expect(safe.out).toContain('2 safe, 0 unsafe');
    const file = join(out, 'orders.json');
    writeFileSync(file, JSON.stringify([POSTED, FD_BEFORE_READ.split(',')]));
    const unsafe = await kmc(
      models,
      'orderings',
      'dma-heap/alloc-and-read',
      '--orders',
      file,
      '--runs',
      '100',
      '--out',
      out,
      '--json',
    );
    expect(unsafe.code).toBe(1);
    const json = JSON.parse(unsafe.out);
    expect(json.orders.map((o: { verdict: string }) => o.verdict)).toEqual(['holds', 'violates']);
    expect(json.orders[1].property).toBe('fd-exposes-unread-buffer');
  });

  it('get_unused_fd_flags moved after init_dma_heap_file: with the fd table full, -EMFILE undoes what precedes it', async () => {
    // RLIMIT_NOFILE 2: fds 0 and 1 are taken, get_unused_fd_flags fails on every path
    const afterInit =
      'init_dma_heap_file,get_unused_fd_flags,system_heap_allocate,dma_heap_read_file_sync,deinit_dma_heap_file,copy_to_user,fd_install';
    const afterRead =
      'init_dma_heap_file,system_heap_allocate,dma_heap_read_file_sync,get_unused_fd_flags,deinit_dma_heap_file,copy_to_user,fd_install';
    for (const order of [afterInit, afterRead]) {
      const final = plainRun<KernelWorld>(compile(allocAndRead, 'posted', { order, rlimit: 2 })).world;
      expect(final.returned[0]!.ret, order).toBe(-EMFILE);
      expect(
        final.files[final.processes[0]!.fdtable.fd[FILE_FD]!]!.count,
        `${order}: the file's f_count is back to the fd table's`,
      ).toBe(1);
      expect(
        final.pages.every((pg) => pg.free),
        `${order}: every page is freed`,
      ).toBe(true);
      expect(
        final.dmabufs.every((d) => d.freed),
        order,
      ).toBe(true);
    }
    const r = await kmc(
      models,
      'orderings',
      'dma-heap/alloc-and-read',
      '--param',
      'rlimit=2',
      '--order',
      afterInit,
      '--order',
      afterRead,
      '--out',
      tmp(),
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 safe, 0 unsafe');
  });

  it('udmabuf/create, judged as pinned-folios: the fd must be installed after the list loop', async () => {
    const r = await kmc(models, 'orderings', 'udmabuf/create', '--out', tmp());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^udmabuf\/create: 11 orders of 2 block sets, judged as variant pinned-folios \(bfs, exhaustive\)/,
    );
    const line = (order: string) => r.out.split('\n').find((l) => l.endsWith(`  ${order}`));
    expect(line(UPSTREAM)).toMatch(/^ *1  safe /);
    expect(line(UDMABUF_RESERVE_FD)).toMatch(/ safe /);
    // exporting before the loop is fine: with f49856f525ac a failing pin dma_buf_put()s
    expect(line('dma_buf_export,pin_items,dma_buf_fd')).toMatch(/ safe /);
    expect(line(FD_BEFORE_PIN)).toMatch(
      /UNSAFE +fd-exposes-unpinned-buffer +10 +udmabuf\.create\.pinned-folios\.order3\./,
    );
    expect(r.out).toContain('8 safe, 3 unsafe, 0 unknown');
    expect(r.out).toMatch(/pin_items +before +dma_buf_fd +\(all 2 safe orders; broken by 1 unsafe\)/);
    expect(r.out).toMatch(/pin_items +before +fd_install +\(all 6 safe orders; broken by 2 unsafe\)/);
    expect(r.out).toContain('every unsafe order breaks at least one of these rules');
  });

  it('udmabuf/create without f49856f525ac: whatever can fail must also precede dma_buf_export', async () => {
    const r = await kmc(models, 'orderings', 'udmabuf/create', '--variant', 'fd-error-goto-err', '--out', tmp());
    expect(r.code).toBe(0);
    expect(r.out.split('\n').find((l) => l.endsWith('  dma_buf_export,pin_items,dma_buf_fd'))).toMatch(
      /UNSAFE +ubuf-freed-before-release /,
    );
    expect(r.out).toMatch(/pin_items +before +dma_buf_export/);
    expect(r.out).toMatch(/get_unused_fd_flags +before +dma_buf_export/);
    expect(r.out.split('\n').find((l) => l.endsWith(`  ${UDMABUF_RESERVE_FD}`))).toMatch(/ safe /);
  });

  it('udmabuf/create --order: exit 0 for upstream and the reserved fd, 1 for the fd before the list loop', async () => {
    const out = tmp();
    const safe = await kmc(
      models,
      'orderings',
      'udmabuf/create',
      '--order',
      UPSTREAM,
      '--order',
      UDMABUF_RESERVE_FD,
      '--out',
      out,
    );
    expect(safe.code).toBe(0);
    expect(safe.out).toContain('2 safe, 0 unsafe');
    const unsafe = await kmc(
      models,
      'orderings',
      'udmabuf/create',
      '--order',
      UPSTREAM,
      '--order',
      FD_BEFORE_PIN,
      '--out',
      out,
      '--json',
    );
    expect(unsafe.code).toBe(1);
    const json = JSON.parse(unsafe.out);
    expect(json.variant).toBe('pinned-folios');
    expect(json.orders.map((o: { verdict: string }) => o.verdict)).toEqual(['holds', 'violates']);
    expect(json.orders[1].property).toBe('fd-exposes-unpinned-buffer');
    expect(json.orders[1].length).toBe(10);
  });

  it('dma-heap/async-read, judged as fixed: the fd must be installed after dma_heap_end_file_read', async () => {
    const r = await kmc(models, 'orderings', 'dma-heap/async-read', '--out', tmp());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^dma-heap\/async-read: 31 orders of 2 block sets, judged as variant fixed \(bfs, exhaustive\)/,
    );
    const line = (order: string) => r.out.split('\n').find((l) => l.endsWith(`  ${order}`));
    expect(line(POSTED_ORDER)).toMatch(/^ *1  safe /);
    expect(line(ASYNC_RESERVE_FD)).toMatch(/ safe /);
    expect(line(INSTALL_AT_SUBMIT)).toMatch(/UNSAFE +fd-exposes-unread-buffer +17 /);
    expect(r.out).toContain('26 safe, 5 unsafe, 0 unknown');
    expect(r.out).toMatch(/dma_heap_end_file_read +before +dma_buf_fd +\(all 4 safe orders; broken by 1 unsafe\)/);
    expect(r.out).toMatch(/dma_heap_end_file_read +before +fd_install +\(all 22 safe orders; broken by 4 unsafe\)/);
    expect(r.out).toContain('every unsafe order breaks at least one of these rules');
  });

  it('dma-heap/async-read --order: exit 0 for posted and the reserved fd, 1 for the fd installed at submit', async () => {
    const out = tmp();
    const safe = await kmc(
      models,
      'orderings',
      'dma-heap/async-read',
      '--order',
      POSTED_ORDER,
      '--order',
      ASYNC_RESERVE_FD,
      '--out',
      out,
    );
    expect(safe.code).toBe(0);
    expect(safe.out).toContain('2 safe, 0 unsafe');
    const unsafe = await kmc(
      models,
      'orderings',
      'dma-heap/async-read',
      '--order',
      INSTALL_AT_SUBMIT,
      '--out',
      out,
      '--json',
    );
    expect(unsafe.code).toBe(1);
    const json = JSON.parse(unsafe.out);
    expect(json.variant).toBe('fixed');
    expect(json.orders[0].property).toBe('fd-exposes-unread-buffer');
    expect(json.orders[0].length).toBe(17);
  });

  it('bad input: one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['dma-heap/alloc-and-read', '--order', 'dma_buf_fd,init_dma_heap_file'],
        /not a permutation of a declared block set/,
      ],
      [['dma-heap/alloc-and-read', '--order', 'frob,init_dma_heap_file'], /unknown block 'frob'/],
      [
        [
          'dma-heap/alloc-and-read',
          '--order',
          'system_heap_allocate,init_dma_heap_file,dma_heap_read_file_sync,dma_buf_fd,deinit_dma_heap_file,copy_to_user',
        ],
        /breaks the constraint init_dma_heap_file before system_heap_allocate/,
      ],
      [
        ['dma-heap/alloc-and-read', '--orders', '/nonexistent.json'],
        /cannot read orders from \/nonexistent.json: ENOENT/,
      ],
      [['dma-heap/alloc-and-read', '--param', `order=${POSTED}`], /--param order is what orderings varies/],
      [['dma-heap/alloc-and-read', '--strategy', 'psychic'], /unknown strategy 'psychic'/],
      [['no/such'], /unknown model 'no\/such'/],
      [[], /orderings takes one model/],
    ];
    for (const [argv, message] of cases) {
      const r = await kmc(models, 'orderings', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
    const none = await kmc([lostUpdate], 'orderings', 'fixture/lost-update');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^kmc: model fixture\/lost-update declares no orderings/);
  });
});
