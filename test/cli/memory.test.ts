// Memory that the bounds bound (README, "Bounds"): a check run as the real binary under a
// small V8 heap stops as incomplete (exit 3) naming the heap limit instead of V8's
// out-of-memory abort (exit 134); --max-memory is the process's resident memory; the
// bytes/state printed is the process's, the visited set shown apart. Child processes: the
// figures are the child's own, not the test runner's.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPRODUCER, ROOT } from './reproducer.ts';

/** issue 19's reproducer: more than 2.7 million states, far more heap than 48 MB */
const BIG = [...REPRODUCER, '--strategy', 'bfs', '--seed', '1'];

function kmc(argv: string[], nodeOptions = '') {
  const out = mkdtempSync(join(tmpdir(), 'kmc-memory-'));
  const r = spawnSync(process.execPath, [BIN, ...argv, '--json', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
    timeout: 170_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, out };
}

const noStack = (stderr: string) => expect(stderr).not.toMatch(/FATAL ERROR|heap out of memory|\n\s+at /);

describe('memory bounds, as the process measures them', () => {
  it('under --max-old-space-size=48 the reproducer stops as incomplete (exit 3) naming heap-limit, not a heap OOM (exit 134)', () => {
    const r = kmc(BIG, '--max-old-space-size=48');
    noStack(r.stderr);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(3);
    const row = JSON.parse(r.stdout).results[0];
    expect(row.verdict).toBe('incomplete');
    expect(row.note).toMatch(/^stopped by heap-limit \(\d+ MB of JavaScript heap in use, 85% of V8's limit/);
    expect(row.stats.states).toBeGreaterThan(1000);
    expect(readdirSync(r.out)).toEqual([]);
  }, 180_000);

  it('--max-memory 180M is the resident set: the check stops within a few MB of it (it needs far more), exit 3', () => {
    const r = kmc([...BIG, '--max-memory', '180M']);
    noStack(r.stderr);
    expect(r.code).toBe(3);
    const row = JSON.parse(r.stdout).results[0];
    // either the RSS sample passed the bound, or a fingerprint-set growth would have passed it (refused first)
    const m =
      /^stopped by max-memory \(180 MB: (?:the process uses (\d+) MB|the fingerprint set cannot grow by \d+ MB)\)$/.exec(
        row.note,
      );
    expect(m, row.note).not.toBeNull();
    // sampled every 10 ms: it stops just past the bound, not at a multiple of it
    if (m![1] !== undefined) {
      expect(Number(m![1])).toBeGreaterThanOrEqual(180);
      expect(Number(m![1])).toBeLessThan(230);
    }
    expect(row.stats.states).toBeGreaterThan(1000);
  }, 180_000);

  it('bytes/state is what the process grew by per state, the visited set shown apart and smaller', () => {
    const r = kmc([...BIG, '--max-states', '60000']);
    expect(r.code).toBe(3);
    const { stats } = JSON.parse(r.stdout).results[0];
    expect(stats.states).toBe(60000);
    // the visited set: 8-byte slots at load 0.6-0.85, sleep-set values, the 2-byte parent log
    expect(stats.visitedBytesPerState).toBeGreaterThan(9);
    expect(stats.visitedBytesPerState).toBeLessThan(40);
    // the process holds the set and more (the frontier's nodes, the part table, the heap around them)
    expect(stats.bytesPerState).toBeGreaterThan(stats.visitedBytesPerState);
    expect(stats.bytesPerState).toBeLessThan(20_000);
  }, 180_000);
});
