// The 64-bit fingerprint of a plain value, computed by walking it: two multiply-xor lanes
// (cyrb53's mixing) fed with a type tag and the contents of each value (object keys in
// order, array lengths), so no text of the value is built. The part table (parts.ts) names
// parts by it, and the Zobrist keys of a state vector are made from it. `rename` maps
// strings (thread names, for symmetry reduction).

/** One walk's two lanes. */
class Lanes {
  h1 = 0xdeadbeef;
  h2 = 0x41c6ce57;

  mix(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 2654435761);
    this.h2 = Math.imul(this.h2 ^ c, 1597334677);
  }

  /** The length first, so that no string's characters can run into what follows it. */
  mixString(s: string): void {
    this.mix(s.length);
    for (let i = 0; i < s.length; i++) this.mix(s.charCodeAt(i));
  }

  walk(v: unknown, rename: Map<string, string> | undefined): void {
    if (v === null) return this.mix(1);
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) return this.mix(1); // as JSON: null
        if (Number.isInteger(v) && Math.abs(v) < 0x80000000) {
          this.mix(2);
          return this.mix(v | 0);
        }
        this.mix(3);
        return this.mixString(String(v));
      case 'boolean':
        return this.mix(v ? 4 : 5);
      case 'string':
        this.mix(6);
        return this.mixString(rename === undefined ? v : (rename.get(v) ?? v));
      case 'object':
        if (Array.isArray(v)) {
          this.mix(7);
          this.mix(v.length);
          for (let i = 0; i < v.length; i++) this.walk(v[i], rename);
          return;
        }
        this.mix(8);
        for (const k in v) {
          const x = (v as Record<string, unknown>)[k];
          if (x === undefined) continue; // as JSON: an undefined property is no property
          this.mix(11);
          this.mixString(k);
          this.walk(x, rename);
        }
        return this.mix(9);
      default:
        return this.mix(1); // undefined in an array: as JSON, null
    }
  }

  finish(): [number, number] {
    const { h1, h2 } = this;
    let a = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    a ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    let b = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    b ^= Math.imul(a ^ (a >>> 13), 3266489909);
    return [b >>> 0, a >>> 0];
  }
}

/** [hi, lo] of a plain value. */
export function valueFingerprint(v: unknown, rename?: Map<string, string>): [number, number] {
  const lanes = new Lanes();
  lanes.walk(v, rename);
  return lanes.finish();
}
