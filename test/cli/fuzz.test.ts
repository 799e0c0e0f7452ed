// The CLI contract under bad input (issue 20), fuzzed: fast-check builds argument vectors
// and trace files out of the inputs that once broke it (the reproducers, kept below as fixed
// cases), and every run must keep the contract:
//   - main() returns (never throws: no stack trace) an exit code of the table (errors.ts);
//   - a usage or input error (exit 2) and a model error (exit 4) are exactly one line on
//     stderr, `kmc: ...`, nothing on stdout, and no line is longer than oneLine allows;
//   - no file of the folder that existed before (files, a folder, symlinks, a FIFO) changes,
//     and no temp file is left in it.
// Every check is bounded (--timeout, --max-states), so the suite takes seconds, and the seed
// is fixed and printed in the titles (KMC_FUZZ_SEED overrides it).

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main, type Model } from '../../src/index.ts';
import { EXIT, MAX_LINE } from '../../src/cli/errors.ts';
import { models as kmcModels } from '../../model/index.ts';
import { faulty, lostUpdate } from '../fixtures/counter.ts';

const SEED = Number(process.env.KMC_FUZZ_SEED ?? 20);
const models: Model[] = [lostUpdate, faulty, ...kmcModels];
const CODES: readonly number[] = Object.values(EXIT);
const TRACE = 'traces/dma-heap.alloc-and-read.fd-before-read.fd-exposes-unread-buffer.json';
const UDMABUF_TRACE = 'traces/udmabuf.create.unpin-list.leak.json';
delete process.env.KMC_SEED;

// The folder whose files must never change: a file, a folder with a file, symlinks (to a
// file, to nothing, to itself), a FIFO, a read-only folder.
const sandbox = mkdtempSync(join(tmpdir(), 'kmc-fuzz-'));
const at = (name: string) => join(sandbox, name);
writeFileSync(at('existing.txt'), 'my notes\n');
mkdirSync(at('dir'));
writeFileSync(at('dir/inside.txt'), 'inside\n');
symlinkSync(at('existing.txt'), at('link'));
symlinkSync(at('nowhere'), at('dangling'));
symlinkSync(at('loop'), at('loop'));
spawnSync('mkfifo', [at('fifo')]);
mkdirSync(at('readonly'));
chmodSync(at('readonly'), 0o555);
// What a run may create: new names inside this folder (the .2 rule, --out new folders) and under `harness`.
const harness = mkdtempSync(join(tmpdir(), 'kmc-fuzz-traces-'));

/** Every entry of the sandbox as it is: type, bytes or link target. */
function snapshot(dir = sandbox): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) out.set(path, `link ${readlinkSync(path)}`);
    else if (st.isDirectory()) {
      out.set(path, 'dir');
      for (const [k, v] of snapshot(path)) out.set(k, v);
    } else if (st.isFile()) out.set(path, `file ${readFileSync(path, 'utf8')}`);
    else out.set(path, `other ${st.mode}`);
  }
  return out;
}
const before = snapshot();

/** Entries that existed before and are gone or changed, and temp files left behind. */
function changed(): string[] {
  const now = snapshot();
  return [
    ...[...before].filter(([k, v]) => now.get(k) !== v).map(([k]) => k),
    ...[...now.keys()].filter((k) => k.endsWith('.tmp')),
  ];
}

async function kmc(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, { models });
  return { code, out, err };
}

