// Sleep sets (Godefroid 1996), the partial-order reduction of the exhaustive explorers:
// after exploring t from s, a later sibling u carries t in its sleep set when t and u are
// independent (footprint.ts): s.u.t reaches what s.t.u reached, so t is not tried again
// from s.u. Sleep sets cut transitions, never states: every reachable state is still
// visited, so `always`, `atEnd` and deadlock checks lose nothing, and an in-step violation
// skipped from s.u was met from s (its reads are unchanged), one step earlier. With a
// visited set, a state reached again with a sleep set that is not a superset of the one it
// was stored with gets the difference explored (Godefroid's fix); the stored sleep set is
// a 32-bit mask over the state's enabled transitions in canonical order, of which ranks 0
// to 30 are used (a transition of rank >= 31 is never put to sleep: sound, less reduced).

import type { Transition } from '../core/system.ts';
import type { Footprint } from './footprint.ts';

export interface Sleeper {
  thread: number;
  choice: number;
  footprint: Footprint;
}

/** The sleep set of every transition without POR (never changed). */
export const NO_SLEEP: Sleeper[] = [];

/** Highest rank a mask holds, plus one. */
const RANKS = 31;

/** Rank of each enabled transition in canonical order: (canonical thread, choice); -1: not in a mask. */
export function rank(enabled: Transition[], perm: Int32Array | undefined): Int8Array {
  const r = new Int8Array(enabled.length);
  if (perm === undefined) {
    for (let i = 0; i < enabled.length; i++) r[i] = i < RANKS ? i : -1;
    return r;
  }
  const order = enabled
    .map((_, i) => i)
    .sort((a, b) => perm[enabled[a]!.thread]! - perm[enabled[b]!.thread]! || enabled[a]!.choice - enabled[b]!.choice);
  order.forEach((i, k) => (r[i] = k < RANKS ? k : -1));
  return r;
}

/** The mask bit of a sleeper among these enabled transitions (0: not representable). */
export function bitOf(enabled: Transition[], ranks: Int8Array, u: Sleeper): number {
  const i = enabled.findIndex((t) => t.thread === u.thread && t.choice === u.choice);
  return i < 0 || ranks[i]! < 0 ? 0 : 1 << ranks[i]!;
}

/** The mask of a sleep set, in canonical ranks. */
export function maskOf(enabled: Transition[], ranks: Int8Array, sleep: readonly Sleeper[]): number {
  let m = 0;
  for (const u of sleep) m |= bitOf(enabled, ranks, u);
  return m;
}

/** The sleep set of the successor by `t` (with `footprint`): what slept and what was done before it, if independent of t. */
export function sleepAfter(
  t: Transition,
  footprint: Footprint,
  asleep: readonly Sleeper[],
  done: readonly Sleeper[],
  independent: (a: Footprint, b: Footprint) => boolean,
): Sleeper[] {
  const sleep: Sleeper[] = [];
  for (const u of asleep) if (u.thread !== t.thread && independent(u.footprint, footprint)) sleep.push(u);
  for (const u of done) if (u.thread !== t.thread && independent(u.footprint, footprint)) sleep.push(u);
  return sleep;
}
