// The CLI over a user's own files, in a fresh folder outside the repository: model files,
// folders, globs and kmc.config.ts; replay from the source a trace records; model errors
// (exit 4) that name the step and line; names the model does not declare refused when it
// loads; parameter schemas; verdict words and exit codes.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/index.ts';

const API = new URL('../../src/index.ts', import.meta.url).href;

/** A user's model file: the lost update, with `edits` applied to its text. */
function counterModel(edits: { name?: string; store?: string; expect?: string; extra?: string } = {}): string {
  return `import { atEnd, defineModel, DONE, thread, violation } from '${API}';
interface Counter { x: number }
export default defineModel({
  name: '${edits.name ?? 'mine/counter'}',
  title: 'two unsynchronised increments',
  params: { threads: 2 },
  schema: { threads: { integer: true, min: 1, max: 4 } },
  world: (): Counter => ({ x: 0 }),
  threads: (p) =>
    Array.from({ length: p.threads }, (_, i) =>
      thread<Counter, { tmp: number }>({
        name: \`t\${i}\`,
        locals: { tmp: 0 },
        steps: {
          load: { run: (k) => ((k.local.tmp = k.world.x), 'store') },
          store: { run: (k) => { ${edits.store ?? 'k.world.x = k.local.tmp + 1;'} return DONE; } },
        },
      }),
    ),
  properties: (p) => [atEnd<Counter>('no-lost-update', 'every increment lands', (s) => (s.world.x === p.threads ? undefined : \`x = \${s.world.x}\`))],
  variants: {
    racy: { description: 'plain load/store', expect: ${edits.expect ?? "{ violates: 'no-lost-update' }"} },
    alone: { description: 'one thread', params: { threads: 1 }, expect: 'holds' },${edits.extra ?? ''}
  },
});
`;
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kmc-user-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function kmc(cwd: string, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, { cwd });
  return { code, out, err };
}

