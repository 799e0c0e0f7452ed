// The bounds of an exhaustive search (states, memory, time, an interruption) and its
// progress reports, in one place: the search calls admit() before storing a state and
// tick() once per expansion; a bound reached is thrown as a Bound, which the search turns
// into an `incomplete` result naming it. Memory is the process's (memory.ts): its RSS
// against --max-memory, and always V8's heap limit, so a search stops before V8 aborts.
//
// tick() also says when the search should give way (`pause`, about every PAUSE_MS): a
// search driven asynchronously (drive.ts) then lets the event loop run, so a signal
// handler can abort `signal`, which the next tick turns into an `interrupted` stop.

import { type FingerprintSet, MIN_GROWTH } from './fingerprint-set.ts';
import { Memory } from './memory.ts';

export interface Progress {
  /** transitions applied */
  steps: number;
  /** distinct states stored */
  states: number;
  /** states waiting (bfs queue, dfs stack) */
  queue: number;
  depth: number;
  /** transitions applied per second since the last report (the first: states per second) */
  transitionsPerSecond: number;
  ms: number;
}

export interface BoundOptions {
  maxStates?: number;
  timeoutMs?: number;
  /** when the check began (performance.now()), if before this search: `timeoutMs` counts from it (ample sets' reruns) */
  since?: number;
  /** the process's resident memory (RSS); with it or not, a search stops before V8's heap limit */
  maxMemoryBytes?: number;
  /** called about every 250 ms */
  onProgress?: (p: Progress) => void;
  /** aborted from outside (Ctrl-C): the search stops as `interrupted` (seen when it gives way, drive.ts) */
  signal?: AbortSignal;
}

/** A bound stopped the search; the message names it (`max-states (1000)`). */
export class Bound extends Error {}

/** The bound an aborted `signal` gives, with the signal's reason (`interrupted (SIGINT)`). */
export function interrupted(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? `interrupted (${signal.reason})` : 'interrupted';
}

/** Checks of time, and progress reports, once per this many expansions. */
const TICK = 256;
/** Memory is sampled at most this often (a few microseconds a sample). */
const MEMORY_MS = 10;
/** A search gives way to the event loop about this often. */
export const PAUSE_MS = 50;

export class Bounds {
  readonly started = performance.now();
  readonly memory: Memory;
  /** the search should give way to the event loop (drive.ts resets it) */
  pause = false;
  private expanded = 0;
  private lastProgress = 0;
  private lastSteps = 0;
  private lastMemory = 0;
  private lastPause = this.started;

  constructor(private readonly opts: BoundOptions) {
    this.memory = new Memory(opts.maxMemoryBytes);
  }

  /** Before storing a fingerprint in `set`: throws when it would pass max-states or the set cannot grow in memory. */
  admit(set: FingerprintSet, hi: number, lo: number): void {
    if (this.opts.maxStates !== undefined && set.size >= this.opts.maxStates && !set.has(hi, lo))
      throw new Bound(`max-states (${this.opts.maxStates})`);
    if (set.size + 1 > set.limit && !this.memory.fits(set.growthBytes)) {
      set.growth = MIN_GROWTH; // the least it grows by
      if (!this.memory.fits(set.growthBytes))
        throw new Bound(this.memory.refused('the fingerprint set', set.growthBytes));
    }
  }

  /** Once per expansion: time, memory and interruption, and the progress report. */
  tick(at: () => Omit<Progress, 'transitionsPerSecond' | 'ms'>): void {
    this.expanded++;
    if (this.expanded % TICK !== 0) return;
    if (this.opts.signal?.aborted) throw new Bound(interrupted(this.opts.signal));
    const now = performance.now();
    const ms = now - this.started;
    if (this.opts.timeoutMs !== undefined && now - (this.opts.since ?? this.started) > this.opts.timeoutMs)
      throw new Bound(`timeout (${this.opts.timeoutMs / 1000} s)`);
    if (now - this.lastMemory >= MEMORY_MS) {
      this.lastMemory = now;
      const reached = this.memory.reached();
      if (reached !== undefined) throw new Bound(reached);
    }
    if (now - this.lastPause >= PAUSE_MS) {
      this.lastPause = now;
      this.pause = true;
    }
    if (this.opts.onProgress && now - this.lastProgress > 250) {
      const p = at();
      const rate =
        this.lastProgress === 0
          ? p.states / (ms / 1000)
          : (p.steps - this.lastSteps) / ((now - this.lastProgress) / 1000);
      this.lastProgress = now;
      this.lastSteps = p.steps;
      this.opts.onProgress({ ...p, transitionsPerSecond: rate, ms });
    }
  }
}
