// The 64-bit fingerprint of a state, computed by walking it: the same two multiply-xor
// lanes as fingerprint() in fingerprint-set.ts, fed with a type tag and the contents of
// each value (object keys in order, array lengths), so no text of the state is built.
// `rename` maps strings (thread names, for symmetry reduction); `order` lists the threads
// in canonical order.

import type { State } from '../core/model.ts';

let h1 = 0;
let h2 = 0;

function mix(c: number): void {
  h1 = Math.imul(h1 ^ c, 2654435761);
  h2 = Math.imul(h2 ^ c, 1597334677);
}

function mixString(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  mix(s.length);
}

function walk(v: unknown, rename: Map<string, string> | undefined): void {
  if (v === null) return mix(1);
  switch (typeof v) {
    case 'number':
      if (Number.isInteger(v) && Math.abs(v) < 0x80000000) {
        mix(2);
        return mix(v | 0);
      }
      mix(3);
      return mixString(String(v));
    case 'boolean':
      return mix(v ? 4 : 5);
    case 'string':
      mix(6);
      return mixString(rename === undefined ? v : (rename.get(v) ?? v));
    case 'object':
      if (Array.isArray(v)) {
        mix(7);
        mix(v.length);
        for (let i = 0; i < v.length; i++) walk(v[i], rename);
        return;
      }
      mix(8);
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) continue; // as JSON: an undefined property is no property
        mixString(k);
        walk(x, rename);
      }
      return mix(9);
    default:
      return mix(10); // undefined in an array (JSON: null)
  }
}

function start(): void {
  h1 = 0xdeadbeef;
  h2 = 0x41c6ce57;
}

function finish(): [number, number] {
  let a = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  a ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  let b = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  b ^= Math.imul(a ^ (a >>> 13), 3266489909);
  return [b >>> 0, a >>> 0];
}

/** [hi, lo] of a plain value. */
export function valueFingerprint(v: unknown): [number, number] {
  start();
  walk(v, undefined);
  return finish();
}

/** [hi, lo] of a state, its threads taken in `order` (default: as they are), strings renamed. */
export function stateFingerprint(state: State, order?: readonly number[], rename?: Map<string, string>): [number, number] {
  start();
  walk(state.world, rename);
  const threads = state.threads;
  mix(threads.length);
  for (let j = 0; j < threads.length; j++) {
    const t = threads[order === undefined ? j : order[j]!]!;
    mixString(t.pc);
    walk(t.local, rename);
  }
  mix(state.faults);
  return finish();
}
