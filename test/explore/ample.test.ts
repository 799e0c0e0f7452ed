// Ample sets (src/explore/ample.ts): the hand-counted fixtures (test/fixtures/por.ts), the
// watch on what properties read of the threads, and the guarantee on counterexamples.
// The cross-check on every model and variant is in soundness.test.ts.

import { describe, expect, it } from 'vitest';
import { always, compile, defineModel, type Model, type State } from '../../src/index.ts';
import { exploreBfs } from '../../src/explore/bfs.ts';
import { exploreDfs } from '../../src/explore/dfs.ts';
import type { ExhaustiveOptions } from '../../src/explore/exhaustive.ts';
import type { ExploreResult } from '../../src/explore/result.ts';
import { slotChanges, Visibility } from '../../src/explore/ample.ts';
import { privateSteps } from '../fixtures/exhaustive.ts';
import { lockedWork, watchedLocal } from '../fixtures/por.ts';

const none: ExhaustiveOptions = { por: 'none', symmetry: false };
const ample: ExhaustiveOptions = { por: 'ample', symmetry: false };

function counts(r: ExploreResult) {
  return { kind: r.kind, states: r.coverage.states, steps: r.coverage.steps, depth: r.coverage.depth };
}

/** The result and the canonical text of each terminal state the search stored. */
function run(explore: typeof exploreBfs, model: Model, variant: string, o: ExhaustiveOptions) {
  const system = compile(model as never, variant);
  const terminals: string[] = [];
  const r = explore(system, { ...o, onState: (s: State, key) => void (system.terminal(s) && terminals.push(key)) });
  return { r, terminals: terminals.sort() };
}

describe('ample sets on hand-counted fixtures', () => {
  it('locked-work: 21 states without, 14 states and 14 transitions with (counted in fixtures/por.ts)', () => {
    const full = run(exploreBfs, lockedWork, 'fixed', none);
    const reduced = run(exploreBfs, lockedWork, 'fixed', ample);
    expect(full.r.coverage.states).toBe(21);
    expect(counts(reduced.r)).toEqual({ kind: 'ok', states: 14, steps: 14, depth: 8 });
    expect(reduced.r.coverage.reductions?.partialOrder).toBe('ample');
    expect(reduced.terminals).toHaveLength(1);
    expect(reduced.terminals).toEqual(full.terminals);
  });
  it('locked-work under DFS: fewer states, the same terminal state', () => {
    const full = run(exploreDfs, lockedWork, 'fixed', none);
    const reduced = run(exploreDfs, lockedWork, 'fixed', ample);
    expect(full.r.coverage.states).toBe(21);
    expect(reduced.r.kind).toBe('ok');
    expect(reduced.r.coverage.states).toBeLessThan(21);
    expect(reduced.terminals).toEqual(full.terminals);
  });
  it('private-steps (every step local): one path, 2n + 1 states instead of 3^n', () => {
    const system = compile(privateSteps, 'default', { threads: 3 });
    expect(counts(exploreBfs(system, ample))).toEqual({ kind: 'ok', states: 7, steps: 6, depth: 6 });
    expect(counts(exploreBfs(system, none))).toEqual({ kind: 'ok', states: 27, steps: 54, depth: 6 });
  });
  it.each([
    ['bfs', exploreBfs],
    ['dfs', exploreDfs],
  ] as const)(
    '%s: locked-work racy: the counterexample of the search without ample sets, searched again',
    (_, explore) => {
      const full = run(explore, lockedWork, 'racy', none).r;
      const reduced = run(explore, lockedWork, 'racy', ample).r;
      expect(reduced.kind).toBe('violation');
      if (reduced.kind !== 'violation' || full.kind !== 'violation') return;
      expect(reduced.violation.property).toBe('mutual-exclusion');
      expect(reduced.path).toEqual(full.path);
      expect(reduced.coverage.states).toBe(full.coverage.states);
      expect(reduced.coverage.reductions?.partialOrder).toMatch(
        /^ample found mutual-exclusion at depth \d+ .*searched again/,
      );
      if (explore === exploreBfs) expect(reduced.path).toHaveLength(4);
    },
  );
});

