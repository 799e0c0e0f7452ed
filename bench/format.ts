// Numbers and times as the bench's tables print them.

import { median } from './measure.ts';

export const f = (x: number | undefined, d = 0) =>
  x === undefined || !Number.isFinite(x)
    ? '—'
    : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export const sec = (ms: number | undefined) =>
  ms === undefined
    ? '—'
    : ms < 1000
      ? `${f(ms, ms < 10 ? 1 : 0)} ms`
      : ms < 10_000
        ? `${f(ms / 1000, 2)} s`
        : `${f(ms / 1000, 1)} s`;

/** a median time and, in brackets, the min */
export const secs = (e: { ms: number; msMin: number; msRuns: number[] } | undefined) =>
  e === undefined ? '—' : e.msRuns.length > 1 ? `${sec(e.ms)} (${sec(e.msMin)})` : sec(e.ms);

export const ratio = (a: number | undefined, b: number | undefined, d = 2) =>
  a === undefined || b === undefined || !b ? '—' : `${f(a / b, d)}`;

/** the resolution of pan's elapsed time */
export const PAN_TICK_MS = 10;

export const mark = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? ' ✅' : ' ❌');

/** repeated figures as the side-by-side scripts print them: min, median, then each in turn */
export const minMedian = (xs: number[], d = 0) =>
  `min ${Math.min(...xs).toFixed(d)} median ${median(xs).toFixed(d)} (${xs.map((x) => x.toFixed(d)).join(', ')})`;
