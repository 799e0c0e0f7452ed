// Zobrist hashing of state vectors: a state's 64-bit fingerprint is the XOR of one key per
// slot, made from the slot number and the fingerprint of the part in it, so a successor's
// fingerprint is its parent's with the keys of the changed slots swapped (state-space.ts).
// A key is murmur3's 32-bit finaliser run over both lanes, crossed.

/** A 64-bit fingerprint being built, as two unsigned 32-bit lanes. */
export class Zobrist {
  constructor(
    public hi = 0,
    public lo = 0,
  ) {}

  /** XOR in the key of the part with fingerprint (ph, pl) in slot `slot`. */
  add(slot: number, ph: number, pl: number): this {
    let a = ph ^ Math.imul(slot + 1, 0x9e3779b9);
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
    a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
    a ^= a >>> 16;
    let b = pl ^ a ^ Math.imul(slot + 1, 0x7feb352d);
    b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
    b ^= b >>> 16;
    a = Math.imul(a ^ b, 0x846ca68b);
    this.hi = (this.hi ^ (a ^ (a >>> 15))) >>> 0;
    this.lo = (this.lo ^ b) >>> 0;
    return this;
  }

  /** XOR in another sum. */
  xor(hi: number, lo: number): this {
    this.hi = (this.hi ^ hi) >>> 0;
    this.lo = (this.lo ^ lo) >>> 0;
    return this;
  }
}
