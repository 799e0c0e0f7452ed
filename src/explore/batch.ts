// Successors waiting to be looked up in the visited set, in the order they were found. A
// lookup's first read misses the processor's cache: one at a time, each waits for memory.
// The plain BFS (no sleep sets, no symmetry group, no ample sets) expands several states
// into a batch, then reads the home slot of every fingerprint in it in one tight loop, whose
// misses overlap (FingerprintSet.warm()), and then stores them in order, as it would have
// one by one: the same states, ids, parents and counts. A batch holds a copy of each parent's
// vector, its id and its successors' depth, for the queue (Frontier.pushSuccessor()).

import type { Outcome, Vec } from './transition-cache.ts';

/** successors in a batch: enough for the reads to overlap, few enough to stay in the cache */
export const BATCH = 256;
/** parents in a batch */
export const PARENTS = 64;

export class Batch {
  readonly his = new Uint32Array(BATCH);
  readonly los = new Uint32Array(BATCH);
  readonly decisions = new Int32Array(BATCH);
  /** index of each successor's parent (0 .. parents-1) */
  readonly parentOf = new Int32Array(BATCH);
  /** (the transition cache's own: held, not copied) */
  readonly outcomes: Outcome[] = new Array(BATCH);
  /** by parent: its vector (a copy), its id, its successors' depth */
  readonly vecs: Vec[];
  readonly ids = new Int32Array(PARENTS);
  readonly depths = new Int32Array(PARENTS);
  /** successors held */
  n = 0;
  /** parents held */
  parents = 0;

  constructor(width: number) {
    this.vecs = Array.from({ length: PARENTS }, () => new Array<number>(width).fill(0));
  }

  /** Whether a parent with `successors` transitions enabled would not fit. */
  full(successors: number): boolean {
    return this.parents === PARENTS || this.n + successors > BATCH;
  }

  /** Begin a parent's successors: its vector, id, and their depth. */
  begin(vec: Vec, id: number, depth: number): void {
    const p = this.parents++;
    const v = this.vecs[p]!;
    for (let i = 0; i < vec.length; i++) v[i] = vec[i]!;
    this.ids[p] = id;
    this.depths[p] = depth;
  }

  /** Hold a successor of the parent begun last. */
  add(hi: number, lo: number, decision: number, o: Outcome): void {
    const k = this.n++;
    this.his[k] = hi;
    this.los[k] = lo;
    this.decisions[k] = decision;
    this.parentOf[k] = this.parents - 1;
    this.outcomes[k] = o;
  }

  clear(): void {
    this.n = 0;
    this.parents = 0;
  }
}
