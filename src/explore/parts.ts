// The distinct parts of states (a world field's value, a thread's pc and locals), each
// stored once and named by a small integer, so a state is a vector of part numbers
// (state-space.ts). Parts are told apart by their 64-bit fingerprint (the same risk of a
// collision as the visited set takes), and never change once stored: many states share
// each. SPIN's -DCOLLAPSE compression stores states the same way.

import { FingerprintSet } from './fingerprint-set.ts';
import { valueFingerprint } from './value-fingerprint.ts';

/** The number of `undefined` (a world field deleted or never set): in no fingerprint. */
export const UNDEFINED = 0;

export class PartTable {
  readonly values: unknown[] = [undefined];
  /** fingerprint of part i at [2i, 2i + 1] */
  fp = new Uint32Array(1024);
  private readonly index = new FingerprintSet(1024, true);

  get size(): number {
    return this.values.length;
  }

  /** The number of a part, storing it when it is new (it must not change afterwards). */
  intern(v: unknown): number {
    if (v === undefined) return UNDEFINED;
    const [hi, lo] = valueFingerprint(v);
    const slot = this.index.insert(hi, lo);
    if (slot < 0) return this.index.value(-slot - 1);
    const id = this.values.length;
    this.index.setValue(slot, id);
    this.values.push(v);
    if (2 * id + 2 > this.fp.length) {
      const fp = new Uint32Array(this.fp.length * 2);
      fp.set(this.fp);
      this.fp = fp;
    }
    this.fp[2 * id] = hi;
    this.fp[2 * id + 1] = lo;
    return id;
  }
}
