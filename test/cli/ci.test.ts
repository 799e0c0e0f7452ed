// What kmc gives CI: JUnit files (validated against test/fixtures/junit-10.xsd with
// xmllint when it is installed), written atomically and never over a folder.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineModel, DONE, main, thread, type Model } from '../../src/index.ts';
import { colourOn } from '../../src/cli/colour.ts';
import { progressReporter } from '../../src/cli/progress.ts';
import { faulty, lostUpdate } from '../fixtures/counter.ts';

const XSD = new URL('../fixtures/junit-10.xsd', import.meta.url).pathname;
const wrong = defineModel({
  ...lostUpdate,
  name: 'fixture/wrong',
  variants: { racy: { description: 'claims to hold', expect: 'holds' } },
});
const broken = defineModel({
  name: 'fixture/broken',
  title: 'a step that throws',
  params: {},
  world: () => ({ x: 0 }),
  threads: () => [
    thread<{ x: number }, {}>({
      name: 't',
      locals: {},
      steps: {
        oops: {
          run: () => {
            throw new Error('oops <&> "bug"');
          },
        },
      },
    }),
    thread<{ x: number }, {}>({ name: 'u', locals: {}, steps: { fine: { run: () => DONE } } }),
  ],
  properties: () => [],
  variants: { plain: { description: 'throws', expect: 'holds' } },
});
const models: Model[] = [lostUpdate, faulty, wrong, broken];

async function kmc(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, { models });
  return { code, out, err };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'kmc-ci-'));
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

/** xmllint's verdict on a file against the JUnit schema: undefined when valid, else its complaint. */
function invalid(file: string): string | undefined {
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  return r.status === 0 ? undefined : r.stderr;
}

describe('kmc check --junit', () => {
  it('a testcase per expected verdict: a failure with what was found, the counterexample and the replay command; a model error as <error>', async () => {
    const dir = tmp();
    const file = join(dir, 'kmc.xml');
    const r = await kmc(
      'check',
      'fixture/lost-update',
      'fixture/faulty',
      'fixture/wrong',
      'fixture/broken',
      '--seed',
      '1',
      '--out',
      join(dir, 'out'),
      '--junit',
      file,
    );
    expect(r.code).toBe(4);
    const xml = readFileSync(file, 'utf8');
    if (hasXmllint) expect(invalid(file)).toBeUndefined();
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="kmc check" tests="\d+" failures="1" errors="1"/,
    );
    expect(xml).toContain('<testcase classname="fixture/lost-update" name="racy: violates no-lost-update"');
    expect(xml).toContain('<testcase classname="fixture/wrong" name="racy: holds"');
    const failure = /<failure message="([^"]*)" type="violates">([^<]*)<\/failure>/.exec(xml);
    expect(failure?.[1]).toMatch(/^expected holds, found violates no-lost-update \(4 steps\): x = 1, expected 2$/);
    expect(failure?.[2]).toMatch(/fixture\/wrong racy: expected holds/);
    expect(failure?.[2]).toMatch(/\bt0\b.*\bt1\b/); // the columns, one per thread
    expect(failure?.[2]).toMatch(/replay: npx kmc replay .*fixture\.wrong\.racy\.no-lost-update\.json/);
    expect(xml).toMatch(
      /<testcase classname="fixture\/broken" name="plain: holds" time="[\d.]+">\n {6}<error message="model error: [^"]*oops &lt;&amp;&gt; &quot;bug&quot;/,
    );
  });

  it('orderings --junit: a testcase per order, valid; --json says kmc-orderings/1', async () => {
    const dir = tmp();
    const file = join(dir, 'o.xml');
    const cwd = new URL('../..', import.meta.url).pathname;
    const r = spawnSync(
      process.execPath,
      ['bin/kmc.mjs', 'orderings', 'dma-heap/alloc-and-read', '--out', join(dir, 'out'), '--junit', file, '--json'],
      { cwd, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).schema).toBe('kmc-orderings/1');
    if (hasXmllint) expect(invalid(file)).toBeUndefined();
    expect(readFileSync(file, 'utf8')).toMatch(/<testcase classname="dma-heap\/alloc-and-read" name="order 1: /);
  });

  it('the schema check fails on an invalid file', () => {
    if (!hasXmllint) return;
    const file = join(tmp(), 'bad.xml');
    writeFileSync(
      file,
      '<testsuites><testsuite name="x" tests="1"><testcase classname="x"><failure/><skipped/></testcase></testsuite></testsuites>\n',
    );
    expect(invalid(file)).toMatch(/bad.xml fails to validate/);
  });

  it('--junit naming a folder, or in no folder: one line, exit 2, before any check runs', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'report.xml'));
    for (const path of [join(dir, 'report.xml'), join(dir, 'nope', 'r.xml')]) {
      const r = await kmc('check', 'fixture/lost-update', '--junit', path, '--out', join(dir, 'out'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^kmc: --junit .* (is a folder|no folder)/);
      expect(r.err).not.toMatch(/seed/);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});

