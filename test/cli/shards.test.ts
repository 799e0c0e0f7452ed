// kmc check --shard i/n and kmc merge: n shards merged are the one run (same rows apart from
// timings), a missing shard is refused; the GitHub workflow's commands, run here.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Model } from '../../src/index.ts';
import { faulty, lostUpdate, twoByTwo } from '../fixtures/counter.ts';

const models: Model[] = [lostUpdate, faulty, twoByTwo];
const REPO = new URL('../..', import.meta.url).pathname;

async function kmc(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, { models });
  return { code, out, err };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'kmc-shards-'));
/** A row without what depends on the clock. */
const untimed = (r: { stats: Record<string, unknown> }) => ({
  ...r,
  // measured, like time: the process's memory per state
  stats: { ...r.stats, milliseconds: 0, statesPerSecond: 0, bytesPerState: 0 },
});

describe('kmc check --shard i/n, kmc merge', () => {
  it('three shards merged equal one run: the same rows, the same table and exit code', async () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const one = await kmc('check', '--seed', '7', '--runs', '200', '--out', out, '--json');
    const whole = JSON.parse(one.out);
    expect(whole.results.length).toBeGreaterThan(3);
    const files: string[] = [];
    const seen: number[][] = [];
    for (const i of [1, 2, 3]) {
      const r = await kmc('check', '--shard', `${i}/3`, '--seed', '7', '--runs', '200', '--out', out, '--json');
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.out);
      expect(doc.shard).toEqual({ index: i, count: 3 });
      seen.push(doc.results.map((x: { index: number }) => x.index));
      files.push(join(dir, `shard-${i}.json`));
      writeFileSync(files.at(-1)!, r.out);
    }
    expect(seen[0]).toEqual(whole.results.map((x: { index: number }) => x.index).filter((k: number) => k % 3 === 0));
    const merged = await kmc('merge', ...files, '--json');
    expect(merged.code).toBe(one.code);
    expect(JSON.parse(merged.out).results.map(untimed)).toEqual(whole.results.map(untimed));
    const table = await kmc('merge', ...files);
    const text = await kmc('check', '--seed', '7', '--runs', '200', '--out', out);
    const shown = (s: string) =>
      s
        .replace(/\d+ ms \(\d+ states\/s\), [\d.]+ bytes\/state in the process/g, 'T')
        .replace(/\ntraces in .*\n$/, '\n');
    expect(shown(table.out)).toBe(shown(text.out));
  });

  it('a missing shard, a document that is not kmc-check/2, a bad --shard: one line, exit 2', async () => {
    const dir = tmp();
    const r = await kmc('check', '--shard', '2/3', '--seed', '1', '--runs', '50', '--out', join(dir, 'out'), '--json');
    writeFileSync(join(dir, 's2.json'), r.out);
    writeFileSync(join(dir, 'junk.json'), '{"results": []}');
    const cases: [string[], RegExp][] = [
      [['merge', join(dir, 's2.json')], /^kmc: \d+ of \d+ checks missing \(no shard 1\/3, 3\/3\)$/],
      [['merge', join(dir, 'junk.json')], /junk.json: not a kmc-check\/2 document/],
      [['merge', join(dir, 'none.json')], /cannot read .*none.json: ENOENT/],
      [['merge'], /^kmc: merge takes the --json documents/],
      [['check', '--shard', '4/3'], /^kmc: --shard must be i\/n with 1 <= i <= n, got '4\/3'$/],
    ];
    for (const [argv, message] of cases) {
      const x = await kmc(...argv);
      expect(x.code, argv.join(' ')).toBe(2);
      expect(x.err.trim(), argv.join(' ')).toMatch(message);
      expect(x.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });

  it("the workflow's commands, run here: three shard jobs and the merge job", () => {
    const yml = readFileSync(join(REPO, '.github/workflows/kmc.yml'), 'utf8');
    const runs = [...yml.matchAll(/^\s*- run: (.*)$/gm)].map((m) => m[1]!);
    expect(runs).toEqual([
      'npm ci',
      'sh .github/kmc-ci.sh shard ${{ matrix.shard }} 3',
      'npm ci',
      'sh .github/kmc-ci.sh merge',
    ]);
    expect(yml).toMatch(/shard: \[1, 2, 3\]/);
    const dir = tmp();
    const env = { ...process.env, KMC: `${process.execPath} ${join(REPO, 'bin/kmc.mjs')}`, GITHUB_ACTIONS: 'true' };
    const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { cwd: dir, env, encoding: 'utf8' });
    const model = join(REPO, 'model/dma-heap/alloc-and-read.ts');
    for (const shard of [1, 2, 3]) {
      // the check job's command for this matrix entry, on one model to keep the test short
      const r = sh(
        `${runs[1]!.replace('${{ matrix.shard }}', String(shard)).replace('sh .github', `sh ${REPO}.github`)} ${model} --out kmc-out`,
      );
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, `shard-${shard}.json`), 'utf8')).shard).toEqual({
        index: shard,
        count: 3,
      });
    }
    const m = sh(runs[3]!.replace('sh .github', `sh ${REPO}.github`));
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/^ok {4}dma-heap\/alloc-and-read/m);
    expect(m.stdout).toMatch(/\n\d+ checks of \d+ variants: (\d+) as expected, 0 not\n$/);
    expect(readFileSync(join(dir, 'kmc.xml'), 'utf8')).toMatch(
      /<testsuite name="dma-heap\/alloc-and-read" tests="\d+" failures="0"/,
    );
  });
});
