// Progress of a long exhaustive check on stderr. The explorer calls onProgress about every
// 250 ms (exhaustive.ts; once per layer with workers). On a terminal: one live line,
// rewritten. Otherwise (a CI log): one line every `intervalMs` of the check's own clock
// (Progress.ms), like TLC's: elapsed, distinct states, queue, depth, states/s.

import type { Progress } from '../explore/exhaustive.ts';

export const PROGRESS_INTERVAL_S = 5;

export interface Reporter {
  onProgress: ((p: Progress) => void) | undefined;
  /** the check ended: clear the live line */
  done(): void;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

export function progressReporter(o: {
  tty: boolean;
  intervalMs: number;
  label: string;
  write: (s: string) => void;
}): Reporter {
  if (o.tty) {
    let shown = false;
    return {
      onProgress: (p) => {
        shown = true;
        o.write(
          `\r\x1b[K${o.label}: ${p.steps} transitions, ${p.states} distinct, queue ${p.queue}, depth ${p.depth}, ${Math.round(p.transitionsPerSecond)} transitions/s`,
        );
      },
      done: () => void (shown && o.write('\r\x1b[K')),
    };
  }
  if (o.intervalMs <= 0) return { onProgress: undefined, done: () => undefined };
  let next = o.intervalMs;
  return {
    onProgress: (p) => {
      if (p.ms < next) return;
      next = (Math.floor(p.ms / o.intervalMs) + 1) * o.intervalMs;
      o.write(
        `kmc: ${(p.ms / 1000).toFixed(1)} s  ${o.label}: ${n(p.states)} distinct states, queue ${n(p.queue)}, depth ${p.depth}, ${n(p.states / Math.max(p.ms / 1000, 1e-3))} states/s\n`,
      );
    },
    done: () => undefined,
  };
}
