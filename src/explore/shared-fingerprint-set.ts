// The visited set of the parallel BFS: the table of fingerprint-set.ts in shared memory,
// written by every worker at once without locks. A slot is claimed by a compare-and-swap
// of its high word from 0 (empty); the claimer then stores the low word, and a reader
// that finds a claimed slot whose low word is still 0 waits for it. So each half of a
// stored fingerprint is nonzero (0 is read as 1). The table cannot grow while workers
// insert: they pause when it passes its load limit, and the main thread grows it
// between rounds (grow()).

import { GROWTH, home, MAX_LOAD } from './fingerprint-set.ts';

export interface SharedTable {
  /** 2 x 32 bits a slot */
  table: SharedArrayBuffer;
  /** [stored fingerprints] */
  header: SharedArrayBuffer;
}

/** Thrown by insert() when the table has no room left: the caller pauses until it grows. */
export class TableFull extends Error {}

/** Most workers that may insert at once: as many slots are kept free, so the table never fills. */
export const MAX_WORKERS = 64;
const RESERVE = MAX_WORKERS;

export class SharedFingerprintSet {
  private readonly t: Int32Array;
  private readonly h: Int32Array;
  readonly slots: number;

  constructor(readonly shared: SharedTable) {
    this.t = new Int32Array(shared.table);
    this.h = new Int32Array(shared.header);
    this.slots = this.t.length / 2;
  }

  /** A table of at least `slots` slots (and never fewer than 4 x RESERVE). */
  static create(slots: number): SharedFingerprintSet {
    const n = Math.max(slots, 4 * RESERVE);
    return new SharedFingerprintSet({ table: new SharedArrayBuffer(n * 8), header: new SharedArrayBuffer(8) });
  }

  get size(): number {
    return Atomics.load(this.h, 0);
  }

  get bytes(): number {
    return this.t.byteLength;
  }

  /** Inserting past this many fingerprints waits for the table to grow. */
  get full(): boolean {
    return this.size >= this.slots * MAX_LOAD;
  }

  /** Insert a fingerprint; true when it was not there (this caller stored it). Throws TableFull. */
  insert(hi: number, lo: number): boolean {
    const h = hi | 0 || 1;
    const l = lo | 0 || 1;
    const t = this.t;
    const slots = this.slots;
    let i = home(h >>> 0, l >>> 0, slots);
    for (;;) {
      let found = Atomics.load(t, 2 * i);
      if (found === 0) {
        if (Atomics.load(this.h, 0) >= slots - RESERVE)
          throw new TableFull(`shared fingerprint set full (${slots} slots)`);
        found = Atomics.compareExchange(t, 2 * i, 0, h);
        if (found === 0) {
          Atomics.store(t, 2 * i + 1, l);
          Atomics.add(this.h, 0, 1);
          return true;
        }
      }
      if (found === h) {
        let low = Atomics.load(t, 2 * i + 1);
        while (low === 0) low = Atomics.load(t, 2 * i + 1); // the claimer is about to store it
        if (low === l) return false;
      }
      if (++i === slots) i = 0;
    }
  }

  /** A table `factor` times larger with the same fingerprints; only while no worker inserts. */
  grow(factor = GROWTH): SharedFingerprintSet {
    const next = SharedFingerprintSet.create(Math.ceil(this.slots * factor));
    const t = this.t;
    const n = next.t;
    for (let j = 0; j < t.length; j += 2) {
      const h = t[j]!;
      if (h === 0) continue;
      const l = t[j + 1]!;
      let i = home(h >>> 0, l >>> 0, next.slots);
      while (n[2 * i] !== 0) if (++i === next.slots) i = 0;
      n[2 * i] = h;
      n[2 * i + 1] = l;
    }
    next.h[0] = this.size;
    return next;
  }
}