const API = new URL('../../src/index.ts', import.meta.url).href;
/** A user's model file: the lost update, claimed to hold, on its line 12. */
const userModel = `import { atEnd, defineModel, DONE, thread } from '${API}';
export default defineModel({
  name: 'mine/counter',
  title: 'two unsynchronised increments',
  params: {},
  world: () => ({ x: 0, tmp: [0, 0] }),
  threads: () => [0, 1].map((i) => thread<{ x: number; tmp: number[] }, {}>({ name: \`t\${i}\`, locals: {}, steps: {
    load: { run: (k) => ((k.world.tmp[i] = k.world.x), 'store') },
    store: { run: (k) => ((k.world.x = k.world.tmp[i]! + 1), DONE) } } })),
  properties: () => [atEnd<{ x: number }>('no-lost-update', 'every increment lands', (s) => (s.world.x === 2 ? undefined : \`x = \${s.world.x}\`))],
  variants: {
    'racy': { description: 'claims to hold', expect: 'holds' },
  },
});
`;

describe('kmc check --github', () => {
  it('a differing verdict is an ::error on the model file and the line of its variant; none when all is as expected', async () => {
    const dir = tmp();
    const file = join(dir, 'counter.ts');
    writeFileSync(file, userModel);
    const r = await kmc('check', file, '--github', '--out', join(dir, 'out'));
    expect(r.code).toBe(1);
    const lines = r.err.split('\n').filter((l) => l.startsWith('::'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `::error file=${relative(process.cwd(), file)},line=12,title=kmc%3A mine/counter racy differs from its expectation::mine/counter racy: expected holds, found violates no-lost-update (4 steps): x = 1%0Areplay: npx kmc replay ${join(dir, 'out', 'mine.counter.racy.no-lost-update.json')}`,
    );
    // as expected: no annotation; GITHUB_ACTIONS=true turns them on without the flag, --json off
    const ok = await kmc('check', 'fixture/lost-update', '--github', '--seed', '1', '--out', join(dir, 'out'));
    expect(ok.err).not.toMatch(/^::/m);
    process.env.GITHUB_ACTIONS = 'true';
    try {
      expect((await kmc('check', 'fixture/broken', '--out', join(dir, 'out'))).err).toMatch(
        /^::error title=kmc%3A model error in fixture\/broken plain::fixture\/broken plain: expected holds, found model error: /m,
      );
      expect((await kmc('check', 'fixture/broken', '--json', '--out', join(dir, 'out'))).err).not.toMatch(/^::/m);
    } finally {
      delete process.env.GITHUB_ACTIONS;
    }
  });
});

describe('versioned --json', () => {
  it('check: schema kmc-check/2 and the same stats keys whatever the strategy (null where they do not apply)', async () => {
    const out = join(tmp(), 'out');
    const keys = [
      'runs',
      'steps',
      'states',
      'depth',
      'exhaustive',
      'milliseconds',
      'statesPerSecond',
      'bytesPerState',
      'visitedBytesPerState',
      'collisionProbability',
      'reductions',
      'workers',
      'cache',
    ];
    const docs = [];
    for (const strategy of ['random', 'pct', 'bfs', 'dfs']) {
      // --runs bounds sampling only: bfs and dfs refuse it
      const runs = strategy === 'random' || strategy === 'pct' ? ['--runs', '100'] : [];
      const doc = JSON.parse(
        (
          await kmc(
            'check',
            'fixture/lost-update',
            '--strategy',
            strategy,
            '--seed',
            '1',
            ...runs,
            '--out',
            out,
            '--json',
          )
        ).out,
      );
      expect(doc.schema, strategy).toBe('kmc-check/2');
      expect(Object.keys(doc.results[0].stats), strategy).toEqual(keys);
      docs.push(doc);
    }
    expect(docs[0].results[0].stats.bytesPerState).toBeNull();
    expect(docs[2].results[0].stats.bytesPerState).toBeTypeOf('number');
  });

  it('list --json: schema kmc-list/1, every model with its variants and expected verdicts', async () => {
    const r = await kmc('list', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.schema).toBe('kmc-list/1');
    expect(doc.models.map((m: { name: string }) => m.name)).toEqual(models.map((m) => m.name));
    expect(doc.models[0]).toMatchObject({
      name: 'fixture/lost-update',
      variants: [{ name: 'racy', expected: ['violates: no-lost-update'] }],
    });
  });
});

describe('colour', () => {
  it('on a TTY only, FORCE_COLOR forces it, NO_COLOR turns it off', () => {
    expect(colourOn({ isTTY: true }, true, {})).toBe(true);
    expect(colourOn({ isTTY: false }, true, {})).toBe(false);
    expect(colourOn({ isTTY: true }, false, {})).toBe(false);
    expect(colourOn({ isTTY: true }, true, { NO_COLOR: '1' })).toBe(false);
    expect(colourOn({ isTTY: false }, false, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourOn({ isTTY: true }, true, { FORCE_COLOR: '0' })).toBe(false);
  });

  it('check marks ok green and FAIL red when colour is on; never in --json or --junit', async () => {
    const dir = tmp();
    process.env.FORCE_COLOR = '1';
    try {
      const r = await kmc(
        'check',
        'fixture/lost-update',
        'fixture/wrong',
        '--seed',
        '1',
        '--out',
        join(dir, 'out'),
        '--junit',
        join(dir, 'j.xml'),
      );
      expect(r.out).toMatch(/^\x1b\[32mok\x1b\[39m {4}fixture\/lost-update/m);
      expect(r.out).toMatch(/^\x1b\[31mFAIL\x1b\[39m {2}fixture\/wrong/m);
      expect(readFileSync(join(dir, 'j.xml'), 'utf8')).not.toContain('\x1b');
      expect(
        (await kmc('check', 'fixture/wrong', '--seed', '1', '--out', join(dir, 'out'), '--json')).out,
      ).not.toContain('\x1b');
    } finally {
      delete process.env.FORCE_COLOR;
    }
    expect((await kmc('check', 'fixture/wrong', '--seed', '1', '--out', join(dir, 'out'))).out).not.toContain('\x1b');
  });
});

describe('progress', () => {
  const at = (ms: number) => ({
    steps: ms * 3,
    states: ms * 2,
    queue: 10,
    depth: Math.floor(ms / 1000),
    transitionsPerSecond: 0,
    ms,
  });
  it('not on a terminal: one line per interval of the check clock (elapsed, distinct states, queue, depth, states/s)', () => {
    const lines: string[] = [];
    const r = progressReporter({ tty: false, intervalMs: 5000, label: 'm v', write: (s) => void lines.push(s) });
    for (let ms = 250; ms <= 12_000; ms += 250) r.onProgress!(at(ms));
    r.done();
    expect(lines).toEqual([
      'kmc: 5.0 s  m v: 10,000 distinct states, queue 10, depth 5, 2,000 states/s\n',
      'kmc: 10.0 s  m v: 20,000 distinct states, queue 10, depth 10, 2,000 states/s\n',
    ]);
    expect(
      progressReporter({ tty: false, intervalMs: 0, label: 'm v', write: () => undefined }).onProgress,
    ).toBeUndefined();
  });

  it('on a terminal: the live line at every call, cleared at the end', () => {
    const out: string[] = [];
    const r = progressReporter({ tty: true, intervalMs: 5000, label: 'm v', write: (s) => void out.push(s) });
    r.onProgress!(at(250));
    r.onProgress!(at(500));
    r.done();
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^\r\x1b\[Km v: 750 transitions, 500 distinct, queue 10, depth 0/);
    expect(out[2]).toBe('\r\x1b[K');
  });

  it('--progress takes seconds', async () => {
    expect(await kmc('check', 'fixture/lost-update', '--progress', 'often')).toMatchObject({
      code: 2,
      err: "kmc: --progress must be seconds, got 'often'\n",
    });
  });
});

describe('where traces went', () => {
  it('two runs of bin/kmc.mjs check (different seeds) leave the same files; the second says none are new', () => {
    const out = join(tmp(), 'kmc-out');
    const cwd = new URL('../..', import.meta.url).pathname;
    const run = (seed: string) =>
      spawnSync(process.execPath, ['bin/kmc.mjs', 'check', 'dma-heap/alloc-and-read', '--seed', seed, '--out', out], {
        cwd,
        encoding: 'utf8',
      });
    const first = run('1');
    expect(first.status, first.stderr).toBe(0);
    const files = readdirSync(out).sort();
    expect(files.length).toBeGreaterThan(1);
    expect(first.stdout).toMatch(new RegExp(`\\ntraces in ${out}/ \\(${files.length} new, 0 unchanged\\)\\n$`));
    const second = run('2');
    expect(second.status, second.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(files);
    expect(second.stdout).toMatch(new RegExp(`\\ntraces in ${out}/ \\(0 new, ${files.length} unchanged\\)\\n$`));
  });
});