describe('kmc over a user folder', () => {
  it('check ./m.ts --json: both variants as expected; replay finds the model through the trace source', async () => {
    const dir = project({ 'm.ts': counterModel() });
    const r = await kmc(dir, 'check', './m.ts', '--json', '--out', join(dir, 'out'));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(
      doc.results.map((x: { variant: string; verdict: string; asExpected: boolean }) => [
        x.variant,
        x.verdict,
        x.asExpected,
      ]),
    ).toEqual([
      ['racy', 'violates', true],
      ['alone', 'holds', true],
    ]);
    const trace = JSON.parse(readFileSync(doc.results[0].trace, 'utf8'));
    // exhaustive: the seed changes nothing, so the trace has none and its name no seed
    expect([trace.format, trace.source, trace.seed, trace.overrides]).toEqual(['kmc-trace/2', 'm.ts', null, {}]);
    expect(doc.results[0].trace).toBe(join(dir, 'out', 'mine.counter.racy.no-lost-update.json'));
    const replayed = await kmc(dir, 'replay', doc.results[0].trace);
    expect([replayed.code, replayed.err]).toEqual([0, '']);
    expect(replayed.out).toMatch(/^mine\/counter \(variant racy\): no-lost-update, 4 steps \(bfs\)/);
  });

  it('kmc.config.ts: check with no argument takes its folders and globs, from any folder below it', async () => {
    const dir = project({
      'kmc.config.ts': `export default { models: ['models', 'more/*.model.ts'] };`,
      'models/counter.ts': counterModel(),
      'models/helpers.ts': `export const notAModel = 1;`,
      'more/other.model.ts': counterModel({ name: 'mine/other' }),
      'more/ignored.ts': counterModel({ name: 'mine/ignored' }),
      'sub/deeper/.keep': '',
    });
    const l = await kmc(join(dir, 'sub', 'deeper'), 'list');
    expect(l.code).toBe(0);
    expect(l.out.split('\n').filter((x) => /^\S/.test(x))).toEqual([
      'mine/counter  two unsynchronised increments',
      'mine/other  two unsynchronised increments',
    ]);
    const c = await kmc(join(dir, 'sub'), 'check', 'mine/other', '--out', join(dir, 'out'));
    expect(c.code).toBe(0);
    // the trace's source is relative to the config's folder, and replays from anywhere in it
    const trace = join(dir, 'out', 'mine.other.racy.no-lost-update.json');
    expect(JSON.parse(readFileSync(trace, 'utf8')).source).toBe('more/other.model.ts');
    expect((await kmc(join(dir, 'models'), 'replay', trace)).code).toBe(0);
  });

  it('a replay names the step and the parameter that changed since the trace was recorded', async () => {
    const dir = project({ 'm.ts': counterModel() });
    await kmc(dir, 'check', './m.ts', '--variant', 'racy', '--out', dir);
    const path = join(dir, 'mine.counter.racy.no-lost-update.json');
    // the same model in a second file with its store step changed (the module cache keeps the first)
    writeFileSync(join(dir, 'm2.ts'), counterModel({ store: 'k.world.x = k.local.tmp + 1; k.world.x += 0;' }));
    writeFileSync(join(dir, 'moved.json'), readFileSync(path, 'utf8').replace('"source": "m.ts"', '"source": "m2.ts"'));
    const moved = await kmc(dir, 'replay', join(dir, 'moved.json'));
    expect(moved.code).toBe(0);
    expect(moved.err).toBe(
      'kmc: note: mine/counter has changed since this trace was recorded (step t0.store, step t1.store), but every step replays as recorded\n',
    );
    writeFileSync(join(dir, 'm3.ts'), counterModel({ store: 'k.world.x = k.local.tmp + 2;' }));
    writeFileSync(
      join(dir, 'broken.json'),
      readFileSync(path, 'utf8').replace('"source": "m.ts"', '"source": "m3.ts"'),
    );
    const broken = await kmc(dir, 'replay', join(dir, 'broken.json'));
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(
      /broken.json no longer replays: step 3: t0: store changed the state differently than recorded; changed since it was recorded: step t0.store, step t1.store\n$/,
    );
  });

  it('an exception in a step is a model error: exit 4, naming model, variant, thread, step and the line', async () => {
    const dir = project({ 'm.ts': counterModel({ store: '(k.world as any).missing.x = 1;' }) });
    const r = await kmc(dir, 'check', './m.ts', '--variant', 'racy', '--out', dir);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/^ERR {3}mine\/counter +racy +model error/m);
    expect(r.out).toMatch(
      /model error: mine\/counter \(variant racy\), thread t0, step store: TypeError: Cannot set properties of undefined \(setting 'x'\) \(.*m\.ts:16:\d+\)/,
    );
    // sampling reports it the same way
    const s = await kmc(
      dir,
      'check',
      './m.ts',
      '--variant',
      'racy',
      '--strategy',
      'random',
      '--seed',
      '1',
      '--out',
      dir,
    );
    expect([s.code, /thread t\d, step store: TypeError/.test(s.out)]).toEqual([4, true]);
  });

  it('names the model does not declare are refused when it loads (exit 4); a mistyped variant is bad input (exit 2)', async () => {
    const typo = project({ 'm.ts': counterModel({ expect: "{ violates: 'no-lost-updat' }" }) });
    const t = await kmc(typo, 'check', './m.ts');
    expect(t).toEqual({
      code: 4,
      out: '',
      err: "kmc: model error: mine/counter: variant racy expects a violation of 'no-lost-updat', which the model does not declare (did you mean 'no-lost-update'?) (it declares: no-lost-update, deadlock)\n",
    });
    const raised = project({
      'm.ts': counterModel({
        store: "if (k.world.x > 0) violation('use-after-fre', 'x'); k.world.x = k.local.tmp + 1;",
      }),
    });
    const v = await kmc(raised, 'check', './m.ts', '--variant', 'racy', '--out', raised);
    expect(v.code).toBe(4);
    expect(v.out).toMatch(/step store: raised violation 'use-after-fre', which the model does not declare/);
    const badParam = project({
      'm.ts': counterModel({
        extra: "\n    many: { description: 'too many', params: { threads: 9 }, expect: 'holds' },",
      }),
    });
    expect((await kmc(badParam, 'check', './m.ts')).err).toBe(
      'kmc: model error: mine/counter: variant many: parameter threads of mine/counter is at most 4, got 9\n',
    );
    const dir = project({ 'm.ts': counterModel() });
    expect(await kmc(dir, 'check', './m.ts', '--variant', 'rcy')).toMatchObject({
      code: 2,
      err: "kmc: model mine/counter has no variant 'rcy' (did you mean 'racy'?) (it has: racy, alone)\n",
    });
    expect(await kmc(dir, 'check', './m.ts', '--param', 'threads=7')).toMatchObject({
      code: 2,
      err: 'kmc: parameter threads of mine/counter is at most 4, got 7\n',
    });
    expect(await kmc(dir, 'check', './m.ts', '--param', 'threads=1.5')).toMatchObject({
      code: 2,
      err: 'kmc: parameter threads of mine/counter is a whole number, got 1.5\n',
    });
    const notModel = project({ 'm.ts': 'export default 42;' });
    expect(await kmc(notModel, 'check', './m.ts')).toMatchObject({
      code: 4,
      err: 'kmc: model error: m.ts: its default export is not a model (defineModel) or a list of models\n',
    });
    const syntax = project({ 'm.ts': 'export default {' });
    expect(await kmc(syntax, 'check', './m.ts')).toMatchObject({
      code: 4,
      err: expect.stringMatching(/^kmc: model error: cannot load m\.ts: \w*Error: /),
    });
  });

  it('a replayed trace with parameters its schema refuses is bad input', async () => {
    const dir = project({ 'm.ts': counterModel() });
    await kmc(dir, 'check', './m.ts', '--variant', 'racy', '--out', dir);
    const path = join(dir, 'mine.counter.racy.no-lost-update.json');
    writeFileSync(
      join(dir, 'bad.json'),
      readFileSync(path, 'utf8').replace('"overrides": {}', '"overrides": {"threads":1000000000}'),
    );
    expect(await kmc(dir, 'replay', join(dir, 'bad.json'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/bad\.json: parameter threads of mine\/counter is at most 4, got 1000000000\n$/),
    });
  });

  it('verdict words and exit codes: sampling never says holds; --exhaustive and a bound the user set are incomplete (exit 3)', async () => {
    const dir = project({ 'm.ts': counterModel() });
    const sampled = await kmc(
      dir,
      'check',
      './m.ts',
      '--variant',
      'alone',
      '--strategy',
      'random',
      '--runs',
      '50',
      '--seed',
      '1',
    );
    expect(sampled.code).toBe(0);
    expect(sampled.out).toMatch(
      /^ok {4}mine\/counter +alone +no violation in 50 runs \(not exhaustive\) +expected holds/m,
    );
    const proof = await kmc(
      dir,
      'check',
      './m.ts',
      '--variant',
      'alone',
      '--strategy',
      'random',
      '--runs',
      '50',
      '--seed',
      '1',
      '--exhaustive',
    );
    expect(proof.code).toBe(3);
    const bounded = await kmc(dir, 'check', './m.ts', '--variant', 'alone', '--max-states', '2', '--json');
    expect(bounded.code).toBe(3);
    expect(JSON.parse(bounded.out).results[0]).toMatchObject({
      strategy: 'bfs',
      verdict: 'incomplete',
      note: 'stopped by max-states (2)',
    });
  });

  it('--workers 2 loads the model from the file the CLI loaded', async () => {
    const dir = project({ 'm.ts': counterModel() });
    const r = await kmc(dir, 'check', './m.ts', '--workers', '2', '--json', '--progress', '0', '--out', dir);
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.out).results.map((x: { stats: { workers: number } }) => x.stats.workers)).toEqual([2, 2]);
  });

  it('help for each command, --version, and an unknown flag with the closest one', async () => {
    const dir = project({});
    const h = await kmc(dir, 'check', '--help');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/^usage: kmc check \[model\|file\|folder \.\.\.\] \[options\]/);
    expect(h.out).toMatch(/--exhaustive +a check that only sampled is incomplete/);
    expect((await kmc(dir, 'help', 'replay')).out).toMatch(/^usage: kmc replay <trace>/);
    const v = await kmc(dir, '--version');
    expect(v).toEqual({
      code: 0,
      out: `kmc ${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`,
      err: '',
    });
    expect(await kmc(dir, 'replay', 'x.json', '--formt', 'columns')).toMatchObject({
      code: 2,
      err: "kmc: replay: unknown option '--formt' (did you mean '--format'?) (kmc replay --help lists them)\n",
    });
    expect(await kmc(dir, 'check')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^kmc: no models: name a model file or folder/),
    });
  });

  it('folders take .ts model files only and skip helpers; a glob or config that names no model is bad input', async () => {
    const dir = project({
      'models/counter.ts': counterModel(),
      'models/helper.ts': 'export default function helper() { return 1; }',
      'models/script.mjs': 'throw new Error("a script in the folder ran");',
      'scripts/run.mjs': 'throw new Error("ran");',
      'empty/kmc.config.ts': 'export default { models: [] };',
    });
    expect((await kmc(dir, 'list', 'models')).out).toMatch(/^mine\/counter /);
    expect(await kmc(dir, 'list', 'scripts')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^kmc: scripts: no model file in this folder/),
    });
    expect(await kmc(dir, 'list', 'models/*.mjs')).toMatchObject({
      code: 4,
      err: expect.stringMatching(/cannot load models\/script\.mjs: Error: a script in the folder ran/),
    });
    expect(await kmc(dir, 'list', 'scripts/*.ts')).toMatchObject({
      code: 2,
      err: 'kmc: scripts/*.ts: no file matches\n',
    });
    expect(await kmc(join(dir, 'empty'), 'list')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/kmc\.config\.ts: its models list names no model\n$/),
    });
    // two files defining the same model name: which one is meant is the user's to say
    writeFileSync(join(dir, 'models', 'copy.ts'), counterModel());
    expect(await kmc(dir, 'list', 'models')).toMatchObject({
      code: 2,
      err: 'kmc: two models are named mine/counter: in models/copy.ts and in models/counter.ts; check one of them\n',
    });
  });

  it('a syntax error is a model error, in one line (the installed CLI names its place: test/package.test.ts)', async () => {
    const dir = project({ 'm.ts': 'export default {\n  name: ;\n};\n' });
    const r = await kmc(dir, 'check', './m.ts');
    expect([r.code, r.err.split('\n').length]).toEqual([4, 2]);
    expect(r.err).toMatch(/^kmc: model error: cannot load m\.ts: Error: Transform failed with 1 error: .*Unexpected/);
  });

  it('replay from another folder finds the project of the trace; a source outside a project is refused', async () => {
    const dir = project({
      'kmc.config.ts': "export default { models: ['models'] };",
      'models/counter.ts': counterModel(),
    });
    await kmc(dir, 'check', '--variant', 'racy', 'mine/counter', '--out', join(dir, 'out'));
    const trace = join(dir, 'out', 'mine.counter.racy.no-lost-update.json');
    const elsewhere = project({});
    expect((await kmc(elsewhere, 'replay', trace)).code).toBe(0);
    const text = readFileSync(trace, 'utf8');
    writeFileSync(join(dir, 'evil.json'), text.replace('"source": "models/counter.ts"', '"source": "../../etc/x.ts"'));
    expect(await kmc(dir, 'replay', join(dir, 'evil.json'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /evil\.json: its source "\.\.\/\.\.\/etc\/x\.ts" is not a model file inside a project\n$/,
      ),
    });
    writeFileSync(
      join(dir, 'mangled.json'),
      text.replace(/"fingerprints": \{"steps":\{"t0":\{[^}]*\}/, '"fingerprints": {"steps":{"t0":null'),
    );
    expect(await kmc(dir, 'replay', join(dir, 'mangled.json'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/mangled\.json is not a kmc trace: field "fingerprints" is not/),
    });
  });

  it('an order naming an unknown block is refused before anything runs; --exhaustive never softens a differing verdict', async () => {
    const r = await kmc(
      process.cwd(),
      'check',
      'dma-heap/alloc-and-read',
      '--variant',
      'posted',
      '--param',
      'order=toString',
    );
    expect(r).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /^kmc: parameter order of dma-heap\/alloc-and-read names block 'toString', which no block set has/,
      ),
    });
    // one incrementer loses no update: a known-bad variant not caught is exit 1, with or without --exhaustive
    const dir = project({ 'm.ts': counterModel() });
    const alone = [
      'check',
      './m.ts',
      '--variant',
      'racy',
      '--param',
      'threads=1',
      '--strategy',
      'random',
      '--runs',
      '20',
      '--seed',
      '1',
    ];
    expect((await kmc(dir, ...alone)).code).toBe(1);
    expect((await kmc(dir, ...alone, '--exhaustive')).code).toBe(1);
  });
});
