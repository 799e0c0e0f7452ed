// Locks (model/kernel/mutex.ts, folio.ts, lock-wait.ts): a guarded mutex with its owner
// recorded, folio_lock, and named waits, so that the stuck state of an AB-BA deadlock is
// explained as a cycle of waits.

import { describe, expect, it } from 'vitest';
import { compile, defineModel, DONE, exploreBfs, thread, type State } from '../../src/index.ts';
import { folio_unlock, type FolioWorld } from '../../model/kernel/folio.ts';
import { folioLockStep, lockCycle, mutexLockStep, waitsFor } from '../../model/kernel/lock-wait.ts';
import { mutex_init, mutex_lock, mutex_trylock, mutex_unlock, type Mutex } from '../../model/kernel/mutex.ts';
import { emptyWorld, type KernelWorld } from '../../model/kernel/world.ts';
import { fd_install } from '../../model/kernel/fdtable.ts';
import { memfd_create, type MemfdWorld } from '../../model/kernel/memfd.ts';
import { memfdSealer } from '../../model/userspace/memfd-sealer.ts';
import { memfdTruncater } from '../../model/userspace/memfd-truncater.ts';

interface LockWorld extends KernelWorld {
  a: Mutex;
  b: Mutex;
}

/** t0 takes a then b, t1 takes b then a (or a then b: `ordered`); each unlocks both and returns. `deadlock`: a stuck state is a violation. */
function abba(ordered: boolean, deadlock = true) {
  const taker = (name: string, first: 'a' | 'b', second: 'a' | 'b') =>
    thread<LockWorld, {}>({
      name,
      locals: {},
      steps: {
        lock_first: mutexLockStep(
          (w) => w[first],
          name,
          () => 'lock_second',
        ),
        lock_second: mutexLockStep(
          (w) => w[second],
          name,
          () => 'unlock',
        ),
        unlock: { run: (k) => (mutex_unlock(k.world[second], name), mutex_unlock(k.world[first], name), DONE) },
      },
    });
  return defineModel({
    name: 'test/abba',
    title: 'two threads take two mutexes',
    params: {},
    world: (): LockWorld => ({ ...emptyWorld(1, 0), a: mutex_init('A'), b: mutex_init('B') }),
    threads: () => [taker('t0', 'a', 'b'), ordered ? taker('t1', 'a', 'b') : taker('t1', 'b', 'a')],
    properties: () => [],
    bugs: { 'lock-imbalance': 'a mutex released by a thread that does not own it' },
    deadlock,
    variants: { plain: { description: 'as is', expect: 'holds' } },
  });
}

describe('mutex', () => {
  it('records its owner; trylock fails while held; unlocking a mutex one does not own is lock-imbalance', () => {
    const m = mutex_init('kvm->lock');
    mutex_lock(m, 't0');
    expect(m).toEqual({ name: 'kvm->lock', owner: 't0' });
    expect(mutex_trylock(m, 't1')).toBe(0);
    expect(() => mutex_lock(m, 't1')).toThrow(/not guarded by mutex_can_lock/);
    expect(() => mutex_lock(m, 't0')).toThrow(/self-deadlock/);
    expect(() => mutex_unlock(m, 't1')).toThrow(/t1 released kvm->lock, which t0 holds/);
    mutex_unlock(m, 't0');
    expect(mutex_trylock(m, 't1')).toBe(1);
  });

  // Each thread has 4 program points: 0 (nothing held), 1 (its first lock held), 2 (both
  // held), 3 (done). Of the 16 pairs, those where a mutex would have two owners cannot
  // happen: t0 holds A at 1-2 and B at 2; t1 (b then a) holds B at 1-2 and A at 2, which
  // rules out (1,2), (2,1), (2,2): 13 states, the world being a function of the pair. (1,1)
  // is the deadlock: t0 holds A and waits for B, t1 holds B and waits for A. Transitions,
  // one per thread that can move: (0,0), (1,0), (0,1) 2 each; (2,0), (0,2) 1 each (the
  // other waits); (1,1) none; (3,0), (0,3), (3,1), (1,3), (3,2), (2,3) 1 each; (3,3) none:
  // 6 + 2 + 6 = 14.
  it('AB-BA: 13 states, 14 transitions with the stuck state allowed; found as a deadlock in 2 steps, shown as a cycle of named waits', () => {
    const model = abba(false);
    const all = exploreBfs(compile(abba(false, false), 'plain'), { por: false, symmetry: false });
    expect([all.kind, all.coverage.states, all.coverage.steps]).toEqual(['ok', 13, 14]);

    const sys = compile(model, 'plain');
    const r = exploreBfs(sys, { por: false, symmetry: false });
    expect(r.kind === 'violation' ? [r.violation.property, r.path.length] : r.kind).toEqual(['deadlock', 2]);
    if (r.kind !== 'violation') return;
    let s = sys.initial();
    for (const d of r.path) s = sys.apply(s, sys.enabled(s)[d]!).state;
    const threads = model.threads({});
    expect(waitsFor(threads, s as State<LockWorld>)).toEqual([
      { thread: 't0', wait: { lock: 'B', holders: ['t1'] } },
      { thread: 't1', wait: { lock: 'A', holders: ['t0'] } },
    ]);
    expect(lockCycle(threads, s as State<LockWorld>)).toEqual([
      't0 waits for B held by t1',
      't1 waits for A held by t0',
    ]);
    // the engine reports the deadlock with the same cycle, from the steps' waitsFor
    expect(r.violation).toEqual({
      property: 'deadlock',
      message:
        'no thread can move: t0 at lock_second, t1 at lock_second; a lock cycle: t0 waits for B held by t1, t1 waits for A held by t0',
      cycle: [
        { thread: 't0', step: 'lock_second', lock: 'B', holder: 't1' },
        { thread: 't1', step: 'lock_second', lock: 'A', holder: 't0' },
      ],
    });
  });

  // Both take a then b: a thread at 1 or 2 holds A, so at most one of them is past 0 and
  // not done: (0,0), (1,0), (2,0), (3,0), (0,1), (0,2), (0,3), (3,1), (3,2), (3,3), (1,3),
  // (2,3): 12 states; no deadlock.
  it('taken in one order: 12 states and no deadlock', () => {
    const r = exploreBfs(compile(abba(true), 'plain'), { por: false, symmetry: false });
    expect([r.kind, r.coverage.states]).toEqual(['ok', 12]);
  });
});

