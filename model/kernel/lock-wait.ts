// Named waits: a step that sleeps on a lock says which lock, and who holds it, so a stuck
// state can be explained as a cycle (thread A waits for lock L held by B, B waits for M
// held by A), the way lockdep prints "possible circular locking dependency". The engine
// reads a step's `waitsFor` only in a stuck state, to report the deadlock with its cycle
// (src/core/lock-cycle.ts); waitsFor / lockCycle here ask the same of any state.

import {
  lockCycle as cycleOf,
  showCycle,
  type LockWait,
  type State,
  type Step,
  type StepContext,
  type Choice,
  type Thread,
} from '../../src/index.ts';
import { folio_can_lock, folio_lock, folioLockName, type FolioWorld } from './folio.ts';
import { mutex_can_lock, mutex_lock, type Mutex } from './mutex.ts';
import { canDownRead, canDownWrite, down_read, down_write, type Rwsem } from './rwsem.ts';

export type { LockWait };

/** A step that may sleep on a lock: `waitsFor` names it while the step is blocked. */
export interface SleepingStep<W, L> extends Step<W, L> {
  waitsFor: (world: W, local: L) => LockWait | undefined;
}

type Run<W, L> = (k: StepContext<W, L>, choice: Choice) => string;

/** mutex_lock(lock) then `run`: enabled once the mutex is free. */
export function mutexLockStep<W, L>(lock: (w: W, l: L) => Mutex, who: string, run: Run<W, L>): SleepingStep<W, L> {
  return {
    enabled: (w, l) => mutex_can_lock(lock(w, l)),
    waitsFor: (w, l) => {
      const m = lock(w, l);
      return m.owner === null ? undefined : { lock: m.name, holders: [m.owner] };
    },
    run: (k, c) => {
      mutex_lock(lock(k.world, k.local), who);
      return run(k, c);
    },
  };
}

/**
 * The guard and the named wait of a step that takes `lock` itself (and, if it releases it
 * in the same step, holds it only within it); `lock` may give undefined: no lock to take.
 */
export function mutexWait<W, L>(
  lock: (w: W, l: L) => Mutex | undefined,
): Pick<SleepingStep<W, L>, 'enabled' | 'waitsFor'> {
  return {
    enabled: (w, l) => {
      const m = lock(w, l);
      return m === undefined || mutex_can_lock(m);
    },
    waitsFor: (w, l) => {
      const m = lock(w, l);
      return m === undefined || m.owner === null ? undefined : { lock: m.name, holders: [m.owner] };
    },
  };
}

/** folio_lock(folio) then `run`: enabled once PG_locked is clear. */
export function folioLockStep<W extends FolioWorld, L>(
  folio: (w: W, l: L) => number,
  who: string,
  run: Run<W, L>,
): SleepingStep<W, L> {
  return {
    enabled: (w, l) => folio_can_lock(w, folio(w, l)),
    waitsFor: (w, l) => {
      const f = folio(w, l);
      const holder = w.folios[f]!.locked;
      return holder === null ? undefined : { lock: folioLockName(f), holders: [holder] };
    },
    run: (k, c) => {
      folio_lock(k.world, folio(k.world, k.local), who);
      return run(k, c);
    },
  };
}

/**
 * The guard and the named wait of a step that takes `sem` for read or write, for a step
 * that takes it itself; `sem` may give undefined (no lock to take: the step can run).
 */
export function rwsemWait<W, L>(
  sem: (w: W, l: L) => Rwsem | undefined,
  mode: 'read' | 'write',
): Pick<SleepingStep<W, L>, 'enabled' | 'waitsFor'> {
  const can = mode === 'read' ? canDownRead : canDownWrite;
  return {
    enabled: (w, l) => {
      const s = sem(w, l);
      return s === undefined || can(s);
    },
    waitsFor: (w, l) => {
      const s = sem(w, l);
      if (s === undefined || can(s)) return undefined;
      return { lock: s.name, holders: s.writer !== null ? [s.writer] : [...s.readers] };
    },
  };
}

/** down_read / down_write(sem) then `run`. */
export function rwsemStep<W, L>(
  sem: (w: W, l: L) => Rwsem,
  mode: 'read' | 'write',
  who: string,
  run: Run<W, L>,
): SleepingStep<W, L> {
  return {
    ...(rwsemWait(sem, mode) as SleepingStep<W, L>),
    run: (k, c) => {
      const s = sem(k.world, k.local);
      if (mode === 'read') down_read(s, who);
      else down_write(s, who);
      return run(k, c);
    },
  };
}

/** In a state, who waits for what: one entry per thread blocked in a sleeping step. */
export function waitsFor<W>(threads: readonly Thread<W>[], state: State<W>): { thread: string; wait: LockWait }[] {
  return threads.flatMap((t, i) => {
    const step = t.steps[state.threads[i]!.pc] as Step<W, unknown> | undefined;
    const wait = step?.waitsFor?.(state.world, state.threads[i]!.local);
    return wait ? [{ thread: t.name, wait }] : [];
  });
}

/** A cycle of waits in a state (['t0 waits for B held by t1', 't1 waits for A held by t0']), or undefined. */
export function lockCycle<W>(threads: readonly Thread<W>[], state: State<W>): string[] | undefined {
  const blocked = waitsFor(threads, state).map((b) => ({
    ...b,
    step: state.threads[threads.findIndex((t) => t.name === b.thread)]!.pc,
  }));
  return cycleOf(blocked)?.map((e) => showCycle([e]));
}