describe('what properties read of the threads', () => {
  it('a wrong reduction (blind to the read of a local) misses the violation', () => {
    const r = exploreBfs(compile(watchedLocal, 'default'), { ...ample, blindAmple: true });
    expect(counts(r)).toEqual({ kind: 'ok', states: 4, steps: 3, depth: 3 });
  });
  it.each([
    ['bfs', exploreBfs],
    ['dfs', exploreDfs],
  ] as const)('%s: the watch sees the read, the search runs again and finds it', (_, explore) => {
    const system = compile(watchedLocal, 'default');
    const full = explore(system, none);
    const r = explore(system, ample);
    expect(full.kind === 'violation' && full.violation.property).toBe('not-both');
    expect(r.kind === 'violation' && r.violation.property).toBe('not-both');
    if (r.kind === 'violation' && full.kind === 'violation') expect(r.path).toEqual(full.path);
    if (explore === exploreBfs) expect(r.kind === 'violation' && r.path.length).toBe(2);
  });
  it('a property that reads every local from the start leaves nothing to cut, and holds', () => {
    const readsLocals = defineModel({
      ...privateSteps,
      name: 'fixture/private-steps-watched',
      properties: () => [
        always('small', 'n stays below 3', (s) => (s.threads.some((t) => t.local.n > 2) ? 'n > 2' : undefined)),
      ],
    });
    const r = exploreBfs(compile(readsLocals, 'default', { threads: 3 }), ample);
    expect(counts(r)).toEqual({ kind: 'ok', states: 27, steps: 54, depth: 6 });
    expect(r.coverage.reductions?.partialOrder).toBe('ample');
  });
  it('records pc and top-level locals, for the whole symmetry group', () => {
    const system = compile(privateSteps, 'default', { threads: 2 });
    const v = new Visibility(system);
    const s = system.initial();
    const seen = v.watch(s);
    expect(seen.threads[0]!.local.n).toBe(0);
    expect([...v.read[0]!]).toEqual(['local/n']);
    expect([...v.read[1]!]).toEqual(['local/n']); // p0 and p1 are one symmetry group
    expect(v.invisible(0, ['pc'])).toBe(true);
    expect(v.invisible(1, ['local/n'])).toBe(false);
    expect(JSON.stringify(v.watch(s).threads[1])).toBe('{"pc":"one","local":{"n":0}}');
    // JSON.stringify asks each object for toJSON: a key the locals may gain, so it counts
    expect([...v.read[1]!].sort()).toEqual(['local/*', 'local/n', 'local/toJSON', 'pc']);
  });
  it('a read of what an ample step changed is a conflict', () => {
    const system = compile(watchedLocal, 'default');
    const v = new Visibility(system);
    v.take(0, ['local/x']);
    expect(v.conflict).toBeUndefined();
    void v.watch(system.initial()).threads[0]!.local.x;
    expect(v.conflict).toBe("flipper's local/x");
    v.rerun();
    expect(v.conflict).toBeUndefined();
    expect(v.invisible(0, ['local/x'])).toBe(false);
  });
  it('slotChanges names the parts of a slot that differ', () => {
    expect(slotChanges({ pc: 'a', local: { x: 1, y: [1] } }, { pc: 'b', local: { x: 1, y: [2] } })).toEqual([
      'pc',
      'local/y',
    ]);
    expect(slotChanges({ pc: 'a', local: { x: 1 } }, { pc: 'a', local: { x: 1 } })).toEqual([]);
  });
});

describe('when ample sets are off', () => {
  it('under --max-depth, and the coverage says so', () => {
    const r = exploreBfs(compile(lockedWork, 'fixed'), { ...ample, maxDepth: 3 });
    expect(r.coverage.states).toBe(exploreBfs(compile(lockedWork, 'fixed'), { ...none, maxDepth: 3 }).coverage.states);
    expect(r.coverage.reductions?.partialOrder).toMatch(/^ample off under --max-depth/);
  });
});
