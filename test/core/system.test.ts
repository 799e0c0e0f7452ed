import { describe, expect, it } from 'vitest';
import { compile, DONE, type State, type Transition, type TransitionSystem } from '../../src/index.ts';
import { models } from '../../model/index.ts';
import { faulty, lostUpdate, twoByTwo } from '../fixtures/counter.ts';

/** Every complete path from the initial state, as lists of "thread.step[choice]". */
function allPaths(system: TransitionSystem): string[][] {
  const out: string[][] = [];
  const walk = (s: State, path: string[]) => {
    const enabled = system.enabled(s);
    if (enabled.length === 0) return void out.push(path);
    for (const t of enabled) {
      const l = system.label(s, t);
      const a = system.apply(s, t);
      walk(a.state, [...path, `${l.thread}.${l.step}${l.choice ? `[${l.choice}]` : ''}`]);
    }
  };
  walk(system.initial(), []);
  return out;
}

describe('transition system', () => {
  it('a step on a copy and a step on an immer draft give the same states', () => {
    const same = (system: TransitionSystem, s: State, t: Transition) => {
      const before = JSON.stringify(s);
      const copy = system.apply(s, t);
      const draft = system.apply(s, t, { patches: true });
      expect(JSON.stringify(copy.state)).toBe(JSON.stringify(draft.state));
      expect(copy.violation).toEqual(draft.violation);
      expect(JSON.stringify(s)).toBe(before); // the state stepped from is never changed
      return copy.state;
    };
    // the fixtures: every path to depth 6
    for (const model of [twoByTwo, lostUpdate, faulty]) {
      for (const variant of Object.keys(model.variants)) {
        const system = compile(model as never, variant);
        const walk = (s: State, depth: number): void => {
          for (const t of system.enabled(s)) {
            const next = same(system, s, t);
            if (depth < 6) walk(next, depth + 1);
          }
        };
        walk(system.initial() as State, 0);
      }
    }
    // the kernel models: 20 pseudo-random paths of every variant (fixed LCG, seed 1)
    let seed = 1;
    const pick = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    for (const model of models) {
      for (const variant of Object.keys(model.variants)) {
        const system: TransitionSystem = compile(model, variant);
        for (let run = 0; run < 20; run++) {
          let s = system.initial();
          for (let enabled = system.enabled(s); enabled.length > 0; enabled = system.enabled(s)) {
            const t = enabled[pick(enabled.length)]!;
            const applied = system.apply(s, t);
            same(system, s, t);
            if (applied.violation) break;
            s = applied.state;
          }
        }
      }
    }
  });

  it('two 2-step threads have exactly C(4,2) = 6 interleavings', () => {
    const paths = allPaths(compile(twoByTwo, 'default'));
    expect(paths).toHaveLength(6);
    expect(new Set(paths.map((p) => p.join(' '))).size).toBe(6);
    // deterministic order: thread a first, then b
    expect(paths[0]).toEqual(['a.a1', 'a.a2', 'b.b1', 'b.b2']);
    expect(paths[5]).toEqual(['b.b1', 'b.b2', 'a.a1', 'a.a2']);
  });

  it('lists enabled transitions thread by thread, choices in order, faults within the budget', () => {
    const sys = compile(faulty, 'fixed');
    const s0 = sys.initial();
    expect(sys.enabled(s0)).toEqual([
      { thread: 0, choice: 0 },
      { thread: 0, choice: 1 },
    ]);
    expect(sys.label(s0, { thread: 0, choice: 1 })).toEqual({ thread: 'kernel', step: 'kmalloc', choice: '-ENOMEM' });
    // after kmalloc succeeds, `setup` may fail; after one injected fault (budget 1) no more
    const s1 = sys.apply(s0, { thread: 0, choice: 0 }).state;
    const s2 = sys.apply(s1, { thread: 0, choice: 1 }).state;
    expect(s2.faults).toBe(1);
    expect(s2.threads[0]!.pc).toBe('err_free');
  });

  it('leaves the input state untouched (immer)', () => {
    const sys = compile(lostUpdate, 'racy');
    const s0 = sys.initial();
    const before = JSON.stringify(s0);
    sys.apply(s0, { thread: 0, choice: 0 });
    expect(JSON.stringify(s0)).toBe(before);
  });

  it('reports in-step violations without changing the state', () => {
    const sys = compile(faulty, 'double-free');
    let s = sys.initial();
    s = sys.apply(s, { thread: 0, choice: 0 }).state; // kmalloc ok
    s = sys.apply(s, { thread: 0, choice: 1 }).state; // setup -EIO -> err_free
    s = sys.apply(s, { thread: 0, choice: 0 }).state; // err_free -> kfree (the bug)
    const a = sys.apply(s, { thread: 0, choice: 0 });
    expect(a.violation).toEqual({ property: 'double-free', message: 'kfree of an object freed 1 time(s)' });
    expect(a.state).toBe(s);
  });

  it('detects a deadlock: no thread can move, one has not returned', () => {
    const sys = compile(faulty, 'deadlock');
    let s = sys.initial();
    for (const label of ['kmalloc', 'setup', 'mutex_lock']) {
      expect(s.threads[0]!.pc).toBe(label);
      s = sys.apply(s, { thread: 0, choice: 0 }).state;
    }
    expect(sys.enabled(s)).toEqual([]);
    expect(sys.check(s, 0)).toEqual({
      property: 'deadlock',
      message: 'no thread can move: kernel at mutex_lock_again',
    });
  });

  it('checks atEnd properties only in terminal states', () => {
    const sys = compile(lostUpdate, 'racy');
    let s = sys.initial();
    expect(sys.check(s, 2)).toBeUndefined();
    // t0.load, t1.load, t0.store, t1.store: x = 1
    for (const t of [0, 1, 0, 1]) s = sys.apply(s, { thread: t, choice: 0 }).state;
    expect(s.threads.every((t) => t.pc === DONE)).toBe(true);
    expect(sys.check(s, 0)).toEqual({ property: 'no-lost-update', message: 'x = 1, expected 2' });
  });

  it('fingerprints the model: other parameters, other fingerprint', () => {
    expect(compile(lostUpdate, 'racy').fingerprint).toBe(compile(lostUpdate, 'racy').fingerprint);
    expect(compile(lostUpdate, 'racy', { threads: 3 }).fingerprint).not.toBe(compile(lostUpdate, 'racy').fingerprint);
  });

  it('rejects an unknown variant and a jump to an unknown label', () => {
    expect(() => compile(lostUpdate, 'nope')).toThrow(/no variant 'nope'/);
    const broken = { ...twoByTwo, threads: () => [{ name: 'x', locals: {}, steps: { a: { run: () => 'nowhere' } } }] };
    const sys = compile(broken, 'default');
    expect(() => sys.apply(sys.initial(), { thread: 0, choice: 0 })).toThrow(/jumped to unknown label 'nowhere'/);
  });
});
