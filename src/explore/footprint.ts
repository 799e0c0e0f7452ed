// Footprints for partial-order reduction: what one transition read and wrote of the world,
// as paths ('files/3/count', 'fdtable/fd/2', 'vmas/length'), recorded by running the step
// on a proxy of the world. Two transitions of different threads are independent in a state
// when neither writes what the other reads or writes (a path conflicts with itself and
// with its prefixes): then they commute, and neither enables or disables the other, since
// the guard and the choices are recorded as reads too.

import type { WorldAccess } from '../core/system.ts';

export interface Footprint {
  reads: Set<string>;
  writes: Set<string>;
}

/** A WorldAccess that records into a new footprint. */
export function recorder(): { footprint: Footprint; access: WorldAccess } {
  const footprint: Footprint = { reads: new Set(), writes: new Set() };
  const { reads, writes } = footprint;
  const proxies = new WeakMap<object, object>();
  const targets = new WeakMap<object, object>();
  const unwrap = (v: unknown): unknown => (v !== null && typeof v === 'object' ? (targets.get(v) ?? v) : v);

  const wrap = (obj: object, path: string): object => {
    const known = proxies.get(obj);
    if (known) return known;
    const array = Array.isArray(obj);
    const at = (k: string | symbol) => `${path}/${String(k)}`;
    const proxy = new Proxy(obj, {
      get(t, k) {
        const v = (t as any)[k];
        if (typeof k === 'symbol' || typeof v === 'function') return v;
        if (v !== null && typeof v === 'object') return wrap(v, at(k));
        reads.add(at(k));
        return v;
      },
      set(t, k, v) {
        if (array && k !== 'length' && Number(k) >= (t as unknown[]).length) writes.add(at('length'));
        else if (!array && !(k in t)) writes.add(at('#keys'));
        writes.add(at(k));
        (t as any)[k] = unwrap(v);
        return true;
      },
      deleteProperty(t, k) {
        writes.add(at(k));
        writes.add(at(array ? 'length' : '#keys'));
        return delete (t as any)[k];
      },
      has(t, k) {
        reads.add(at(k));
        return k in t;
      },
      ownKeys(t) {
        reads.add(at(array ? 'length' : '#keys'));
        return Reflect.ownKeys(t);
      },
      getOwnPropertyDescriptor(t, k) {
        reads.add(at(k));
        return Reflect.getOwnPropertyDescriptor(t, k);
      },
    });
    proxies.set(obj, proxy);
    targets.set(proxy, obj);
    return proxy;
  };

  const access: WorldAccess = {
    wrap: <T>(world: T): T => (world !== null && typeof world === 'object' ? (wrap(world, '') as T) : world),
    note: (path, write) => void (write ? writes : reads).add(`/${path}`),
  };
  return { footprint, access };
}

function overlaps(a: string, b: string): boolean {
  if (a.length === b.length) return a === b;
  return a.length < b.length ? b.startsWith(a) && b[a.length] === '/' : a.startsWith(b) && a[b.length] === '/';
}

function meets(xs: Set<string>, ys: Set<string>): boolean {
  for (const x of xs) for (const y of ys) if (overlaps(x, y)) return true;
  return false;
}

/** Transitions of different threads with these footprints commute in the state they were recorded in. */
export function independent(a: Footprint, b: Footprint): boolean {
  return !meets(a.writes, b.writes) && !meets(a.writes, b.reads) && !meets(b.writes, a.reads);
}
