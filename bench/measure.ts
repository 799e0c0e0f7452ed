// One exhaustive measurement, kmc's or pan's, in the bench's terms; and the same measurement
// repeated: counts taken once (they must not vary), times as median and min. Each kmc run is
// a fresh `kmc check`, which process-memory.ts runs and reads (its memory with it); each pan
// run is a process of its own, so pan's memory comes with its runs.

import type { SpinRun } from './peers/spin/run.ts';

export interface Exhaustive {
  verdict: string;
  states: number;
  transitions: number;
  depth: number;
  /** the median over the repeats (one run: its time) */
  ms: number;
  /** the fastest repeat */
  msMin: number;
  /** every repeat's time, in the order they ran */
  msRuns: number[];
  /** states over the median time */
  statesPerSec: number;
  complete: boolean;
  /** transitions the transition cache answered (kmc, one thread) */
  cacheHits?: number;
}

export type SpinExhaustive = Exhaustive & {
  compileMs: number;
  stateVector: number;
  /** pan's "total actual memory usage" per stored state (hash table and DFS stack included) */
  totalBytesPerState: number;
  /** the RSS pan grew by during its search, per stored state (SpinRun.rssBytesPerState); repeated: the median */
  rssBytesPerState: number | undefined;
};

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export function fromSpin(r: SpinRun): SpinExhaustive {
  return {
    verdict: r.errors > 0 ? 'violation' : r.complete ? 'holds' : 'incomplete',
    states: r.states,
    // pan counts stored+matched, one more than the transitions taken (the initial state is "stored" without one)
    transitions: r.transitions - 1,
    depth: r.depth,
    ms: r.ms,
    msMin: r.ms,
    msRuns: [r.ms],
    statesPerSec: r.states / (Math.max(r.ms, 1) / 1000),
    complete: r.complete && r.errors === 0,
    compileMs: r.compileMs,
    stateVector: r.stateVector,
    totalBytesPerState: r.totalBytesPerState,
    rssBytesPerState: r.rssBytesPerState,
  };
}

/**
 * Repeats of one measurement as one: the first run's counts (a complete repeat that counts
 * otherwise is an error: explorations are deterministic; runs a bound stopped are shown by
 * the median one, incomplete), the median and min of the times, states/s
 * over the median; the rest the first run's (pan's memory: repeatedSpin).
 */
export function repeated<E extends Exhaustive>(runs: E[]): E {
  if (runs.length === 0) throw new Error('repeated: no runs');
  // a run a bound stopped counts what it reached by then: the repeats are shown by the median run's counts
  if (runs.some((r) => !r.complete)) {
    const byTime = [...runs].sort((a, b) => a.ms - b.ms);
    const mid = byTime[(byTime.length - 1) >> 1]!;
    const msRuns = runs.flatMap((r) => r.msRuns);
    return { ...mid, msMin: Math.min(...msRuns), msRuns, complete: false };
  }
  const first = runs[0]!;
  for (const r of runs)
    if (r.states !== first.states || r.transitions !== first.transitions || r.verdict !== first.verdict)
      throw new Error(
        `repeated runs differ: ${first.states} states, ${first.transitions} transitions, ${first.verdict} then ${r.states}, ${r.transitions}, ${r.verdict}`,
      );
  const msRuns = runs.flatMap((r) => r.msRuns);
  const ms = median(msRuns);
  return {
    ...first,
    ms,
    msMin: Math.min(...msRuns),
    msRuns,
    statesPerSec: first.states / (Math.max(ms, 1) / 1000),
    complete: runs.every((r) => r.complete),
  };
}

/** pan's repeats as one: repeated's, and the median of pan's RSS per state. */
export function repeatedSpin(runs: SpinExhaustive[]): SpinExhaustive {
  const rss = runs.map((r) => r.rssBytesPerState).filter((b): b is number => b !== undefined);
  return { ...repeated(runs), rssBytesPerState: rss.length ? median(rss) : undefined };
}
