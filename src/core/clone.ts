// Deep copy of plain data (objects, arrays, strings, numbers, booleans, null): what a
// step's effect mutates when no patches are wanted: stepWorld() copies each world field
// the step touches, whole, and shares the rest. Faster than an immer draft on the
// exploration hot path (`npm run bench`, "Hot path"); immer stays for traces, where the
// patches are the point.

export function clonePlain<T>(v: T): T {
  if (Array.isArray(v)) {
    const n = v.length;
    const a = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = v[i];
      a[i] = x !== null && typeof x === 'object' ? clonePlain(x) : x;
    }
    return a as T;
  }
  const o: any = {};
  for (const k in v) {
    const x = (v as any)[k];
    o[k] = x !== null && typeof x === 'object' ? clonePlain(x) : x;
  }
  return o;
}

interface Holder {
  /** the world stepped from: never written */
  base: Record<string, unknown>;
  /** the next world: its fields are the base's until first touched */
  copy: Record<string, unknown>;
  /** the fields the step touched, in order, when asked for (state-space.ts keys its transition cache by them) */
  touched?: string[];
}

/** In `touched`: the step listed the world's fields (Object.keys, for..in, a spread). */
export const EVERY_FIELD = '*';
/** In `touched`: the fault count decided what the step offered (a fallible step's choices). */
export const FAULTS = '#faults';

function touch(h: Holder, k: string | symbol): void {
  if (h.touched !== undefined && typeof k === 'string' && !h.touched.includes(k)) h.touched.push(k);
}

/** A field is copied on its first access through the view: after that, the copy's own. */
const copyOnAccess: ProxyHandler<Holder> = {
  get(h, k) {
    touch(h, k);
    let v = h.copy[k as string];
    if (v !== null && typeof v === 'object' && v === h.base[k as string]) {
      v = clonePlain(v);
      h.copy[k as string] = v;
    }
    return v;
  },
  set(h, k, v) {
    touch(h, k);
    h.copy[k as string] = v;
    return true;
  },
  defineProperty(h, k, d) {
    touch(h, k);
    return Reflect.defineProperty(h.copy, k, d);
  },
  deleteProperty(h, k) {
    touch(h, k);
    return delete h.copy[k as string];
  },
  has(h, k) {
    touch(h, k);
    return k in h.copy;
  },
  ownKeys(h) {
    touch(h, EVERY_FIELD); // the step saw which fields there are
    return Reflect.ownKeys(h.copy);
  },
  getOwnPropertyDescriptor(h, k) {
    copyOnAccess.get!(h, k, h);
    return Reflect.getOwnPropertyDescriptor(h.copy, k);
  },
};

/**
 * The next world for a step: `view` is what the step mutates; `world` is the next world,
 * sharing with `base` every field (a table: files, fdtable, ...) the step did not touch.
 * Untouched fields stay the same objects, neither copied nor walked again (the explorers
 * re-fingerprint only the fields a step touched: src/explore/state-space.ts). With `touched`, the names of
 * the fields the step read or wrote are appended to it.
 */
export function stepWorld<W>(base: W, touched?: string[]): { view: W; world: W } {
  if (base === null || typeof base !== 'object' || Array.isArray(base)) {
    const world = clonePlain(base); // a world that is not a record of fields: copied whole
    return { view: world, world };
  }
  const holder: Holder = {
    base: base as Record<string, unknown>,
    copy: { ...(base as Record<string, unknown>) },
    touched,
  };
  return { view: new Proxy(holder, copyOnAccess) as unknown as W, world: holder.copy as W };
}
