// The exhaustive explorers on tiny fixture models: exact state and transition counts,
// visiting orders, shortest counterexamples, bounds. A change that alters any of these
// numbers changes what "exhaustive" means: look at it.

import { describe, expect, it } from 'vitest';
import { compile, type State } from '../../src/index.ts';
import { exploreBfs } from '../../src/explore/bfs.ts';
import { exploreDfs } from '../../src/explore/dfs.ts';
import type { ExhaustiveOptions } from '../../src/explore/exhaustive.ts';
import { collisionProbability, FingerprintSet } from '../../src/explore/fingerprint-set.ts';
import { fingerprint } from '../../bench/retired/text-fingerprint.ts';
import type { ExploreResult } from '../../src/explore/result.ts';
import { ParentLog } from '../../src/explore/parent-log.ts';
import { NodeFrontier, plainNode, VectorFrontier } from '../../src/explore/frontier.ts';
import { models } from '../../model/index.ts';
import { isProxy } from 'node:util/types';
import { SharedFingerprintSet, TableFull } from '../../src/explore/shared-fingerprint-set.ts';
import { stateFingerprint } from '../../bench/retired/state-fingerprint.ts';
import { faulty, lostUpdate, twoByTwo } from '../fixtures/counter.ts';
import { privateSteps, registry } from '../fixtures/exhaustive.ts';

const explorers = { bfs: exploreBfs, dfs: exploreDfs } as const;
const plain: ExhaustiveOptions = { por: false, symmetry: false };

function counts(r: ExploreResult) {
  return {
    kind: r.kind,
    states: r.coverage.states,
    steps: r.coverage.steps,
    depth: r.coverage.depth,
    exhaustive: r.coverage.exhaustive,
  };
}

describe('parent log', () => {
  it('rebuilds paths, with gaps and decisions past one byte', () => {
    const log = new ParentLog();
    const parents = [-1, 0, 0, 1, 1, 1];
    const decisions = [0, 3, 300, 1, 2, 254];
    for (let i = 0; i < parents.length; i++) expect(log.push(parents[i]!, decisions[i]!)).toBe(i);
    for (let i = 6; i < 1000; i++) log.push(5, i % 7); // children of state 5
    log.push(900, 255); // a gap of 895
    log.push(901, 1);
    expect(log.path(0)).toEqual([]);
    expect(log.path(2)).toEqual([300]);
    expect(log.path(5)).toEqual([3, 254]);
    expect(log.path(900)).toEqual([3, 254, 900 % 7]);
    expect(log.path(1000)).toEqual([3, 254, 900 % 7, 255]);
    expect(log.path(1001)).toEqual([3, 254, 901 % 7, 1]);
    expect(log.push(3, 7)).toBe(1002); // a parent before the previous one (parallel BFS, between layers)
    expect(log.path(1002)).toEqual([3, 1, 7]);
    expect(log.entry(1002)).toEqual({ parent: 3, decision: 7 });
    expect(log.bytes / log.length).toBeLessThan(10); // one 4 KiB page of each
  });
});

