// 64-bit FNV-1a over UTF-16 code units, computed in two 32-bit halves so it stays in
// small integers (no BigInt on the hot path).

const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;

/** Returns [hi, lo] of the 64-bit FNV-1a hash of s. */
export function fnv1a64(s: string): [number, number] {
  let hi = FNV_OFFSET_HI;
  let lo = FNV_OFFSET_LO;
  for (let i = 0; i < s.length; i++) {
    lo = (lo ^ s.charCodeAt(i)) >>> 0;
    // multiply (hi,lo) by the FNV prime 0x100000001b3 = 2^40 + 0x1b3
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    hi = (hi * 0x1b3 + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = newLo;
  }
  return [hi >>> 0, lo >>> 0];
}

/** 16 hex digits of the 64-bit FNV-1a hash of s. */
export function hashHex(s: string): string {
  const [hi, lo] = fnv1a64(s);
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
