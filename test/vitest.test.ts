// kmcheck/vitest: checkModel makes a test per expected verdict, and a failing one says what
// was found, shows the counterexample as columns, and names the trace, the replay command
// and the seed.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, defineModel, checkExpectation, decodeTrace } from '../src/index.ts';
import { checkModel, failure } from '../src/vitest.ts';
import { faulty, lostUpdate } from './fixtures/counter.ts';

// the fixtures' own verdicts, as a user's suite would check them (these tests must pass)
checkModel(lostUpdate);
checkModel(faulty, { variants: ['fixed', 'double-free'] });
// sampling passes, annotated as no proof
checkModel(faulty, { variants: ['fixed'], strategy: 'random', runs: 50 });

describe('a failing check says what it found', () => {
  const out = mkdtempSync(join(tmpdir(), 'kmc-vitest-'));
  it('an unexpected violation: the columns, the trace file, the replay command, the seed', () => {
    const broken = defineModel({
      ...lostUpdate,
      variants: { racy: { description: 'claims to hold', expect: 'holds' } },
    });
    const c = checkExpectation(compile(broken, 'racy'), 'holds');
    const message = failure(c, 7, {}, out);
    const lines = message.split('\n');
    expect(lines[0]).toBe(
      'fixture/lost-update racy: expected holds, found violates no-lost-update (4 steps): x = 1, expected 2',
    );
    expect(message).toContain('Possible unsafe scenario');
    expect(message).toMatch(/ {6}t0 +t1\n/);
    const trace = join(out, 'fixture.lost-update.racy.no-lost-update.json');
    expect(lines).toContain(`trace: ${trace}`);
    expect(lines).toContain(`replay: npx kmc replay ${trace}`);
    expect(lines.at(-1)).toBe('seed: 7 (bfs; repeat with KMC_SEED=7)');
    expect(decodeTrace(readFileSync(trace, 'utf8')).decisions).toHaveLength(4);
  });
  it('a known-bad variant sampling misses, and a sampled check where a proof was required', () => {
    const missed = checkExpectation(
      compile(lostUpdate, 'racy', { threads: 1 }),
      { violates: 'no-lost-update' },
      { strategy: 'random', runs: 20, seed: 1 },
    );
    expect(failure(missed, 1, { threads: 1 }, out).split('\n')[0]).toBe(
      'fixture/lost-update racy: expected violates: no-lost-update, found no violation (random: no violation in 20 runs, not exhaustive)',
    );
    const unproved = checkExpectation(compile(faulty, 'fixed'), 'holds', {
      strategy: 'random',
      runs: 20,
      seed: 1,
      requireExhaustive: true,
    });
    expect(failure(unproved, 1, {}, out).split('\n')[0]).toBe(
      'fixture/faulty fixed: expected holds, found incomplete (random: no violation in 20 runs, not exhaustive (an exhaustive check was required))',
    );
  });
});
