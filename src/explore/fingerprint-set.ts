// The set of visited states of the exhaustive explorers: 64-bit fingerprints in an
// open-addressing hash table on typed arrays (linear probing, the slot picked by scaling
// the hash rather than masking it, so any size will do). Past a load of 0.85 it doubles, or
// grows by 1.4x when the memory bound leaves no room for more (Bounds.admit()): a stored
// state costs 8 bytes per slot, 9.4 to 18.8 bytes, and no JS object. Doubling rather than
// growing by 1.4x moves each fingerprint about once instead of 2.5 times, and keeps the
// probes shorter: 10-20% off the whole search at 18-26M states (README, "Benchmarks"). A
// fingerprint collision makes two states look the same and hides the second:
// collisionProbability() estimates the chance that happened, the way TLC does.

export const MAX_LOAD = 0.85;
export const GROWTH = 2;
/** the growth when GROWTH's would not fit in memory */
export const MIN_GROWTH = 1.4;

/** The first slot to probe for a fingerprint in a table of `slots` slots. */
export function home(hi: number, lo: number, slots: number): number {
  return Math.floor((((lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0) / 4294967296) * slots);
}

/** Thrown when the table cannot grow (the typed array could not be allocated). */
export class SetFullError extends Error {}

export class FingerprintSet {
  /** slot i holds (hi, lo) at [2i, 2i+1]; (0, 0) marks an empty slot */
  private table: Uint32Array;
  /** optional one 32-bit value per slot (the explorers keep sleep sets there) */
  private vals: Uint32Array | undefined;
  slots: number;
  size = 0;
  /** past this many stored fingerprints the table grows */
  limit: number;
  /** what warm() read (kept, so that its reads are not dropped as unused) */
  warmth = 0;
  /** the factor of the next growth: GROWTH, or MIN_GROWTH once a memory bound said so */
  growth = GROWTH;

  constructor(capacity = 256, withValues = false) {
    this.slots = Math.max(16, Math.ceil(capacity / MAX_LOAD));
    this.limit = Math.floor(this.slots * MAX_LOAD);
    this.table = new Uint32Array(this.slots * 2);
    this.vals = withValues ? new Uint32Array(this.slots) : undefined;
  }

  get bytes(): number {
    return this.table.byteLength + (this.vals?.byteLength ?? 0);
  }

  /** Bytes the next growth allocates on top of the current table. */
  get growthBytes(): number {
    return Math.ceil(this.bytes * this.growth);
  }

  /** The slot holding (hi, lo), or the empty slot where it would go. */
  private probe(hi: number, lo: number): number {
    const t = this.table;
    const slots = this.slots;
    let i = home(hi, lo, slots);
    for (;;) {
      const h = t[2 * i]!;
      const l = t[2 * i + 1]!;
      if ((h === 0 && l === 0) || (h === hi && l === lo)) return i;
      if (++i === slots) i = 0;
    }
  }

  /**
   * Insert a fingerprint. Returns its slot when it was new, or -(slot + 1) when it was
   * already there. Slots move when the table grows: use one before the next insert.
   */
  insert(hi: number, lo: number): number {
    if (hi === 0 && lo === 0) lo = 1; // (0, 0) is the empty mark
    if (this.size + 1 > this.limit) this.grow();
    const i = this.probe(hi, lo);
    if (this.table[2 * i] === hi && this.table[2 * i + 1] === lo) return -(i + 1);
    this.table[2 * i] = hi;
    this.table[2 * i + 1] = lo;
    this.size++;
    return i;
  }

  /**
   * Read the home slot of each of `n` fingerprints, in one loop: the reads do not wait for
   * each other, so their cache misses overlap, and the inserts that follow find the slots
   * in the cache (batch.ts). Only the speed of those inserts depends on it.
   */
  warm(his: Uint32Array, los: Uint32Array, n: number): void {
    const t = this.table;
    const slots = this.slots;
    let x = 0;
    for (let k = 0; k < n; k++) x ^= t[2 * home(his[k]!, los[k]!, slots)]!;
    this.warmth = x;
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const i = this.probe(hi, lo);
    return this.table[2 * i] === hi && this.table[2 * i + 1] === lo;
  }

  value(slot: number): number {
    return this.vals![slot]!;
  }

  setValue(slot: number, v: number): void {
    this.vals![slot] = v;
  }

  private grow(): void {
    const old = this.table;
    const oldVals = this.vals;
    const slots = Math.ceil(this.slots * this.growth);
    try {
      this.table = new Uint32Array(slots * 2);
      this.vals = oldVals ? new Uint32Array(slots) : undefined;
    } catch {
      this.table = old;
      this.vals = oldVals;
      throw new SetFullError(`cannot grow the fingerprint set to ${slots} slots`);
    }
    this.slots = slots;
    this.limit = Math.floor(slots * MAX_LOAD);
    const t = this.table;
    for (let j = 0; j < old.length; j += 2) {
      const hi = old[j]!;
      const lo = old[j + 1]!;
      if (hi === 0 && lo === 0) continue;
      let i = home(hi, lo, slots);
      while (t[2 * i] !== 0 || t[2 * i + 1] !== 0) if (++i === slots) i = 0;
      t[2 * i] = hi;
      t[2 * i + 1] = lo;
      if (oldVals) this.vals![i] = oldVals[j / 2]!;
    }
  }
}

/**
 * TLC's optimistic estimate of the probability that a fingerprint collision hid a state:
 * n distinct states among m generated ones, each new state compared with n stored 64-bit
 * fingerprints: about n * (m - n) / 2^64.
 */
export function collisionProbability(distinct: number, generated: number): number {
  return (distinct * Math.max(0, generated - distinct)) / 2 ** 64;
}