describe('state fingerprints', () => {
  const s = (world: unknown, locals: unknown[] = [{}], faults = 0): State => ({
    world: world as never,
    threads: locals.map((local) => ({ pc: 'a', local })),
    faults,
  });
  it('equal contents, equal fingerprints; any difference, a different one', () => {
    const base = stateFingerprint(s({ files: [{ count: 1, name: 'x' }], fd: [0, null] }));
    expect(stateFingerprint(s({ files: [{ count: 1, name: 'x' }], fd: [0, null] }))).toEqual(base);
    const others = [
      s({ files: [{ count: 2, name: 'x' }], fd: [0, null] }),
      s({ files: [{ count: 1, name: 'y' }], fd: [0, null] }),
      s({ files: [{ count: 1, nome: 'x' }], fd: [0, null] }),
      s({ files: [{ count: 1, name: 'x' }], fd: [null, 0] }),
      s({ files: [{ count: 1, name: 'x' }], fd: [0] }),
      s({ files: [{ count: '1', name: 'x' }], fd: [0, null] }),
      s({ files: [{ count: 1, name: 'x' }, {}], fd: [0, null] }),
      s({ files: [{ count: 1, name: 'x' }], fd: [0, null] }, [{}], 1),
      s({ files: [{ count: 1, name: 'x' }], fd: [0, null] }, [{ a: 1 }]),
      s({ files: [{ count: 1.5, name: 'x' }], fd: [0, null] }),
    ];
    const all = new Set([base, ...others.map((o) => stateFingerprint(o))].map((f) => f.join(':')));
    expect(all.size).toBe(others.length + 1);
  });
  it('kept fingerprints of shared parts are never stale: the same as a fresh copy of each state', () => {
    for (const model of models) {
      const system = compile(model, Object.keys(model.variants)[0]!);
      let seed = 7;
      for (let run = 0; run < 30; run++) {
        let s = system.initial() as State;
        for (let enabled = system.enabled(s); enabled.length > 0; enabled = system.enabled(s)) {
          seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
          const applied = system.apply(s, enabled[seed % enabled.length]!);
          if (applied.violation) break;
          s = applied.state as State;
          expect(stateFingerprint(s)).toEqual(stateFingerprint(JSON.parse(JSON.stringify(s)) as State));
        }
      }
    }
  });
  it('a frozen part is fingerprinted like any other', () => {
    const files = Object.freeze([Object.freeze({ count: 1 })]);
    expect(stateFingerprint(s({ files }))).toEqual(stateFingerprint(s({ files: [{ count: 1 }] })));
  });
  it('states explored with partial-order reduction hold no recorded view of the world', () => {
    // a step that keeps part of the world in its locals (async-read's splice_works) must keep the data, not the view
    const views = (v: unknown, at: string): string[] =>
      v === null || typeof v !== 'object'
        ? []
        : isProxy(v)
          ? [at]
          : Object.entries(v).flatMap(([k, x]) => views(x, `${at}/${k}`));
    for (const model of models) {
      for (const variant of Object.keys(model.variants)) {
        const found = new Set<string>();
        exploreBfs(compile(model, variant), {
          maxStates: 3000,
          onState: (st: State) => views(st, '').forEach((p) => found.add(p)),
        });
        expect([...found], `${model.name} ${variant}`).toEqual([]);
      }
    }
  });
  it('no string runs into what follows it', () => {
    expect(stateFingerprint(s({ a: ['a', 1] }))).not.toEqual(stateFingerprint(s({ a: ['a\u0001', null] })));
    expect(stateFingerprint(s({ a: { ab: 'c' } }))).not.toEqual(stateFingerprint(s({ a: { a: 'bc' } })));
  });
  it('what JSON makes null is null: the same state whether made here or parsed in another worker', () => {
    const made = s({ a: [undefined, Number.NaN, Infinity], b: undefined });
    expect(stateFingerprint(made)).toEqual(stateFingerprint(JSON.parse(JSON.stringify(made)) as State));
  });
  it('an undefined property is no property, as in JSON', () => {
    expect(stateFingerprint(s({ a: 1, b: undefined }))).toEqual(stateFingerprint(s({ a: 1 })));
  });
});

describe('shared fingerprint set', () => {
  it('stores, finds, grows; halves that are 0 count as 1; says when it is full', () => {
    let set = SharedFingerprintSet.create(32);
    expect(set.slots).toBe(256);
    let fresh = 0;
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      if (set.full) set = set.grow();
      try {
        if (set.insert(...fingerprint(`s${i}`))) fresh++;
      } catch (e) {
        expect(e).toBeInstanceOf(TableFull);
        refused++;
        set = set.grow();
        i--;
      }
    }
    expect(refused).toBeGreaterThan(0); // below 427 slots, the reserve bites before the load limit
    expect([fresh, set.size]).toEqual([2000, 2000]);
    for (let i = 0; i < 2000; i += 7) expect(set.insert(...fingerprint(`s${i}`))).toBe(false);
    expect(set.insert(0, 5)).toBe(true);
    expect(set.insert(1, 5)).toBe(false);
    expect(set.size / set.slots).toBeLessThanOrEqual(0.86);
  });
});

describe('fingerprint set', () => {
  it('stores, finds and grows', () => {
    const set = new FingerprintSet(4, true);
    for (let i = 0; i < 10_000; i++) {
      const [hi, lo] = fingerprint(`s${i}`);
      const slot = set.insert(hi, lo);
      expect(slot).toBeGreaterThanOrEqual(0);
      set.setValue(slot, i);
    }
    expect(set.size).toBe(10_000);
    for (let i = 0; i < 10_000; i += 997) {
      const [hi, lo] = fingerprint(`s${i}`);
      const slot = set.insert(hi, lo);
      expect(slot).toBeLessThan(0);
      expect(set.value(-slot - 1)).toBe(i);
    }
    expect(set.has(...fingerprint('absent'))).toBe(false);
    // 8 bytes per slot + 4 for the value, load between 0.425 and 0.85 (it doubles)
    expect(set.bytes / set.size).toBeLessThanOrEqual(12 / 0.425);
    expect(set.size / set.slots).toBeGreaterThanOrEqual(0.425);
  });

  it('keeps (0, 0), the empty mark, as a fingerprint', () => {
    const set = new FingerprintSet();
    expect(set.insert(0, 0)).toBeGreaterThanOrEqual(0);
    expect(set.insert(0, 0)).toBeLessThan(0);
  });

  it('estimates the collision probability as TLC does', () => {
    expect(collisionProbability(1_000_000, 3_000_000)).toBeCloseTo((1e6 * 2e6) / 2 ** 64, 20);
  });
});

