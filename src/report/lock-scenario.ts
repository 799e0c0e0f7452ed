// A deadlock's cycle of waits as lockdep prints a "possible unsafe locking scenario": one
// column per thread of the cycle, first each takes the lock it holds, then each tries the
// one it waits for, then *** DEADLOCK ***. For two threads that is lockdep's own picture:
//
//        t0                    t1
//        ----                  ----
//   lock(A);
//                              lock(B);
//   lock(B);
//                              lock(A);
//
//  *** DEADLOCK ***

import { heldIn, type WaitEdge } from '../core/lock-cycle.ts';
import { ascii, fitColumns, WIDTH, wrap } from './columns.ts';

const GAP = 3;

export function lockScenario(cycle: readonly WaitEdge[], width = WIDTH): string[] {
  const margin = 2;
  const rows: [number, string][] = [
    ...cycle.map((_, i) => [i, `lock(${heldIn(cycle, i)});`] as [number, string]),
    ...cycle.map((e, i) => [i, `lock(${e.lock});`] as [number, string]),
  ];
  const names = cycle.map((e) => ascii(e.thread));
  const needs = names.map((n, i) =>
    Math.max(n.length, ...rows.filter(([t]) => t === i).map(([, c]) => ascii(c).length)),
  );
  const widths = fitColumns(needs, width - margin - GAP * Math.max(0, cycle.length - 1));
  const line = (cells: string[]): string[] => {
    const wrapped = cells.map((c, i) => (c === '' ? [] : wrap(ascii(c), widths[i]!)));
    const height = Math.max(1, ...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) =>
      (' '.repeat(margin) + wrapped.map((w, i) => (w[k] ?? '').padEnd(widths[i]! + GAP)).join('')).trimEnd(),
    );
  };
  return [
    ' Possible unsafe locking scenario:',
    '',
    ...line(names),
    ...line(names.map((n, i) => '-'.repeat(Math.min(Math.max(n.length, 4), widths[i]!)))),
    ...rows.flatMap(([t, call]) => line(cycle.map((_, i) => (i === t ? call : '')))),
    '',
    ' *** DEADLOCK ***',
  ];
}
