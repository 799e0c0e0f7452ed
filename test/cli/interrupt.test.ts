// Ctrl-C during `kmc check` (README, "Exit codes"): the search gives way to the event loop
// about every 50 ms (src/explore/drive.ts), so SIGINT or SIGTERM stops it with what it
// covered: a line saying it was interrupted with the states, transitions, depth and time,
// exit 130, no stack trace, and no file in --out (no partial trace, no temp file). Real
// child processes, signalled 1.5 s into their search.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPRODUCER, ROOT } from './reproducer.ts';

/** a long bfs: issue 19's reproducer, more than 2.7 million states */
const LONG = [...REPRODUCER, '--seed', '1'];

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  out: string;
  /** ms from the signal to the exit */
  ms: number;
}

/**
 * Run kmc, send `signal` 1.5 s into its search (or `atMs` after the start, for a command that
 * prints nothing before it ends), and wait for the end.
 */
function interrupt(argv: string[], signal: NodeJS.Signals = 'SIGINT', atMs?: number): Promise<Ended> {
  const out = mkdtempSync(join(tmpdir(), 'kmc-interrupt-'));
  const child = spawn(
    process.execPath,
    [BIN, ...argv, ...(argv[0] === 'check' ? ['--progress', '1'] : []), '--out', out],
    { cwd: ROOT },
  );
  let stdout = '';
  let stderr = '';
  let sent = 0;
  let armed = false;
  const send = () => {
    sent = performance.now();
    child.kill(signal);
  };
  if (atMs !== undefined) setTimeout(send, atMs);
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    // the header (before the search) or a progress line (--json has no header): the search runs
    if (atMs === undefined && !armed && /^kmc check: seed|^kmc: [\d.]+ s /m.test(stderr)) {
      armed = true;
      setTimeout(send, 1500);
    }
  });
  return new Promise((resolve) =>
    child.on('exit', (code, sig) => resolve({ code, signal: sig, stdout, stderr, out, ms: performance.now() - sent })),
  );
}

function expectInterrupted(r: Ended, signal = 'SIGINT') {
  expect(r.signal).toBeNull();
  expect(r.code, r.stderr).toBe(130);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
  const line = r.stderr.split('\n').find((l) => l.startsWith('kmc: interrupted'));
  expect(line, r.stderr).toMatch(
    new RegExp(
      `^kmc: interrupted \\(${signal}\\): udmabuf/create pinned-folios stopped after [\\d.]+ s \\(\\w+: [\\d,]+ (distinct states|runs), [\\d,]+ transitions, depth \\d+, not exhaustive\\); 0 of 1 checks finished$`,
    ),
  );
  expect(readdirSync(r.out)).toEqual([]);
  // it stops at its next pause, not at the end of a search of minutes
  expect(r.ms).toBeLessThan(10_000);
}

describe('Ctrl-C during kmc check', () => {
  it('SIGINT during a long bfs: exit 130, a line saying interrupted with the states covered, no stack trace, no file in --out', async () => {
    const r = await interrupt([...LONG, '--strategy', 'bfs']);
    expectInterrupted(r);
    expect(r.stdout).toMatch(/incomplete/);
    expect(r.stdout).toMatch(/stopped by interrupted \(SIGINT\)/);
    const states = Number(/bfs: ([\d,]+) distinct states/.exec(r.stderr)![1]!.replace(/,/g, ''));
    expect(states).toBeGreaterThan(0);
  }, 120_000);

  it('SIGTERM alike, on 2 workers, and --json still prints a whole document', async () => {
    const r = await interrupt([...LONG, '--strategy', 'bfs', '--workers', '2', '--json'], 'SIGTERM');
    expectInterrupted(r, 'SIGTERM');
    const doc = JSON.parse(r.stdout);
    expect(doc.interrupted).toBe(true);
    expect(doc.results[0].note).toBe('stopped by interrupted (SIGTERM)');
    expect(doc.results[0].stats.states).toBeGreaterThan(0);
  }, 120_000);

  it('dfs and random stop alike', async () => {
    const [dfs, random] = await Promise.all([
      interrupt([...LONG, '--strategy', 'dfs']),
      interrupt([...LONG, '--strategy', 'random', '--runs', '100000000']),
    ]);
    expectInterrupted(dfs);
    expectInterrupted(random);
    expect(random.stderr).toMatch(/random: [\d,]+ runs/);
  }, 120_000);

  it('kmc orderings: the order being checked stops with what it covered, no table, no file in --out', async () => {
    const [, , ...params] = LONG;
    const r = await interrupt(['orderings', 'udmabuf/create', ...params, '--strategy', 'bfs'], 'SIGINT', 15_000);
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(
      /^kmc: interrupted \(SIGINT\): order \d+ \([\w,]+\) stopped after [\d.]+ s \(bfs: [\d,]+ distinct states, [\d,]+ transitions, depth \d+, not exhaustive\); \d+ of \d+ orders checked$/,
    );
    expect(readdirSync(r.out)).toEqual([]);
  }, 120_000);
});