describe('counts without reductions', () => {
  // two-by-two: the log makes every interleaving prefix a state: 1 + 2 + 4 + 6 + 6 = 19
  it.each(['bfs', 'dfs'] as const)('%s: two-by-two has 19 states, 18 transitions', (s) => {
    expect(counts(explorers[s](compile(twoByTwo, 'default'), plain))).toEqual({
      kind: 'ok',
      states: 19,
      steps: 18,
      depth: 4,
      exhaustive: true,
    });
  });
  it.each(['bfs', 'dfs'] as const)(
    '%s: private-steps with 3 threads has 3^3 = 27 states, 3 * 2 * 3^2 = 54 transitions',
    (s) => {
      expect(counts(explorers[s](compile(privateSteps, 'default', { threads: 3 }), plain))).toEqual({
        kind: 'ok',
        states: 27,
        steps: 54,
        depth: 6,
        exhaustive: true,
      });
    },
  );
  it.each(['bfs', 'dfs'] as const)('%s: registry has 13 states, 61 with 3 threads', (s) => {
    expect(counts(explorers[s](compile(registry, 'roomy'), plain)).states).toBe(13);
    expect(counts(explorers[s](compile(registry, 'roomy', { threads: 3, limit: 3 }), plain))).toEqual({
      kind: 'ok',
      states: 61,
      steps: 117,
      depth: 6,
      exhaustive: true,
    });
  });
  it('faulty fixed: 8 states', () => {
    expect(counts(exploreBfs(compile(faulty, 'fixed'), plain))).toEqual({
      kind: 'ok',
      states: 8,
      steps: 7,
      depth: 4,
      exhaustive: true,
    });
  });
});

describe('visiting order', () => {
  const logs = (explore: typeof exploreBfs) => {
    const seen: string[] = [];
    explore(compile(twoByTwo, 'default'), {
      ...plain,
      onState: (s: State) => seen.push((s.world as { log: string[] }).log.join(' ')),
    });
    return seen;
  };
  it('bfs visits layer by layer, first enabled first', () => {
    expect(logs(exploreBfs)).toEqual([
      '',
      'a1',
      'b1',
      'a1 a2',
      'a1 b1',
      'b1 a1',
      'b1 b2',
      'a1 a2 b1',
      'a1 b1 a2',
      'a1 b1 b2',
      'b1 a1 a2',
      'b1 a1 b2',
      'b1 b2 a1',
      'a1 a2 b1 b2',
      'a1 b1 a2 b2',
      'a1 b1 b2 a2',
      'b1 a1 a2 b2',
      'b1 a1 b2 a2',
      'b1 b2 a1 a2',
    ]);
  });
  it('dfs goes deep first, first enabled first', () => {
    expect(logs(exploreDfs).slice(0, 7)).toEqual(['', 'a1', 'a1 a2', 'a1 a2 b1', 'a1 a2 b1 b2', 'a1 b1', 'a1 b1 a2']);
  });
});

describe('counterexamples', () => {
  it('bfs finds the shortest: the lost update in 4 steps, both loads first', () => {
    const r = exploreBfs(compile(lostUpdate, 'racy'), plain);
    expect(r.kind).toBe('violation');
    if (r.kind !== 'violation') return;
    expect(r.violation.property).toBe('no-lost-update');
    expect(r.path).toEqual([0, 1, 0, 0]);
  });
  it('in-step violations and deadlocks are violations with their path', () => {
    const df = exploreBfs(compile(faulty, 'double-free'), plain);
    expect(df.kind === 'violation' && [df.violation.property, df.path]).toEqual(['double-free', [0, 1, 0, 0]]);
    const dl = exploreDfs(compile(faulty, 'deadlock'), plain);
    expect(dl.kind === 'violation' && [dl.violation.property, dl.path]).toEqual(['deadlock', [0, 0, 0]]);
  });
  it('with a target, other properties do not count', () => {
    const r = exploreBfs(compile(faulty, 'double-free'), { ...plain, target: 'no-overfree' });
    expect(r.kind).toBe('ok');
    const d = exploreBfs(compile(faulty, 'deadlock'), { ...plain, target: 'deadlock' });
    expect(d.kind).toBe('violation');
  });
});