describe('rwsem waits', () => {
  it('a truncater blocked on the inode lock a sealer holds is named as waiting for memfd->i_rwsem, held by the sealer', () => {
    const model = defineModel({
      name: 'test/inode-lock',
      title: 'F_ADD_SEALS holds the inode lock while ftruncate waits',
      params: {},
      world: (): MemfdWorld => {
        const w: MemfdWorld = { ...emptyWorld(2, 0), folios: [], memfds: [] };
        fd_install(w, 0, memfd_create(w, 'memfd', [1, 1], 0));
        return w;
      },
      threads: () => [
        memfdSealer<MemfdWorld>('sealer', 0, ['F_SEAL_GROW']),
        memfdTruncater<MemfdWorld>('truncater', 0, 1),
      ],
      properties: () => [],
      variants: { plain: { description: 'as is', expect: 'holds' } },
    });
    const sys = compile(model, 'plain');
    let s = sys.initial();
    // sealer: fcntl, inode_lock (now at set_seals, holding i_rwsem for write); truncater: ftruncate
    for (const thread of [0, 0, 1])
      s = sys.apply(s, sys.enabled(s).find((t) => sys.label(s, t).thread === ['sealer', 'truncater'][thread])!).state;
    expect(s.threads.map((t) => t.pc)).toEqual(['set_seals', 'do_truncate']);
    expect(waitsFor(model.threads({}), s as State<MemfdWorld>)).toEqual([
      { thread: 'truncater', wait: { lock: 'memfd->i_rwsem', holders: ['sealer'] } },
    ]);
  });
});

describe('folio_lock', () => {
  // Two threads lock folios 0 and 1 in opposite orders (a folio lock taken by a reader of a
  // memory file while it holds another's, as copy_file_range between two memfds could): the
  // same 13 states and the same deadlock, named by the folios' locks.
  it('AB-BA on two folios: 13 states, and a deadlock whose cycle names folio0->PG_locked and folio1->PG_locked', () => {
    const taker = (name: string, first: number, second: number) =>
      thread<FolioWorld, {}>({
        name,
        locals: {},
        steps: {
          lock_first: folioLockStep(
            () => first,
            name,
            () => 'lock_second',
          ),
          lock_second: folioLockStep(
            () => second,
            name,
            () => 'unlock',
          ),
          unlock: { run: (k) => (folio_unlock(k.world, second, name), folio_unlock(k.world, first, name), DONE) },
        },
      });
    const folio = (index: number) => ({
      memfd: 0,
      index,
      nrPages: 1,
      pincount: 0,
      pins: [],
      inCache: true,
      locked: null,
    });
    const model = defineModel({
      name: 'test/folio-abba',
      title: 'two threads lock two folios',
      params: {},
      world: (): FolioWorld => ({ ...emptyWorld(1, 0), folios: [folio(0), folio(1)] }),
      threads: () => [taker('t0', 0, 1), taker('t1', 1, 0)],
      properties: () => [],
      bugs: { 'lock-imbalance': 'a folio unlocked by a thread that does not hold it' },
      variants: { plain: { description: 'as is', expect: 'holds' } },
    });
    const sys = compile(model, 'plain');
    const r = exploreBfs(sys, { por: false, symmetry: false });
    expect(r.kind === 'violation' ? [r.violation.property, r.coverage.states <= 13] : r.kind).toEqual([
      'deadlock',
      true,
    ]);
    if (r.kind !== 'violation') return;
    let s = sys.initial();
    for (const d of r.path) s = sys.apply(s, sys.enabled(s)[d]!).state;
    expect(lockCycle(model.threads({}), s as State<FolioWorld>)).toEqual([
      't0 waits for folio1->PG_locked held by t1',
      't1 waits for folio0->PG_locked held by t0',
    ]);
  });
});
