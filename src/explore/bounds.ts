// The bounds of an exhaustive search (states, memory, time) and its progress reports, in
// one place: the search calls admit() before storing a state and tick() once per
// expansion; a bound reached is thrown as a Bound, which the search turns into an
// `incomplete` result naming it.

import v8 from 'node:v8';
import type { FingerprintSet } from './fingerprint-set.ts';

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
  /** heap + typed arrays; default: stop before 85% of the V8 heap limit, never crash */
  maxMemoryBytes?: number;
  /** called about every 250 ms */
  onProgress?: (p: Progress) => void;
}

/** A bound stopped the search; the message names it (`max-states (1000)`). */
export class Bound extends Error {}

/** Checks of time and memory, and progress reports, once per this many expansions. */
const TICK = 256;

export class Bounds {
  readonly started = performance.now();
  private expanded = 0;
  private readonly memoryLimit: number;
  private readonly explicitMemory: boolean;
  private lastProgress = 0;
  private lastSteps = 0;

  constructor(private readonly opts: BoundOptions) {
    this.explicitMemory = opts.maxMemoryBytes !== undefined;
    this.memoryLimit = opts.maxMemoryBytes ?? v8.getHeapStatistics().heap_size_limit * 0.85;
  }

  /** Before storing a fingerprint in `set`: throws when it would pass max-states or cannot grow in memory. */
  admit(set: FingerprintSet, hi: number, lo: number): void {
    if (this.opts.maxStates !== undefined && set.size >= this.opts.maxStates && !set.has(hi, lo))
      throw new Bound(`max-states (${this.opts.maxStates})`);
    if (set.size + 1 > set.limit && set.bytes + set.growthBytes > this.memoryLimit) {
      throw new Bound(
        `max-memory (${this.opts.maxMemoryBytes ?? this.memoryLimit} bytes: the fingerprint set cannot grow)`,
      );
    }
  }

  /** Once per expansion: time and memory bounds, and the progress report. */
  tick(at: () => Omit<Progress, 'transitionsPerSecond' | 'ms'>): void {
    this.expanded++;
    if (this.expanded % TICK !== 0) return;
    const now = performance.now();
    const ms = now - this.started;
    if (this.opts.timeoutMs !== undefined && ms > this.opts.timeoutMs)
      throw new Bound(`timeout (${this.opts.timeoutMs / 1000} s)`);
    if (this.expanded % (TICK * 8) === 0) {
      const m = process.memoryUsage();
      const used = this.explicitMemory ? m.heapUsed + m.arrayBuffers : m.heapUsed;
      if (used > this.memoryLimit) throw new Bound(`max-memory (${Math.round(this.memoryLimit)} bytes)`);
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