describe('bounds give incomplete with coverage', () => {
  const sys = compile(privateSteps, 'default', { threads: 3 });
  it.each(['bfs', 'dfs'] as const)('%s: max-states', (s) => {
    const r = explorers[s](sys, { ...plain, maxStates: 10 });
    expect(r.kind === 'incomplete' && r.bound).toMatch(/^max-states/);
    expect(r.coverage.states).toBe(10);
    expect(r.coverage.exhaustive).toBe(false);
  });
  it.each(['bfs', 'dfs'] as const)('%s: max-depth', (s) => {
    const r = explorers[s](sys, { ...plain, maxDepth: 2 });
    expect(r.kind === 'incomplete' && r.bound).toMatch(/^max-depth/);
    expect(r.coverage.depth).toBe(2);
    // depth <= 2: 1 + 3 + 3 (two threads one step each) + 3 (one thread twice)
    expect(r.coverage.states).toBe(1 + 3 + 3 + 3);
  });
  it('a depth bound that cuts nothing is exhaustive', () => {
    expect(exploreBfs(sys, { ...plain, maxDepth: 6 }).kind).toBe('ok');
  });
  it('max-memory', () => {
    const r = exploreBfs(compile(privateSteps, 'default', { threads: 6 }), { ...plain, maxMemoryBytes: 1000 });
    expect(r.kind === 'incomplete' && r.bound).toMatch(/^max-memory/);
  });
  it('timeout', () => {
    const r = exploreBfs(compile(privateSteps, 'default', { threads: 9 }), { ...plain, timeoutMs: 1 });
    expect(r.kind === 'incomplete' && r.bound).toMatch(/^timeout/);
  });
});

describe('reductions', () => {
  it('symmetry: private-steps with 3 threads has C(5,2) = 10 states', () => {
    expect(
      counts(exploreBfs(compile(privateSteps, 'default', { threads: 3 }), { por: false, symmetry: true })),
    ).toEqual({ kind: 'ok', states: 10, steps: 20, depth: 6, exhaustive: true });
  });
  it('symmetry renames threads named in the world: registry 13 -> 8, 61 -> 17 states', () => {
    expect(exploreBfs(compile(registry, 'roomy'), { por: false, symmetry: true }).coverage.states).toBe(8);
    expect(
      exploreBfs(compile(registry, 'roomy', { threads: 3, limit: 3 }), { por: false, symmetry: true }).coverage.states,
    ).toBe(17);
  });
  it('sleep sets: independent steps are tried once: a spanning tree, 26 transitions for 27 states', () => {
    for (const explore of [exploreBfs, exploreDfs]) {
      expect(
        counts(explore(compile(privateSteps, 'default', { threads: 3 }), { por: 'sleep', symmetry: false })),
      ).toEqual({ kind: 'ok', states: 27, steps: 26, depth: 6, exhaustive: true });
    }
  });
  it('sleep sets keep dependent steps: the registry list is shared, nothing is cut', () => {
    expect(
      exploreBfs(compile(registry, 'roomy', { threads: 3, limit: 3 }), { por: 'sleep', symmetry: false }).coverage
        .steps,
    ).toBe(117);
  });
  it('the shortest counterexample survives both', () => {
    for (const por of ['sleep', 'ample'] as const) {
      const r = exploreBfs(compile(lostUpdate, 'racy', { threads: 3 }), { por, symmetry: true });
      expect(r.kind === 'violation' && r.path.length, por).toBe(6);
    }
  });
});

describe('BFS frontier', () => {
  it('gives back records in order across chunk boundaries, pushes and shifts interleaved', () => {
    const f = new VectorFrontier(5);
    const got: number[] = [];
    let next = 0;
    const check = () => {
      const n = f.shift();
      expect(n.vec).toEqual([n.id, 7 - n.id, 1, 2, n.id & 0xff]);
      expect([n.depth, n.fingerprint.hi, n.fingerprint.lo]).toEqual([n.id % 97, (n.id * 3) >>> 0, 0xfffffff0]);
      got.push(n.id);
    };
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 3000; i++, next++)
        f.push(plainNode([next, 7 - next, 1, 2, next & 0xff], next, next % 97, next * 3, 0xfffffff0));
      for (let i = 0; i < 2000; i++) check();
    }
    while (f.length > 0) check();
    expect(got).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(() => f.shift()).toThrow(RangeError);
  });

  it('nodes as objects come back in order too', () => {
    const f = new NodeFrontier();
    const nodes = Array.from({ length: 10_000 }, (_, i) => plainNode([i], i, 0, 1, 2));
    const got: number[] = [];
    for (const [i, n] of nodes.entries()) {
      f.push(n);
      if (i % 3 === 0) got.push(f.shift().id);
    }
    while (f.length > 0) got.push(f.shift().id);
    expect(got).toEqual(nodes.map((n) => n.id));
    expect(() => f.shift()).toThrow(RangeError);
  });
});
