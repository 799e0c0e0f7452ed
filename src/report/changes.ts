// State changes of one step, from its immer patches, in a form fit for a person:
// `fds[2]: null → 5`, `ioctl.ret: 0 → -12`. Program-counter moves are left out (the
// step label already says where the thread is).

import type { Patch } from 'immer';
import type { State } from '../core/model.ts';

export interface Change {
  path: string;
  /** the patch path in the state: ['world', 'fdtable', 'fd', 2], ['threads', 0, 'local', 'ret'] */
  at: readonly (string | number)[];
  before: unknown;
  after: unknown;
}

function lookup(root: unknown, path: readonly (string | number)[]): unknown {
  let x: any = root;
  for (const k of path) {
    if (x === undefined || x === null) return undefined;
    x = x[k];
  }
  return x;
}

function describePath(path: readonly (string | number)[], threadNames: readonly string[]): string {
  let [head, ...rest] = path;
  let out = '';
  if (head === 'threads' && typeof rest[0] === 'number') {
    out = threadNames[rest[0]] ?? `thread${rest[0]}`;
    rest = rest.slice(rest[1] === 'local' ? 2 : 1);
  } else if (head === 'world') {
    head = rest.shift();
    out = String(head ?? '');
  } else {
    out = String(head);
  }
  for (const k of rest) out += typeof k === 'number' || /^\d+$/.test(k) ? `[${k}]` : `.${k}`;
  return out;
}

export function changesOf(
  patches: readonly Patch[],
  before: State,
  after: State,
  threadNames: readonly string[],
): Change[] {
  return patches
    .filter((p) => !(p.path[0] === 'threads' && p.path[2] === 'pc'))
    .map((p) => ({
      path: describePath(p.path, threadNames),
      at: p.path,
      before: p.op === 'add' ? undefined : lookup(before, p.path),
      after: p.op === 'remove' ? undefined : lookup(after, p.path),
    }));
}

/** A value, compactly, cut at `max` characters. */
export function compact(x: unknown, max = 48): string {
  const s = x === undefined ? '∅' : JSON.stringify(x);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function showChange(c: Change): string {
  return c.before === undefined
    ? `${c.path} = ${compact(c.after)}`
    : `${c.path}: ${compact(c.before)} → ${compact(c.after)}`;
}
