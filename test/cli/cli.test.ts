import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineModel, main, type Model } from '../../src/index.ts';
import { writeNumbered } from '../../src/cli/output.ts';
import { faulty, lostUpdate } from '../fixtures/counter.ts';

const wrongExpectation = defineModel({
  ...lostUpdate,
  name: 'fixture/wrong',
  variants: { racy: { description: 'claims to hold', expect: 'holds' } },
});
const models: Model[] = [lostUpdate, faulty, wrongExpectation];

async function kmc(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, { models: models });
  return { code, out, err };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'kmc-cli-'));
delete process.env.KMC_SEED; // the seed comes from --seed here

describe('kmc CLI', () => {
  it('bad input: one line on stderr, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /^kmc: unknown command 'frobnicate'/],
      [['check', 'no/such-model'], /^kmc: unknown model 'no\/such-model'/],
      [
        ['check', 'fixture/lost-update', '--variant', 'nope'],
        /^kmc: model fixture\/lost-update has no variant 'nope' \(it has: racy\)/,
      ],
      [['check', '--frobnicate'], /^kmc: check: unknown option '--frobnicate'/],
      [['check', '--seeed', '3'], /^kmc: check: unknown option '--seeed' \(did you mean '--seed'\?\)/],
      [['chekc'], /^kmc: unknown command 'chekc' \(did you mean 'check'\?\)/],
      [
        ['check', 'fixture/lost-updat'],
        /^kmc: unknown model 'fixture\/lost-updat' \(did you mean 'fixture\/lost-update'\?\)/,
      ],
      [
        ['check', 'fixture/lost-update', '--variant', 'rac'],
        /^kmc: model fixture\/lost-update has no variant 'rac' \(did you mean 'racy'\?\)/,
      ],
      [['check', './no-such-model.ts'], /^kmc: no such model file or folder: .\/no-such-model.ts/],
      [['check', 'fixture/lost-update', '--runs', 'many'], /^kmc: --runs must be an integer >= 1, got 'many'/],
      [
        ['check', 'fixture/lost-update', '--param', 'threads=two'],
        /^kmc: parameter threads of fixture\/lost-update is a number, got 'two'/,
      ],
      [
        ['check', 'fixture/lost-update', '--param', 'nosuch=1'],
        /^kmc: model fixture\/lost-update has no parameter 'nosuch'/,
      ],
      [['replay', '/nonexistent/trace.json'], /^kmc: cannot read trace \/nonexistent\/trace.json: ENOENT/],
      [['replay', 'a', 'b'], /^kmc: replay takes one trace file/],
    ];
    for (const [argv, message] of cases) {
      const r = await kmc(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });

  it('check --json: one document with the per-variant fields; known-bad caught, exit 0', async () => {
    const dir = tmp();
    const r = await kmc(
      'check',
      'fixture/lost-update',
      '--strategy',
      'random',
      '--seed',
      '3',
      '--runs',
      '200',
      '--out',
      dir,
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.seed).toBe(3);
    expect(doc.results).toHaveLength(1);
    const row = doc.results[0];
    expect(row).toMatchObject({
      model: 'fixture/lost-update',
      variant: 'racy',
      strategy: 'random',
      verdict: 'violates',
      property: 'no-lost-update',
      expected: 'violates: no-lost-update',
      asExpected: true,
    });
    expect(row.trace).toBe(join(dir, 'fixture.lost-update.racy.no-lost-update.seed3.json'));
    expect(Object.keys(row.stats)).toEqual(expect.arrayContaining(['runs', 'steps', 'milliseconds']));
  });

  it('a verdict that differs from its expectation exits 1, and the text output prints the replay command', async () => {
    const r = await kmc('check', 'fixture/wrong', '--seed', '1', '--runs', '200', '--out', tmp());
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL {2}fixture\/wrong/m);
    expect(r.out).toMatch(/replay: npx kmc replay .*fixture\.wrong\.racy\.no-lost-update\.json/);
    expect(r.err).toMatch(/seed 1/);
  });

  it('the same command gives byte-identical traces; a different file is never overwritten', async () => {
    const [a, b] = [tmp(), tmp()];
    await kmc('check', 'fixture/faulty', '--seed', '5', '--runs', '300', '--out', a);
    await kmc('check', 'fixture/faulty', '--seed', '5', '--runs', '300', '--out', b);
    const files = readdirSync(a).sort();
    expect(files.length).toBeGreaterThan(0);
    expect(readdirSync(b).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
    // again into the same directory: nothing new, nothing changed
    await kmc('check', 'fixture/faulty', '--seed', '5', '--runs', '300', '--out', a);
    expect(readdirSync(a).sort()).toEqual(files);
    // a user's different file under that name is kept; the new trace gets the next name
    const path = join(a, files[0]!);
    writeFileSync(path, 'my notes\n');
    const w = writeNumbered(a, files[0]!.replace(/\.json$/, ''), '.json', readFileSync(join(b, files[0]!), 'utf8'));
    expect(w).toEqual({ path: path.replace(/\.json$/, '.2.json'), created: true });
    expect(readFileSync(path, 'utf8')).toBe('my notes\n');
  });

  it('replay: prints the trace and exits 0; refuses corrupt traces and traces of unknown models with exit 2', async () => {
    const dir = tmp();
    const c = await kmc('check', 'fixture/lost-update', '--seed', '3', '--runs', '200', '--out', dir, '--json');
    const trace = JSON.parse(c.out).results[0].trace as string;
    const ok = await kmc('replay', trace);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^fixture\/lost-update \(variant racy\): no-lost-update, 4 steps/);
    expect((await kmc('replay', trace, '--format', 'json')).out).toBe(readFileSync(trace, 'utf8'));

    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, readFileSync(trace, 'utf8').slice(0, 50));
    expect(await kmc('replay', corrupt)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/is not a kmc trace: not JSON/),
    });

    const other = join(dir, 'other.json');
    writeFileSync(other, readFileSync(trace, 'utf8').replace('"fixture/lost-update"', '"udmabuf/nonexistent"'));
    expect(await kmc('replay', other)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^kmc: unknown model 'udmabuf\/nonexistent' \(kmc list shows the models/),
    });

    // overrides that do not give the params the trace records: refused before replaying, naming the parameter
    const claims = join(dir, 'claims.json');
    writeFileSync(claims, readFileSync(trace, 'utf8').replace('"overrides": {}', '"overrides": {"threads":3}'));
    const relabelled = await kmc('replay', claims);
    expect(relabelled.code).toBe(2);
    expect(relabelled.err).toMatch(
      /claims.json claims variant racy, but records threads = 2 where racy with the trace's overrides has 3 \(relabelled from another variant, or the variant changed since\)\n$/,
    );

    const diverged = join(dir, 'diverged.json');
    writeFileSync(
      diverged,
      readFileSync(trace, 'utf8')
        .replace('"overrides": {}', '"overrides": {"threads":3}')
        .replace('"threads":2', '"threads":3'),
    );
    const d = await kmc('replay', diverged);
    expect(d.code).toBe(2);
    // with a third incrementer the run is not over after the four recorded steps; what changed is named
    expect(d.err).toMatch(
      /diverged.json no longer replays: step 4: the recorded violation of no-lost-update no longer happens; changed since it was recorded: thread t2 \(new\)/,
    );
  });
});
