// The bench's memory figures: kmc's from a fresh `kmc check` (process-memory.ts), pan's from
// its RSS under GNU time (peers/spin/run.ts). Both count the resident memory the process grew
// by during its search, over its states; the SPIN check is skipped, saying why, without spin,
// gcc or GNU time.

import { describe, expect, it } from 'vitest';
import { PORTS, panOptions, portParams } from './beem/ports.ts';
import { hasGnuTime, runSpin, spinMissing } from './peers/spin/run.ts';
import { freshCheck, medianMemory, type ProcessMemory } from './process-memory.ts';

const szymanski = PORTS.find((p) => p.name === 'szymanski')!;
const small = szymanski.sizes[0]!;

describe('kmc memory per state from a fresh process', () => {
  it('of several runs, the one with the median bytes/state (the lower of an even count), whole', () => {
    const run = (bytesPerState: number): ProcessMemory => ({
      bytesPerState,
      visitedBytesPerState: 1,
      states: 9,
      complete: true,
    });
    const [a, b, c, d] = [run(40), run(10), run(30), run(20)];
    expect(medianMemory([a, b, c])).toBe(c);
    expect(medianMemory([a, b, c, d])).toBe(d);
    expect(medianMemory([a])).toBe(a);
  });

  it('a fresh kmc check of szymanski n=3 stores its 20,264 states and reports the RSS it grew by, the visited set a part of it', () => {
    const { memory: m } = freshCheck({
      file: szymanski.file,
      variant: szymanski.variant,
      params: small.params,
      reductions: 'none',
      timeoutMs: 60_000,
    });
    expect(m.complete).toBe(true);
    expect(m.states).toBe(small.states);
    expect(m.visitedBytesPerState).toBeGreaterThan(0);
    // the process holds more than its visited set: the heap (queue, parts, caches), code
    expect(m.bytesPerState).toBeGreaterThan(m.visitedBytesPerState);
  });

  it('a check kmc refuses (an unknown variant) is an error naming the check, not a figure', () => {
    expect(() =>
      freshCheck({
        file: szymanski.file,
        variant: 'no-such-variant',
        params: small.params,
        reductions: 'none',
        timeoutMs: 60_000,
      }),
    ).toThrow(/kmc check .*szymanski\.ts --variant no-such-variant in a fresh process: exit 2/);
  });
});

const why = spinMissing() ?? (hasGnuTime() ? undefined : 'GNU time is not installed: apt-get install time');
it.skipIf(why !== undefined)(
  `pan's RSS grown over its search, per state, agrees with its own count of the memory it allocated${why ? ` (skipped: ${why})` : ''}`,
  () => {
    const spin = runSpin(szymanski.promela, {
      ...panOptions(szymanski, small, portParams(szymanski, szymanski.variant, small), true),
      optimize: '-O0',
    });
    expect(spin.states).toBe(small.states);
    expect(spin.rssBytesPerState).toBeDefined();
    // pan's "total actual memory usage" counts what it allocated (states, hash table, DFS
    // stack); the pages it touched of that are its RSS growth
    expect(spin.rssBytesPerState!).toBeGreaterThan(0.5 * spin.totalBytesPerState);
    expect(spin.rssBytesPerState!).toBeLessThan(2 * spin.totalBytesPerState);
  },
);
