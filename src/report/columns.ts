// The lockdep-style rendering: one column per thread that takes a step, one row per step,
// time going down, and the violated property at the bottom. Plain text within 100
// columns, fit to paste into a mailing-list reply:
//
//          ioctl                 closer0
//          -----                 -------
//     8    dma_buf_fd
//    10                          close [2]
//
//   *** use-after-free: dma_buf_release of dmabuf0 while ... ***

import { activeThreads, callOf, type TraceView } from './view.ts';

export const WIDTH = 100;

const cut = (s: string, w: number) => (s.length <= w ? s : `${s.slice(0, Math.max(0, w - 1))}…`);

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

export function renderColumns(view: TraceView, width = WIDTH): string {
  const threads = activeThreads(view);
  const nw = Math.max(2, String(view.steps.length).length);
  const margin = nw + 4; // "  NN  "
  const gap = 3;
  const natural = threads.map((t) => Math.max(t.length, ...view.steps.filter((s) => s.thread === t).map((s) => callOf(s).length)));
  const even = Math.floor((width - margin) / Math.max(1, threads.length)) - gap;
  const widths = natural.map((n) => Math.max(4, Math.min(n, even)));
  const row = (n: string, cells: string[]) =>
    (n.padStart(nw + 2) + '  ' + cells.map((c, i) => cut(c, widths[i]!).padEnd(widths[i]! + gap)).join('')).trimEnd();

  // the property is at the bottom, so the head says only where the trace comes from
  const { trace } = view;
  const seed = trace.seed === null ? '' : `, seed ${trace.seed}`;
  const head = `${trace.model} (variant ${trace.variant}), ${view.steps.length} steps (${trace.strategy}${seed})`;
  const out = [...wrap(head, width), '', ' Possible unsafe scenario:', ''];
  out.push(row('', threads));
  out.push(row('', threads.map((t) => '-'.repeat(Math.min(t.length, widths[threads.indexOf(t)]!)))));
  view.steps.forEach((s, i) => {
    out.push(row(String(i + 1), threads.map((t) => (t === s.thread ? callOf(s) : ''))));
  });
  const { property, message } = view.trace.violation;
  out.push('', ...wrap(`*** ${property}: ${message} ***`, width - 5).map((l, i) => (i === 0 ? ` ${l}` : `     ${l}`)));
  return out.join('\n') + '\n';
}
