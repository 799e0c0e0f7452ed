// BFS's queue of states waiting to be expanded, when they carry nothing but their vector
// (no sleep sets: POR off): records of (id, depth, fingerprint, vector) in chunks of a typed array,
// so a waiting state costs its width in 4-byte words and no object for the garbage
// collector to trace or move.

import type { Vec } from './state-space.ts';

const CHUNK = 1 << 16;

export class Frontier {
  private readonly record: number;
  private readonly perChunk: number;
  private chunks: Int32Array[] = [];
  /** record index of the head in chunks[0], and of the tail in the last chunk */
  private head = 0;
  private tail = 0;
  length = 0;
  /** the id, depth and fingerprint of the state last taken by shift() */
  id = 0;
  depth = 0;
  hi = 0;
  lo = 0;

  constructor(width: number) {
    this.record = width + 4;
    this.perChunk = Math.max(1, Math.floor(CHUNK / this.record));
  }

  push(id: number, depth: number, hi: number, lo: number, vec: Vec): void {
    let last = this.chunks[this.chunks.length - 1];
    if (last === undefined || this.tail === this.perChunk) {
      last = new Int32Array(this.perChunk * this.record);
      this.chunks.push(last);
      this.tail = 0;
    }
    let at = this.tail * this.record;
    last[at++] = id;
    last[at++] = depth;
    last[at++] = hi;
    last[at++] = lo;
    for (let i = 0; i < vec.length; i++) last[at++] = vec[i]!;
    this.tail++;
    this.length++;
  }

  /** Take the oldest state: its vector into `vec`, its id, depth and fingerprint into this.id, ... */
  shift(vec: Vec): void {
    if (this.length === 0) throw new RangeError('the frontier is empty');
    const first = this.chunks[0]!;
    let at = this.head * this.record;
    this.id = first[at++]!;
    this.depth = first[at++]!;
    this.hi = first[at++]! >>> 0;
    this.lo = first[at++]! >>> 0;
    for (let i = 0; i < vec.length; i++) vec[i] = first[at++]!;
    this.length--;
    if (++this.head === this.perChunk || this.length === 0) {
      // a used-up chunk is dropped; the last one is reused from its start
      if (this.chunks.length > 1) this.chunks.shift();
      else this.tail = 0;
      this.head = 0;
    }
  }

  get bytes(): number {
    return this.chunks.length * this.perChunk * this.record * 4;
  }
}
