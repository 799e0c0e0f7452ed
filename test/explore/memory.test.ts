// The process's memory as the bounds measure it (src/explore/memory.ts): --max-memory
// against the RSS, V8's heap limit always, typed-array growths refused when they would not
// fit. Both directions: a bound below what the process uses is reached, one far above it
// is not.

import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HEAP_MARGIN, Memory } from '../../src/explore/memory.ts';
import { Bound, Bounds } from '../../src/explore/bounds.ts';
import { FingerprintSet, GROWTH, MIN_GROWTH } from '../../src/explore/fingerprint-set.ts';
import { exploreBfs } from '../../src/explore/bfs.ts';
import { compile } from '../../src/index.ts';
import { privateSteps } from '../fixtures/exhaustive.ts';

describe('Memory', () => {
  it('--max-memory is the resident set: 1 MB is passed (the process holds far more), 1 TB is not', () => {
    const rss = process.memoryUsage.rss();
    expect(new Memory(2 ** 20).reached()).toMatch(/^max-memory \(1 MB: the process uses \d+ MB\)$/);
    expect(new Memory(2 ** 40).reached()).toBeUndefined();
    expect(rss).toBeGreaterThan(2 ** 20);
  });

  it('stops at 85% of the old generation V8 allows: a limit above the heap in use, below V8 heap_size_limit', () => {
    const m = new Memory();
    const h = v8.getHeapStatistics();
    expect(HEAP_MARGIN).toBe(0.85);
    expect(m.heapStop).toBeLessThan(h.heap_size_limit * HEAP_MARGIN);
    expect(m.heapStop).toBeGreaterThan(h.used_heap_size);
    expect(m.reached()).toBeUndefined();
  });

  it('a growth fits when it is small, not when it passes --max-memory or the free memory', () => {
    expect(new Memory().fits(2 ** 20)).toBe(true);
    expect(new Memory().fits(2 ** 60)).toBe(false);
    const m = new Memory(process.memoryUsage.rss() + 2 ** 30);
    expect(m.fits(2 ** 20)).toBe(true);
    expect(m.fits(2 ** 31)).toBe(false);
    expect(m.refused('the fingerprint set', 2 ** 31)).toMatch(
      /^max-memory \(\d+ MB: the fingerprint set cannot grow by 2048 MB\)$/,
    );
  });

  it('a full visited set doubles; under a --max-memory with no room for that it grows by 1.4x; with none for that it stops', () => {
    // a table of 4M slots (32 MB): doubling allocates 64 MB, 1.4x 45 MB
    const full = () => {
      const set = new FingerprintSet(Math.floor((1 << 22) * 0.85));
      for (let i = 1; set.size < set.limit; i++) set.insert(i, Math.imul(i, 0x85ebca6b) >>> 0);
      return set;
    };
    const MB = 2 ** 20;
    const admitted = (set: FingerprintSet, room: number) => {
      new Bounds({ maxMemoryBytes: process.memoryUsage.rss() + room }).admit(set, 7, 7);
      return set.insert(7, 7);
    };
    const free = full();
    expect(free.growth).toBe(GROWTH);
    const slots = free.slots;
    expect(admitted(free, 1024 * MB)).toBeGreaterThanOrEqual(0);
    expect(free.slots).toBe(Math.ceil(slots * GROWTH));
    const tight = full();
    expect(admitted(tight, 55 * MB)).toBeGreaterThanOrEqual(0);
    expect(tight.growth).toBe(MIN_GROWTH);
    expect(tight.slots).toBe(Math.ceil(slots * MIN_GROWTH));
    const none = full();
    expect(() => admitted(none, 30 * MB)).toThrow(Bound);
    expect(() => admitted(none, 30 * MB)).toThrow(/the fingerprint set cannot grow by 45 MB/);
    expect(none.slots).toBe(slots);
  });

  it('a bfs under a --max-memory the process already passes stops as incomplete, naming it; without one it holds', () => {
    const system = compile(privateSteps, 'default', { threads: 6 });
    const stopped = exploreBfs(system, { por: false, symmetry: false, maxMemoryBytes: 2 ** 20 });
    expect(stopped.kind).toBe('incomplete');
    expect(stopped.kind === 'incomplete' && stopped.bound).toMatch(/^max-memory \(1 MB: /);
    const free = exploreBfs(system, { por: false, symmetry: false });
    expect(free.kind).toBe('ok');
    expect(free.coverage.visitedBytesPerState).toBeGreaterThan(8);
    expect(free.coverage.bytesPerState).toBeGreaterThanOrEqual(0);
  });
});
