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
  /** names the footprint among those recorded (a recorded footprint is reused by the transition cache) */
  id: number;
  /** independent() with later footprints, by their id */
  verdicts?: Map<number, boolean>;
}

/** Ids of footprints recorded so far (a footprint's id names it in other footprints' verdicts). */
let footprints = 0;

// Paths form one trie shared by every recording: each node owns its path text and its
// children, so recording a step builds no strings, only proxies for the objects the step
// touches and, per recording, a handler for each path it reaches.

const RAW = Symbol('raw');

class PathNode {
  private readonly children = new Map<string, PathNode>();
  constructor(readonly path: string) {}

  child(key: string): PathNode {
    let c = this.children.get(key);
    if (c === undefined) {
      c = new PathNode(`${this.path}/${key}`);
      this.children.set(key, c);
    }
    return c;
  }
}

const ROOT = new PathNode('');

/** One recording: the footprint it fills, and the views it made of the world's objects. */
class Recording {
  readonly footprint: Footprint = { reads: new Set(), writes: new Set(), id: ++footprints };
  private readonly proxies = new Map<object, object>();
  private readonly handlers = new Map<PathNode, ProxyHandler<object>>();

  wrap(obj: object, node: PathNode): object {
    let proxy = this.proxies.get(obj);
    if (proxy === undefined) {
      proxy = new Proxy(obj, this.handler(node));
      this.proxies.set(obj, proxy);
    }
    return proxy;
  }

  private handler(node: PathNode): ProxyHandler<object> {
    let h = this.handlers.get(node);
    if (h !== undefined) return h;
    const { reads, writes } = this.footprint;
    const rec = this;
    h = {
      get(t, k) {
        if (k === RAW) return t;
        const v = (t as any)[k];
        if (typeof k === 'symbol' || typeof v === 'function') return v;
        const child = node.child(k);
        if (v !== null && typeof v === 'object') return rec.wrap(v, child);
        reads.add(child.path);
        return v;
      },
      set(t, k, v) {
        const key = String(k);
        if (Array.isArray(t) ? key !== 'length' && Number(key) >= t.length : !(key in t))
          writes.add(node.child(Array.isArray(t) ? 'length' : '#keys').path);
        writes.add(node.child(key).path);
        (t as any)[k] = v !== null && typeof v === 'object' ? ((v as any)[RAW] ?? v) : v;
        return true;
      },
      deleteProperty(t, k) {
        writes.add(node.child(String(k)).path);
        writes.add(node.child(Array.isArray(t) ? 'length' : '#keys').path);
        return delete (t as any)[k];
      },
      has(t, k) {
        reads.add(node.child(String(k)).path);
        return k in t;
      },
      ownKeys(t) {
        reads.add(node.child(Array.isArray(t) ? 'length' : '#keys').path);
        return Reflect.ownKeys(t);
      },
      getOwnPropertyDescriptor(t, k) {
        reads.add(node.child(String(k)).path);
        return Reflect.getOwnPropertyDescriptor(t, k);
      },
    };
    this.handlers.set(node, h);
    return h;
  }

  readonly access: WorldAccess = {
    wrap: <T>(world: T): T => (world !== null && typeof world === 'object' ? (this.wrap(world, ROOT) as T) : world),
    note: (path, write) => void (write ? this.footprint.writes : this.footprint.reads).add(`/${path}`),
    unwrap,
  };
}

/** Replace, in place, every view inside a value by the object it views. */
function unwrap<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  const raw = ((v as any)[RAW] ?? v) as any;
  for (const k of Object.keys(raw)) {
    const x = raw[k];
    if (x !== null && typeof x === 'object') raw[k] = unwrap(x);
  }
  return raw;
}

/** A WorldAccess that records into a new footprint. */
export function recorder(): { footprint: Footprint; access: WorldAccess } {
  const r = new Recording();
  return { footprint: r.footprint, access: r.access };
}

function overlaps(a: string, b: string): boolean {
  if (a.length === b.length) return a === b;
  return a.length < b.length ? b.startsWith(a) && b[a.length] === '/' : a.startsWith(b) && a[b.length] === '/';
}

function meets(xs: Set<string>, ys: Set<string>): boolean {
  for (const x of xs) for (const y of ys) if (overlaps(x, y)) return true;
  return false;
}

/** Verdicts kept per footprint, at most (memory stays bounded; past it they are recomputed). */
const VERDICTS = 256;

/** Transitions of different threads with these footprints commute in the state they were recorded in. */
export function independent(a: Footprint, b: Footprint): boolean {
  // the verdict is kept on the older footprint, by the newer one's id
  const [x, y] = a.id < b.id ? [a, b] : [b, a];
  let v = x.verdicts?.get(y.id);
  if (v === undefined) {
    v = !meets(a.writes, b.writes) && !meets(a.writes, b.reads) && !meets(b.writes, a.reads);
    if ((x.verdicts ??= new Map()).size < VERDICTS) x.verdicts.set(y.id, v);
  }
  return v;
}
