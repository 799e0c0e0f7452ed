// kmc cost: a single run prints its table and writes a Gantt chart; a sweep prints the
// makespan per value and writes a line chart; bad input is one line and exit code 2.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseSweep } from '../../src/cost/sweep.ts';
import { models } from '../../model/index.ts';

function run(args: string[]) {
  let out = '';
  let err = '';
  return main(args, { out: (s) => void (out += s), err: (s) => void (err += s) }, { models: models }).then((code) => ({
    code,
    out,
    err,
  }));
}

describe('kmc cost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmc-cost-'));
  const small = ['--param', 'pages=24', '--param', 'pageMB=128'];

  it('one run: table and Gantt chart', async () => {
    const svg = join(dir, 'g.svg');
    const r = await run([
      'cost',
      'dma-heap/async-read',
      '--variant',
      'fixed',
      ...small,
      '--param',
      'gather=4',
      '--svg',
      svg,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/makespan \d+\.\d{3} s/);
    expect(r.out).toMatch(/heap_fwork_t\s+kernel_read/);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('alloc_largest_available');
  });

  it('a sweep: one column per variant, a line chart', async () => {
    const svg = join(dir, 's.svg');
    const r = await run([
      'cost',
      'dma-heap/async-read',
      '--variant',
      'fixed',
      '--variant',
      'sync',
      ...small,
      '--sweep',
      'gather=1..24',
      '--svg',
      svg,
    ]);
    expect(r.code).toBe(0);
    const rows = r.out
      .trim()
      .split('\n')
      .filter((l) => /^\s+\d+\s/.test(l));
    expect(rows.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    for (const l of rows) {
      const [, fixed, sync] = l.trim().split(/\s+/).map(Number);
      expect(fixed!).toBeLessThanOrEqual(sync! + 1e-9);
    }
    expect(readFileSync(svg, 'utf8')).toContain('<path');
  });

  it('bad input: exit 2 with one line', async () => {
    for (const args of [
      ['cost'],
      ['cost', 'nope/nope'],
      ['cost', 'dma-heap/async-read', '--sweep', 'nope=1..2'],
      ['cost', 'dma-heap/async-read', '--sweep', 'gather=x'],
      ['cost', 'dma-heap/async-read', '--variant', 'nope'],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('sweep specs: short ranges step by one, long ones double', () => {
    expect(parseSweep('gather=1..4')).toEqual({ key: 'gather', values: [1, 2, 3, 4] });
    expect(parseSweep('gather=1..256')).toEqual({ key: 'gather', values: [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    expect(parseSweep('gather=3,5')).toEqual({ key: 'gather', values: [3, 5] });
    expect(typeof parseSweep('gather')).toBe('string');
  });
});
