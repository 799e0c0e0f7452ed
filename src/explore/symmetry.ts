// Symmetry reduction: threads of one symmetry group (identical userspace threads) are
// interchangeable, so states that differ only by a permutation of them are one state.
// A state is stored under its canonical fingerprint: each group's threads sorted by the
// fingerprint of their part (pc, locals), ties by index, and every string in the state
// equal to the name of a moved thread renamed along (the world names threads, e.g. a
// mapping's owner or an observation's thread).
//
// Restriction on models (see README, "Exhaustive checking"): the state may refer to a
// thread of a symmetry group only by its exact name as a whole string value (not as an
// object key, not inside a longer string, not by its index), and properties must not
// depend on which of the interchangeable threads did what. Ties (equal pc and locals,
// different references in the world) leave a state partly canonical: sound, less reduced.

import type { TransitionSystem } from '../core/system.ts';
import type { PartTable } from './parts.ts';
import type { Vec } from './transition-cache.ts';
import { valueFingerprint } from './value-fingerprint.ts';
import type { Zobrist } from './zobrist.ts';

export interface Permutation {
  /** perm[thread] = the thread's position in the canonical state */
  perm: Int32Array;
  /** order[j] = the thread at canonical position j */
  order: Int32Array;
  rename: Map<string, string>;
  /** parts' fingerprints with the names renamed: [2 id] hi, [2 id + 1] lo */
  renamed: number[];
}

/** The symmetry groups of more than one thread, as thread indices. */
export function symmetryGroups(system: TransitionSystem): number[][] {
  const groups = new Map<string, number[]>();
  system.symmetry.forEach((g, i) => {
    if (g !== undefined) groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  return [...groups.values()].filter((m) => m.length > 1);
}

/** The canonical order of a state vector's threads, one object per permutation met. */
export class Symmetry {
  /** symmetry groups with more than one thread, as thread indices (none: reduction off) */
  readonly groups: number[][];
  /** permutations met, by their order (a number; text past 13 threads) */
  private readonly perms = new Map<number | string, Permutation>();
  /** scratch of permutation(), never handed out */
  private readonly order: Int32Array;
  private readonly sorted: Int32Array;

  constructor(
    system: TransitionSystem,
    on: boolean,
    private readonly parts: PartTable,
    /** the slot of thread 0 in a vector */
    private readonly firstThread: number,
    private readonly names: readonly string[] = system.threadNames,
  ) {
    this.groups = on ? symmetryGroups(system) : [];
    this.order = new Int32Array(names.length);
    this.sorted = new Int32Array(names.length);
  }

  get on(): boolean {
    return this.groups.length > 0;
  }

  /** Each group's threads sorted by their part's fingerprint, ties by index; undefined: as they are. */
  permutation(vec: Vec): Permutation | undefined {
    if (this.groups.length === 0) return undefined;
    const T = this.firstThread;
    const fp = this.parts.fp;
    const order = this.order;
    for (let i = 0; i < order.length; i++) order[i] = i;
    let moved = false;
    for (const members of this.groups) {
      // insertion sort of the members by (fingerprint, index): groups are small
      const idx = this.sorted;
      for (let j = 0; j < members.length; j++) idx[j] = members[j]!;
      for (let j = 1; j < members.length; j++) {
        const x = idx[j]!;
        const xh = fp[2 * vec[T + x]!]!;
        const xl = fp[2 * vec[T + x]! + 1]!;
        let k = j - 1;
        for (; k >= 0; k--) {
          const y = idx[k]!;
          const yh = fp[2 * vec[T + y]!]!;
          const yl = fp[2 * vec[T + y]! + 1]!;
          if (yh < xh || (yh === xh && (yl < xl || (yl === xl && y < x)))) break;
          idx[k + 1] = y;
        }
        idx[k + 1] = x;
      }
      for (let j = 0; j < members.length; j++) {
        if (idx[j] === members[j]) continue;
        order[members[j]!] = idx[j]!;
        moved = true;
      }
    }
    if (!moved) return undefined;
    let key: number | string = 0;
    if (order.length <= 13) for (let i = 0; i < order.length; i++) key = key * order.length + order[i]!;
    else key = order.join(',');
    let p = this.perms.get(key);
    if (p === undefined) {
      const perm = new Int32Array(order.length);
      const rename = new Map<string, string>();
      order.forEach((from, to) => {
        perm[from] = to;
        if (from !== to) rename.set(this.names[from]!, this.names[to]!);
      });
      p = { perm, order: Int32Array.from(order), rename, renamed: [] };
      this.perms.set(key, p);
    }
    return p;
  }

  /** Add to `z` the key of part `id` in `slot`, with `p`'s renaming of thread names (kept per permutation). */
  addRenamed(z: Zobrist, slot: number, id: number, p: Permutation): void {
    let hi = p.renamed[2 * id];
    let lo = p.renamed[2 * id + 1];
    if (hi === undefined || lo === undefined) {
      [hi, lo] = valueFingerprint(this.parts.values[id], p.rename);
      p.renamed[2 * id] = hi;
      p.renamed[2 * id + 1] = lo;
    }
    z.add(slot, hi, lo);
  }
}
