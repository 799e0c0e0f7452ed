// Retired from the engine, kept for the bench's hot-path comparison and as a test oracle
// (the explorers fingerprint state vectors: src/explore/zobrist.ts, value-fingerprint.ts).
//
// The 64-bit fingerprint of a state, computed by walking it: the same two multiply-xor
// lanes as fingerprint() in fingerprint-set.ts, fed with a type tag and the contents of
// each value (object keys in order, array lengths), so no text of the state is built.
// A state's fingerprint is made of its parts' (each world field, each thread), and a
// part's is kept on it (see part()). `rename` maps strings (thread names, for symmetry
// reduction); `order` lists the threads in canonical order.

import type { State } from '../../src/core/model.ts';

let h1 = 0;
let h2 = 0;

function mix(c: number): void {
  h1 = Math.imul(h1 ^ c, 2654435761);
  h2 = Math.imul(h2 ^ c, 1597334677);
}

/** The length first, so that no string's characters can run into what follows it. */
function mixString(s: string): void {
  mix(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
}

function walk(v: unknown, rename: Map<string, string> | undefined): void {
  if (v === null) return mix(1);
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) return mix(1); // as JSON: null
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
        mix(11);
        mixString(k);
        walk(x, rename);
      }
      return mix(9);
    default:
      return mix(1); // undefined in an array: as JSON, null
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
export function valueFingerprint(v: unknown, rename?: Map<string, string>): [number, number] {
  start();
  walk(v, rename);
  return finish();
}

/**
 * Fingerprints of the objects of states, kept on the objects (a hidden property: not
 * enumerable, so copies, spreads, immer and JSON leave it behind): a step shares with the
 * state it came from every world field and every thread it did not touch (clone.ts), and
 * states are never changed once made, so each such part is walked once.
 */
const FP = Symbol('fingerprint');

/** The fingerprint of a part, kept on it when it can be. */
function part(v: unknown, rename: Map<string, string> | undefined): [number, number] {
  if (v === null || typeof v !== 'object' || rename !== undefined) return valueFingerprint(v, rename);
  let f = (v as { [FP]?: [number, number] })[FP];
  if (f === undefined) {
    f = valueFingerprint(v);
    if (Object.isExtensible(v)) Object.defineProperty(v, FP, { value: f }); // a frozen part is walked each time
  }
  return f;
}

/** [hi, lo] of one thread (pc and locals), kept like the world's fields. */
export function threadFingerprint(thread: State['threads'][number], rename?: Map<string, string>): [number, number] {
  return part(thread, rename);
}

/** the parts' fingerprints of the state being fingerprinted */
const buf: number[] = [];

/**
 * [hi, lo] of a state: of the fingerprints of its world's fields (by name), of its threads
 * taken in `order` (default: as they are) and of its fault count; strings renamed.
 */
export function stateFingerprint(
  state: State,
  order?: readonly number[],
  rename?: Map<string, string>,
): [number, number] {
  const world = state.world as Record<string, unknown>;
  const threads = state.threads;
  let n = 0;
  if (world !== null && typeof world === 'object' && !Array.isArray(world)) {
    for (const k in world) {
      const v = world[k];
      if (v === undefined) continue;
      const f = part(v, rename);
      buf[n] = keyHash(k);
      buf[n + 1] = f[0];
      buf[n + 2] = f[1];
      n += 3;
    }
  } else {
    const f = valueFingerprint(world, rename);
    buf[n] = f[0];
    buf[n + 1] = f[1];
    n += 2;
  }
  for (let j = 0; j < threads.length; j++) {
    const f = part(threads[order === undefined ? j : order[j]!]!, rename);
    buf[n] = f[0];
    buf[n + 1] = f[1];
    n += 2;
  }
  return combine(buf, n, state.faults);
}

/**
 * [hi, lo] of a state from its parts' fingerprints, as `parts` lists them: (keyHash, hi,
 * lo) for each world field present, then (hi, lo) for each thread.
 */
function combine(parts: ArrayLike<number>, n: number, faults: number): [number, number] {
  start();
  mix(n);
  for (let i = 0; i < n; i++) mix(parts[i]!);
  mix(faults);
  return finish();
}

const keyHashes = new Map<string, number>();

/** A 32-bit hash of a field name (the same in every thread and process). */
function keyHash(k: string): number {
  const known = keyHashes.get(k);
  if (known !== undefined) return known;
  let h = 0x811c9dc5;
  for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 16777619);
  keyHashes.set(k, h);
  return h;
}
