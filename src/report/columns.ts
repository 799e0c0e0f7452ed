// The lockdep-style rendering: one column per thread that takes a step, one row per step,
// time going down, and the violated property at the bottom. Plain ASCII within 80 columns
// (78 once quoted in a reply still reads), fit to paste into a mailing-list reply:
//
//          ioctl                          guesser0
//          -----                          --------
//     8    dma_buf_fd(dmabuf0) = 2
//     9                                   mmap(fd 2) = 0
//
//   *** half-read-buffer-observed: guesser0 read fd 2 (dmabuf0) with 0 of 3 pages
//       filled ***
//
// A deadlock whose blocked steps name their locks ends with a row saying where each thread
// of the cycle sleeps and on what (`lock_src: waits for folio1->PG_locked`), under the
// heading lockdep gives it, "Possible unsafe locking scenario".
//
// Each column is as wide as its longest call needs; when they do not all fit, the widest
// give way first and a call too long for its column wraps onto the next lines.

import { activeThreads, callOf, type TraceView } from './view.ts';

export const WIDTH = 80;

/** between columns; 2 when 3 would make a call wrap */
const GAP = 3;
/** the narrowest a column gets, however many threads there are */
const MIN_COLUMN = 8;

/** Plain ASCII: mail clients and list archives mangle the rest. */
export function ascii(s: string): string {
  return s
    .replaceAll('→', '->')
    .replaceAll('←', '<-')
    .replaceAll('…', '...')
    .replaceAll('∅', '(none)')
    .replaceAll('✗', 'x')
    .replace(/[^\x20-\x7e]/g, '?');
}

/** Break text into lines of at most `width` characters, at spaces where possible. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * Column widths by need: each column gets what its longest cell needs when that fits in its
 * share of `room`; what a narrow column leaves is shared among the wider ones.
 */
export function fitColumns(needs: readonly number[], room: number): number[] {
  const widths = needs.map(() => 0);
  let left = room;
  const order = needs.map((n, i) => [n, i] as const).sort((a, b) => a[0] - b[0]);
  order.forEach(([need, i], k) => {
    const share = Math.floor(left / (order.length - k));
    widths[i] = Math.max(Math.min(MIN_COLUMN, need), Math.min(need, share));
    left -= widths[i]!;
  });
  return widths;
}

export function renderColumns(view: TraceView, width = WIDTH): string {
  const cycle = view.trace.violation.cycle;
  // a thread of a deadlock's cycle has a column even if it took no step (it held a lock from the start)
  const inCycle = new Set(cycle?.map((e) => e.thread));
  const active = new Set(activeThreads(view));
  const threads = view.threadNames.filter((t) => active.has(t) || inCycle.has(t));
  const nw = Math.max(2, String(view.steps.length).length);
  const margin = nw + 4; // "  NN  "
  const calls = view.steps.map((s) => ascii(callOf(s)));
  // a deadlock's last row: where each thread of the cycle sleeps, and on what
  const waits = threads.map((t) => {
    const e = cycle?.find((x) => x.thread === t);
    return e === undefined ? '' : ascii(`${e.step}: waits for ${e.lock}`);
  });
  const needs = threads.map((t, k) =>
    Math.max(t.length, waits[k]!.length, ...calls.filter((_, i) => view.steps[i]!.thread === t).map((c) => c.length)),
  );
  const room = (gap: number) => width - margin - gap * Math.max(0, threads.length - 1);
  const gap = needs.reduce((a, b) => a + b, 0) <= room(GAP) ? GAP : GAP - 1;
  const widths = fitColumns(needs, room(gap));
  /** one row of cells, each wrapped in its column; the number on the first line only */
  const row = (n: string, cells: string[]): string[] => {
    const wrapped = cells.map((c, i) => (c === '' ? [] : wrap(c, widths[i]!)));
    const height = Math.max(1, ...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, line) =>
      (
        (line === 0 ? n : '').padStart(nw + 2) +
        '  ' +
        wrapped.map((w, i) => (w[line] ?? '').padEnd(widths[i]! + gap)).join('')
      ).trimEnd(),
    );
  };

  // the property is at the bottom, so the head says only where the trace comes from
  const { trace } = view;
  const seed = trace.seed === null ? '' : `, seed ${trace.seed}`;
  const head = ascii(
    `${trace.model} (variant ${trace.variant}), ${view.steps.length} steps (${trace.strategy}${seed})`,
  );
  const out = [
    ...wrap(head, width),
    '',
    cycle ? ' Possible unsafe locking scenario:' : ' Possible unsafe scenario:',
    '',
  ];
  out.push(...row('', threads.map(ascii)));
  out.push(
    ...row(
      '',
      threads.map((t, i) => '-'.repeat(Math.min(t.length, widths[i]!))),
    ),
  );
  view.steps.forEach((s, i) =>
    out.push(
      ...row(
        String(i + 1),
        threads.map((t) => (t === s.thread ? calls[i]! : '')),
      ),
    ),
  );
  if (cycle) out.push(...row('', waits));
  const { property, message } = trace.violation;
  out.push(
    '',
    ...wrap(ascii(`*** ${property}: ${message} ***`), width - 5).map((l, i) => (i === 0 ? ` ${l}` : `     ${l}`)),
  );
  return out.join('\n') + '\n';
}