/** The contract; returns what is wrong, or undefined. */
async function breaks(argv: string[]): Promise<string | undefined> {
  let r: { code: number; out: string; err: string };
  try {
    r = await kmc(argv);
  } catch (e) {
    return `threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  if (!CODES.includes(r.code)) return `exit ${r.code}`;
  if (/\n\s+at /.test(r.err)) return `a stack trace on stderr: ${r.err.slice(0, 300)}`;
  if (r.code === EXIT.badInput || r.code === EXIT.modelError) {
    if (!/^kmc: [^\n]*\n$/.test(r.err))
      return `exit ${r.code} with stderr not one line: ${JSON.stringify(r.err.slice(0, 300))}`;
    if (r.err.length > MAX_LINE + 'kmc: model error: \n'.length) return `a line of ${r.err.length} characters`;
    if (r.out !== '') return `exit ${r.code} after printing on stdout: ${JSON.stringify(r.out.slice(0, 200))}`;
  }
  const touched = changed();
  if (touched.length > 0) return `changed ${touched.join(', ')}`;
  return undefined;
}

/** A trace file in the harness folder: a stored trace with some fields replaced. */
let traces = 0;
function traceFile(from: string, edit: (t: Record<string, unknown>) => void): string {
  const t = JSON.parse(readFileSync(from, 'utf8')) as Record<string, unknown>;
  edit(t);
  const path = join(harness, `t${traces++}.json`);
  writeFileSync(path, JSON.stringify(t));
  return path;
}
/** Set key k of the object in field `f` (when an earlier edit left one there). */
const setIn = (f: string, k: string, v: unknown) => (t: Record<string, unknown>) => {
  const o = t[f];
  if (typeof o === 'object' && o !== null)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
};
const withParam = (k: string, v: unknown) => setIn('params', k, v);
const withOverride = (k: string, v: unknown) => setIn('overrides', k, v);
/** Parameter names a generated trace sets: declared ones, prototype names, an unknown one. */
const paramKey = fc.constantFrom(
  'pages',
  'order',
  'design',
  'items',
  'guessers',
  'rlimit',
  '__proto__',
  'constructor',
  'nosuch',
);
const rawFile = (text: string) => {
  const path = join(harness, `r${traces++}.json`);
  writeFileSync(path, text);
  return path;
};

// Bounds that keep every generated check short; a generated flag given later overrides them.
const SHORT = ['--timeout', '0.3', '--out', at('out')];

/** The reproducers of issue 20, by cause, with what each must give. */
const reproducers: { argv: string[]; code: number; err?: RegExp }[] = [
  // 1. lookups of user-given names see only what was declared
  ...['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__', '__lookupGetter__'].map(
    (name) => ({ argv: [name], code: 2, err: /^kmc: unknown command/ }),
  ),
  { argv: ['help', 'constructor'], code: 2, err: /^kmc: no command 'constructor'/ },
  {
    argv: ['check', 'dma-heap/alloc-and-read', '--variant', 'toString', ...SHORT],
    code: 2,
    err: /has no variant 'toString'/,
  },
  {
    argv: ['cost', 'dma-heap/alloc-and-read', '--variant', 'toString', '--svg', at('new.svg')],
    code: 2,
    err: /has no variant 'toString'/,
  },
  {
    argv: ['orderings', 'dma-heap/alloc-and-read', '--variant', 'constructor', '--out', at('out')],
    code: 2,
    err: /has no variant 'constructor'/,
  },
  { argv: ['check', 'toString', ...SHORT], code: 2, err: /unknown model 'toString'/ },
  {
    argv: ['check', 'dma-heap/alloc-and-read', '--param', '__proto__=1', ...SHORT],
    code: 2,
    err: /no parameter '__proto__'/,
  },
  { argv: ['check', '--strategy', 'constructor'], code: 2, err: /unknown strategy 'constructor'/ },
  { argv: ['replay', TRACE, '--format', 'toString'], code: 2, err: /unknown format 'toString'/ },
  // 2. replay trusts nothing the trace says
  {
    argv: ['replay', traceFile(TRACE, (t) => void (t.variant = 'posted'))],
    code: 2,
    err: /claims variant posted, but records order = /,
  },
  {
    argv: ['replay', traceFile(TRACE, (t) => void (t.variant = 'toString'))],
    code: 2,
    err: /has no variant 'toString'/,
  },
  {
    argv: ['replay', traceFile(TRACE, withParam('order', 5))],
    code: 2,
    err: /parameter order of dma-heap\/alloc-and-read is a string, got 5/,
  },
  {
    argv: ['replay', traceFile(TRACE, withParam('pages', 1e9))],
    code: 2,
    err: /parameter pages of dma-heap\/alloc-and-read is at most 16, got 1000000000/,
  },
  { argv: ['replay', traceFile(TRACE, withOverride('pages', 1e9))], code: 2, err: /is at most 16, got 1000000000/ },
  {
    argv: ['replay', traceFile(UDMABUF_TRACE, withOverride('design', true))],
    code: 2,
    err: /parameter design of udmabuf\/create is a string, got true/,
  },
  {
    argv: ['replay', traceFile(UDMABUF_TRACE, withOverride('items', ''))],
    code: 2,
    err: /parameter items of udmabuf\/create: bad item ''/,
  },
  {
    argv: ['replay', traceFile(UDMABUF_TRACE, withParam('items', ''))],
    code: 2,
    err: /parameter items of udmabuf\/create: bad item ''/,
  },
  // 3. outputs checked before any work, nothing replaced
  ...[at('existing.txt'), at('existing.txt/under'), '', at('dangling'), at('loop')].flatMap((out) => [
    {
      argv: ['check', 'dma-heap/alloc-and-read', '--variant', 'fd-before-read', '--out', out],
      code: 2,
      err: /^kmc: --out /,
    },
    { argv: ['orderings', 'dma-heap/alloc-and-read', '--out', out], code: 2, err: /^kmc: --out / },
  ]),
  ...[
    at('existing.txt'),
    at('link'),
    at('dangling'),
    at('fifo'),
    at('dir'),
    '',
    at('existing.txt/under'),
    at('nofolder/x.svg'),
  ].flatMap((file) => [
    { argv: ['cost', 'dma-heap/async-read', '--svg', file], code: 2, err: /^kmc: --svg / },
    { argv: ['check', 'fixture/lost-update', '--junit', file, ...SHORT], code: 2, err: /^kmc: --junit / },
  ]),
  // 4. --param against the schema, before anything runs
  ...['design=junk', 'items=junk', 'seals=junk', 'folios=junk', 'order=junk', 'items='].map((pair) => ({
    argv: ['check', 'udmabuf/create', '--param', pair, ...SHORT],
    code: 2,
    err: /^kmc: parameter /,
  })),
  ...['pages=99999999999999999999', 'pages=1.5', 'guessers=-1', 'order=junk', 'pages=1e9', 'pages=100000'].map(
    (pair) => ({
      argv: ['check', 'dma-heap/alloc-and-read', '--param', pair, ...SHORT],
      code: 2,
      err: /^kmc: parameter /,
    }),
  ),
  {
    argv: ['check', 'dma-heap/async-read', '--param', 'readMBps=0', ...SHORT],
    code: 2,
    err: /^kmc: parameter readMBps of dma-heap\/async-read is at least 1, got 0/,
  },
  { argv: ['cost', 'dma-heap/async-read', '--param', 'readMBps=0'], code: 2, err: /^kmc: parameter readMBps/ },
  // 5. reads: regular files only, capped
  { argv: ['replay', '/dev/zero'], code: 2, err: /not a regular file/ },
  { argv: ['replay', at('fifo')], code: 2, err: /not a regular file/ },
  { argv: ['orderings', 'dma-heap/alloc-and-read', '--orders', at('fifo')], code: 2, err: /not a regular file/ },
  { argv: ['merge', at('fifo')], code: 2, err: /not a regular file/ },
  { argv: ['replay', at('dir')], code: 2, err: /it is a folder/ },
  // a model "file" that is a FIFO or a device is never imported (that blocked, or never ended)
  { argv: ['check', at('fifo')], code: 2, err: /not a model file \(a FIFO, device or socket\)/ },
  { argv: ['list', '/dev/zero'], code: 2, err: /not a model file/ },
  {
    argv: [
      'merge',
      rawFile(
        '{"schema":"kmc-check/2","seed":1,"checks":1,"shard":null,"results":[{"index":0,"model":5,"verdict":"x"}]}',
      ),
    ],
    code: 2,
    err: /result 1 has no valid field model/,
  },
  {
    argv: ['merge', rawFile('{"schema":"kmc-check/2","seed":1,"checks":1,"shard":null,"results":[null]}')],
    code: 2,
    err: /result 1 has no valid field/,
  },
  // 6. one line
  { argv: [], code: 2, err: /^kmc: no command/ },
  {
    argv: ['replay', rawFile('{\n"format": "kmc-trace/2",\n"model": x\n}\n')],
    code: 2,
    err: /not JSON \(Unexpected token 'x'\)\n$/,
  },
  { argv: ['check', 'foo\nbar'], code: 2, err: /unknown model 'foo\\nbar'/ },
  { argv: ['check', 'dma-heap/alloc-and-read', '--variant', 'a\nb\rc'], code: 2, err: /no variant 'a\\nb\\rc'/ },
  {
    argv: ['replay', traceFile(TRACE, (t) => void ((t.model = 'm'.repeat(5_000_000)), delete t.source))],
    code: 2,
    err: /field "model" is 5000000 characters long/,
  },
  { argv: ['check', 'x'.repeat(100_000)], code: 2, err: /characters \.\.\.\]/ },
  // 7. bounds: one a strategy cannot honour is refused; cost --sweep is bounded
  {
    argv: ['check', 'fixture/lost-update', '--strategy', 'random', '--max-states', '10'],
    code: 2,
    err: /--max-states does not apply to --strategy random/,
  },
  {
    argv: ['check', 'fixture/lost-update', '--strategy', 'dfs', '--workers', '2'],
    code: 2,
    err: /--workers does not apply to --strategy dfs/,
  },
  {
    argv: ['check', 'fixture/lost-update', '--strategy', 'bfs', '--runs', '5'],
    code: 2,
    err: /--runs does not apply to --strategy bfs/,
  },
  {
    argv: ['check', 'fixture/lost-update', '--strategy', 'random', '--max-steps', '9007199254740991'],
    code: 2,
    err: /--max-steps must be at most 100000/,
  },
  {
    argv: ['cost', 'dma-heap/async-read', '--sweep', 'pages=1..100000'],
    code: 2,
    err: /^kmc: --sweep: parameter pages of dma-heap\/async-read is at most/,
  },
  {
    argv: ['cost', 'dma-heap/async-read', '--sweep', `gather=${Array.from({ length: 65 }, (_, i) => i + 1).join(',')}`],
    code: 2,
    err: /65 values, at most 64/,
  },
];

describe(`kmc under bad input (fast-check seed ${SEED})`, () => {
  it('every reproducer of issue 20: the exit code and one-line message it must give, and the contract', async () => {
    for (const { argv, code, err } of reproducers) {
      const shown = argv.join(' ').slice(0, 200);
      expect(await breaks(argv), shown).toBeUndefined();
      const r = await kmc(argv);
      expect(r.code, shown).toBe(code);
      if (err) expect(r.err, shown).toMatch(err);
    }
  });

  it('a relabelled trace is refused; the stored trace replays (both directions)', async () => {
    expect((await kmc(['replay', TRACE])).code).toBe(EXIT.ok);
    const relabelled = traceFile(TRACE, (t) => void (t.variant = 'posted'));
    expect(await kmc(['replay', relabelled])).toMatchObject({ code: EXIT.badInput, out: '' });
  });

  it('every strategy stops at --timeout with exit 3 and says so; random and pct too (they ran their 10^8 runs before)', async () => {
    const big = [
      'check',
      'dma-heap/alloc-and-read',
      '--variant',
      'posted',
      '--param',
      'guessers=4',
      '--param',
      'closers=3',
      '--param',
      'pages=8',
      '--param',
      'rlimit=8',
      '--out',
      at('out'),
      '--json',
      '--timeout',
      '0.3',
    ];
    for (const strategy of ['auto', 'bfs', 'dfs', 'random', 'pct']) {
      const runs = strategy === 'random' || strategy === 'pct' ? ['--runs', '100000000'] : [];
      const r = await kmc([...big, '--strategy', strategy, ...runs]);
      expect(r.code, strategy).toBe(EXIT.incomplete);
      expect(JSON.parse(r.out).results[0], strategy).toMatchObject({
        verdict: 'incomplete',
        note: 'stopped by timeout (0.3 s)',
      });
    }
  });

  it('cost --svg existing.txt leaves the file untouched and exits 2; --svg to a new name writes it', async () => {
    expect((await kmc(['cost', 'dma-heap/async-read', '--svg', at('existing.txt')])).code).toBe(EXIT.badInput);
    expect(readFileSync(at('existing.txt'), 'utf8')).toBe('my notes\n');
    expect((await kmc(['cost', 'dma-heap/async-read', '--svg', at('chart.svg')])).code).toBe(EXIT.ok);
    expect(readFileSync(at('chart.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readdirSync(sandbox).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  const tokens = {
    commands: [
      'check',
      'orderings',
      'cost',
      'replay',
      'list',
      'merge',
      'help',
      'toString',
      '__proto__',
      '',
      '-h',
      '--version',
      'chek',
    ],
    models: [
      'fixture/lost-update',
      'fixture/faulty',
      'dma-heap/alloc-and-read',
      'udmabuf/create',
      'constructor',
      'no/such',
      './nope.ts',
      at('existing.txt'),
      at('dir'),
      at('fifo'),
      TRACE,
      'a\nb',
    ],
    values: [
      '',
      '0',
      '1',
      '2',
      '-1',
      '1.5',
      '1e9',
      '99999999999999999999',
      'junk',
      'toString',
      '__proto__',
      'a\nb',
      'x'.repeat(3000),
      '1/2',
      '3/2',
      '512M',
      'bfs',
      'random',
      'pct',
      'dfs',
      'auto',
      'text',
      'columns',
      'json',
      'posted',
      'racy',
      'fixed',
      'fd-before-read',
    ],
    paths: [
      at('existing.txt'),
      at('dir'),
      at('link'),
      at('dangling'),
      at('loop'),
      at('fifo'),
      at('readonly'),
      at('existing.txt/under'),
      at('new'),
      at('out'),
      '/dev/zero',
      '/dev/null',
      TRACE,
      '',
    ],
    params: [
      'threads=2',
      'threads=junk',
      'threads=-1',
      'pages=1.5',
      'pages=1e9',
      'pages=2',
      'design=junk',
      'items=',
      'order=5',
      'order=junk',
      'guessers=-1',
      '__proto__=1',
      'constructor=x',
      'toString=1',
      'nokey',
      '=1',
    ],
    flags: [
      'variant',
      'strategy',
      'seed',
      'runs',
      'max-steps',
      'max-states',
      'max-depth',
      'timeout',
      'max-memory',
      'workers',
      'progress',
      'shard',
      'format',
      'width',
      'order',
      'cpus',
      'io',
      'sweep',
      'series',
      'frobnicate',
    ],
    pathFlags: ['out', 'junit', 'svg', 'orders'],
    switches: ['--json', '--exhaustive', '--no-por', '--no-symmetry', '--force', '--help', '-x', '--', '--json=1'],
  };
  const token = fc.oneof(
    fc.constantFrom(...tokens.models),
    fc.constantFrom(...tokens.switches),
    fc.tuple(fc.constantFrom(...tokens.flags), fc.constantFrom(...tokens.values)).map(([f, v]) => [`--${f}`, v]),
    fc.tuple(fc.constantFrom(...tokens.pathFlags), fc.constantFrom(...tokens.paths)).map(([f, v]) => [`--${f}`, v]),
    fc.constantFrom(...tokens.params).map((p) => ['--param', p]),
    fc.constantFrom(...tokens.values),
  );
  const argv = fc
    .tuple(fc.constantFrom(...tokens.commands), fc.array(token, { maxLength: 5 }))
    .map(([command, rest]) => {
      const args = rest.flat();
      // a check or orderings stays short: bounds first, so a generated value given later overrides them
      const bounded =
        command === 'check' || command === 'orderings'
          ? [...(command === 'check' ? ['--timeout', '0.3'] : []), '--out', at('out')]
          : command === 'cost'
            ? ['--svg', at(`gen${Math.abs(args.join().length % 7)}.svg`), '--force']
            : [];
      // a check with no model named checks every project model: name one
      const model =
        (command === 'check' || command === 'orderings' || command === 'cost') &&
        !args.some((a) => tokens.models.includes(a))
          ? ['fixture/lost-update']
          : [];
      return [command, ...model, ...bounded, ...args];
    });

  it(`generated argument vectors keep the contract (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (a) => {
        const why = await breaks(a);
        if (why !== undefined) throw new Error(`${JSON.stringify(a).slice(0, 300)}: ${why}`);
      }),
      { seed: SEED, numRuns: 150, endOnFailure: true },
    );
  });

  const jsonValue = fc.constantFrom<unknown>(
    '',
    'toString',
    '__proto__',
    'a\nb',
    'x'.repeat(2000),
    5,
    -1,
    1.5,
    1e9,
    1e300,
    true,
    null,
    [],
    {},
    [1, 'a'],
    { a: 1 },
  );
  const field = fc.constantFrom(
    'format',
    'model',
    'variant',
    'source',
    'strategy',
    'seed',
    'decisions',
    'steps',
    'violation',
    'fingerprint',
    'fingerprints',
    'params',
    'overrides',
  );
  const edit = fc.oneof(
    fc.tuple(field, jsonValue).map(
      ([k, v]) =>
        (t: Record<string, unknown>) =>
          void (t[k] = v),
    ),
    fc.tuple(field).map(
      ([k]) =>
        (t: Record<string, unknown>) =>
          void delete t[k],
    ),
    fc.tuple(paramKey, jsonValue).map(([k, v]) => withParam(k, v)),
    fc.tuple(paramKey, jsonValue).map(([k, v]) => withOverride(k, v)),
    fc
      .tuple(
        fc.constantFrom(
          'posted',
          'fd-before-read',
          'posted-efault',
          'reserve-fd',
          'unpin-list',
          'pinned-folios',
          'folio-array',
        ),
      )
      .map(
        ([v]) =>
          (t: Record<string, unknown>) =>
            void (t.variant = v),
      ),
    fc.tuple(fc.nat({ max: 9 }), fc.nat({ max: 40 })).map(([i, d]) => setIn('decisions', String(i), d)),
  );

  it(`generated trace files keep the contract (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(TRACE, UDMABUF_TRACE),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        async (from, edits) => {
          const path = traceFile(from, (t) => edits.forEach((e) => e(t)));
          const why = await breaks(['replay', path]);
          if (why !== undefined) throw new Error(`${path} (${readFileSync(path, 'utf8').slice(0, 300)}): ${why}`);
        },
      ),
      { seed: SEED, numRuns: 150, endOnFailure: true },
    );
  });

  it(`generated kmc merge documents keep the contract (seed ${SEED})`, async () => {
    const check = JSON.parse(
      (await kmc(['check', 'fixture/lost-update', '--seed', '1', '--json', '--out', at('out')])).out,
    ) as { results: Record<string, unknown>[] };
    const orderings = {
      schema: 'kmc-orderings/1',
      model: 'm',
      variant: 'v',
      judging: false,
      shard: null,
      count: 1,
      params: {},
      strategies: ['bfs'],
      runs: 1,
      seed: 1,
      maxSteps: 1,
      orders: [{ index: 1, alternative: 'A', order: ['a', 'b'], verdict: 'holds', strategy: 'bfs', exhaustive: true }],
      rules: [],
      unexplained: [],
    };
    const rowField = fc.constantFrom(
      'index',
      'model',
      'variant',
      'strategy',
      'verdict',
      'expected',
      'asExpected',
      'stats',
      'length',
      'order',
      'alternative',
      'exhaustive',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.tuple(rowField, jsonValue), { minLength: 1, maxLength: 3 }),
        async (isCheck, edits) => {
          const doc = structuredClone(isCheck ? { ...check } : orderings) as Record<string, unknown>;
          const rows = (isCheck ? doc.results : doc.orders) as Record<string, unknown>[];
          for (const [k, v] of edits) rows[0]![k] = v;
          const path = rawFile(JSON.stringify(doc));
          const why = await breaks(['merge', path]);
          if (why !== undefined) throw new Error(`${JSON.stringify(edits).slice(0, 300)}: ${why}`);
        },
      ),
      { seed: SEED, numRuns: 60, endOnFailure: true },
    );
  });

  it('the real binary: no command, /dev/zero and a FIFO give one line and exit 2, no stack trace', () => {
    const bin = join(import.meta.dirname, '../../bin/kmc.mjs');
    for (const args of [[], ['replay', '/dev/zero'], ['replay', at('fifo')]]) {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^kmc: [^\n]*\n$/);
      expect(r.stdout, args.join(' ')).toBe('');
    }
  });
});
