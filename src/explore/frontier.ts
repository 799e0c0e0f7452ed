// The states waiting to be expanded, in the order they were found (BFS's queue, a
// worker's layer). One interface, two stores: nodes as objects when they carry sleep sets
// (POR), or, when they carry nothing but their vector, records of (id, depth, fingerprint,
// vector) in chunks of a typed array, so a waiting state costs its width in 4-byte words
// and no object for the garbage collector to trace or move.

import { NO_SLEEP } from './sleep-sets.ts';
import type { Node } from './exhaustive.ts';
import type { Outcome, Vec } from './transition-cache.ts';

export interface Frontier {
  readonly length: number;
  push(node: Node): void;
  /** the oldest node (a RangeError when there is none) */
  shift(): Node;
}

/** Nodes as objects (with POR: their sleep sets and enabled transitions). */
export class NodeFrontier implements Frontier {
  private nodes: Node[] = [];
  private head = 0;

  get length(): number {
    return this.nodes.length - this.head;
  }

  push(node: Node): void {
    this.nodes.push(node);
  }

  shift(): Node {
    if (this.head >= this.nodes.length) throw new RangeError('the frontier is empty');
    const node = this.nodes[this.head++]!;
    if (this.head > 4096 && this.head * 2 > this.nodes.length) {
      this.nodes.splice(0, this.head);
      this.head = 0;
    }
    return node;
  }
}

const CHUNK = 1 << 16;

/** Nodes without sleep sets, as typed-array records: shift() makes each node afresh. */
export class VectorFrontier implements Frontier {
  private readonly record: number;
  private readonly perChunk: number;
  private chunks: Int32Array[] = [];
  /** record index of the head in chunks[0], and of the tail in the last chunk */
  private head = 0;
  private tail = 0;
  length = 0;

  constructor(private readonly width: number) {
    this.record = width + 4;
    this.perChunk = Math.max(1, Math.floor(CHUNK / this.record));
  }

  push(node: Node): void {
    const at = this.claim(node.id, node.depth, node.fingerprint.hi, node.fingerprint.lo);
    const last = this.chunks[this.chunks.length - 1]!;
    const vec = node.vec;
    for (let i = 0; i < vec.length; i++) last[at + i] = vec[i]!;
  }

  /** Push the successor of `parent` by outcome `o`, as push() would push its node. */
  pushSuccessor(parent: Vec, o: Outcome, id: number, depth: number, hi: number, lo: number): void {
    const at = this.claim(id, depth, hi, lo);
    const last = this.chunks[this.chunks.length - 1]!;
    for (let i = 0; i < parent.length; i++) last[at + i] = parent[i]!;
    last[at] = parent[0]! + o.faults;
    const w = o.writes;
    for (let i = 0; i < w.length; i += 2) last[at + w[i]!] = w[i + 1]!;
  }

  /** A new record's header written; returns where its vector goes in the last chunk. */
  private claim(id: number, depth: number, hi: number, lo: number): number {
    let last = this.chunks[this.chunks.length - 1];
    if (last === undefined || this.tail === this.perChunk) {
      last = new Int32Array(this.perChunk * this.record);
      this.chunks.push(last);
      this.tail = 0;
    }
    const at = this.tail * this.record;
    last[at] = id;
    last[at + 1] = depth;
    last[at + 2] = hi;
    last[at + 3] = lo;
    this.tail++;
    this.length++;
    return at + 4;
  }

  shift(): Node {
    return this.shiftInto(plainNode(new Array<number>(this.width), 0, 0, 0, 0));
  }

  /** shift() into `node` (a plain node with a vector of the width), overwritten: no allocation. */
  shiftInto(node: Node): Node {
    if (this.length === 0) throw new RangeError('the frontier is empty');
    const first = this.chunks[0]!;
    let at = this.head * this.record;
    node.id = first[at++]!;
    node.depth = first[at++]!;
    node.fingerprint.hi = first[at++]! >>> 0;
    node.fingerprint.lo = first[at++]! >>> 0;
    const vec = node.vec;
    for (let i = 0; i < vec.length; i++) vec[i] = first[at++]!;
    this.length--;
    if (++this.head === this.perChunk || this.length === 0) {
      // a used-up chunk is dropped; the last one is reused from its start
      if (this.chunks.length > 1) this.chunks.shift();
      else this.tail = 0;
      this.head = 0;
    }
    return node;
  }
}

/** A node to queue without POR: a state stored for the first time. */
export function plainNode(vec: number[], id: number, depth: number, hi: number, lo: number): Node {
  return {
    vec,
    depth,
    enabled: undefined,
    ranks: undefined,
    sleep: NO_SLEEP,
    id,
    first: true,
    fingerprint: { hi, lo },
  };
}
