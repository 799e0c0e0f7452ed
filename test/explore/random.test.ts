import { describe, expect, it } from 'vitest';
import { checkVariant, compile, exploreRandom, explorePct, execute } from '../../src/index.ts';
import { faulty, lostUpdate, twoByTwo } from '../fixtures/counter.ts';

const SEED = 42;

describe(`random explorer (seed ${SEED})`, () => {
  it('finds the planted lost update and shrinks it to the shortest trace: both loads, then both stores', () => {
    const sys = compile(lostUpdate, 'racy');
    const r = exploreRandom(sys, { runs: 200, seed: SEED, maxSteps: 50 });
    expect(r.kind).toBe('violation');
    if (r.kind !== 'violation') return;
    expect(r.violation.property).toBe('no-lost-update');
    expect(r.path).toHaveLength(4);
    let s = sys.initial();
    const labels = r.path.map((d) => {
      const t = sys.enabled(s)[d]!;
      const l = sys.label(s, t);
      s = sys.apply(s, t).state;
      return `${l.thread}.${l.step}`;
    });
    expect(labels.slice(0, 2).sort()).toEqual(['t0.load', 't1.load']);
    expect(labels.slice(2).every((l) => l.endsWith('.store'))).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const sys = compile(lostUpdate, 'racy');
    const a = exploreRandom(sys, { runs: 100, seed: 7, maxSteps: 50 });
    const b = exploreRandom(sys, { runs: 100, seed: 7, maxSteps: 50 });
    expect(a.kind === 'violation' && b.kind === 'violation' && a.path).toEqual(b.kind === 'violation' && b.path);
  });

  it('holds when there is nothing to find, and counts its runs', () => {
    const r = exploreRandom(compile(twoByTwo, 'default'), { runs: 50, seed: SEED, maxSteps: 50 });
    expect(r.kind).toBe('ok');
    expect(r.coverage.runs).toBe(50);
    expect(r.coverage.depth).toBe(4);
  });

  it('finds an in-step violation behind an injected fault, and a deadlock', () => {
    const random = { strategy: 'random', seed: SEED, runs: 200 } as const;
    const bad = checkVariant(faulty, 'double-free', random);
    expect(bad.map((c) => [c.verdict, c.asExpected])).toEqual([['violates', true]]);
    const dead = checkVariant(faulty, 'deadlock', random);
    expect(dead[0]!.result.kind === 'violation' && dead[0]!.result.violation.property).toBe('deadlock');
    // sampling never says "holds": that is said of exhaustive checks only
    const fixed = checkVariant(faulty, 'fixed', random)[0]!;
    expect([fixed.verdict, fixed.asExpected, fixed.note]).toEqual([
      'sampled',
      true,
      'random: no violation in 200 runs, not exhaustive',
    ]);
    expect(checkVariant(faulty, 'fixed', { ...random, requireExhaustive: true })[0]!.verdict).toBe('incomplete');
    // checkVariant's defaults are the CLI's: auto, so an exhaustive bfs on a model this small
    expect(checkVariant(faulty, 'fixed')[0]!.verdict).toBe('holds');
  });

  it('with a target, ignores other state properties and reports only that one', () => {
    const sys = compile(lostUpdate, 'racy');
    const r = exploreRandom(sys, { runs: 100, seed: SEED, maxSteps: 50, target: 'no-such-property' });
    expect(r.kind).toBe('ok');
  });

  it('cuts off runs at maxSteps and says so (incomplete)', () => {
    const r = exploreRandom(compile(twoByTwo, 'default'), { runs: 10, seed: SEED, maxSteps: 2 });
    expect(r.kind).toBe('incomplete');
  });

  it('pct finds the lost update too', () => {
    const r = explorePct(compile(lostUpdate, 'racy'), { runs: 200, seed: SEED, maxSteps: 50 });
    expect(r.kind === 'violation' && r.path.length).toBe(4);
  });

  it('execute: decisions pick among enabled transitions modulo their number, then the first', () => {
    const sys = compile(twoByTwo, 'default');
    expect(execute(sys, [1, 3], 10).path).toEqual([1, 1, 0, 0]);
  });
});
