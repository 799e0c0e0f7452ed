// Folios of a memfd's page cache, their lock (PG_locked: folio_lock / folio_unlock,
// mm/filemap.c) and their FOLL_PIN pins (mm/gup.c): try_grab_folio(FOLL_PIN)
// takes one pin, unpin_folio() drops one, unpin_folios() drops one per array entry
// (runs of the same folio coalesced into one gup_put_folio(folio, n)). A folio may be
// pinned several times (two udmabuf items over the same folio): pins are a multiset.
//
// Besides the kernel's pin count, each pin records who took it and whether the memfd
// forbade writes at that moment (ghost state, for the properties: the kernel only has the
// count). Dropping a pin with a zero count, or one its holder never took, is the
// `unpin-not-pinned` bug (a pincount/refcount underflow: VM_BUG_ON, or a use-after-free
// once the refcount reaches 0).

import { ModelError, violation } from '../../src/index.ts';
import type { KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

export const PAGE_SIZE = 4096;

/** One FOLL_PIN pin (ghost: the kernel keeps only the count). */
export interface Pin {
  /** who took it, e.g. 'ubuf0' */
  holder: string;
  /** the memfd had F_SEAL_WRITE or F_SEAL_FUTURE_WRITE when it was taken */
  writeSealed: boolean;
}

export interface Folio {
  /** the memfd (index in world.memfds) whose page cache holds it */
  memfd: number;
  /** folio->index: the file page of its first page */
  index: number;
  /** folio_nr_pages(): 1, or more for a THP / hugetlb folio */
  nrPages: number;
  /** folio_maybe_dma_pinned(): FOLL_PIN pins held */
  pincount: number;
  /** the pins, one entry each */
  pins: Pin[];
  /** still in the page cache (truncation and inode eviction take it out) */
  inCache: boolean;
  /** PG_locked: the thread holding folio_lock(), or null */
  locked: string | null;
}

export interface FolioWorld extends KernelWorld {
  folios: Folio[];
}

/** The name of a folio's lock, for waits and deadlock cycles. */
export const folioLockName = (folio: number) => `folio${folio}->PG_locked`;

/** folio_lock() would not sleep. */
export const folio_can_lock = helper('folio_can_lock', function folio_can_lock(w: FolioWorld, folio: number): boolean {
  return w.folios[folio]!.locked === null;
});

/** folio_lock(): the step must be guarded by folio_can_lock (it sleeps on PG_locked). */
export const folio_lock = helper('folio_lock', function folio_lock(w: FolioWorld, folio: number, who: string): void {
  const f = w.folios[folio]!;
  if (f.locked === who)
    throw new ModelError(`${who} locks folio${folio}, which it already holds locked (a self-deadlock)`);
  if (f.locked !== null)
    throw new ModelError(`${who} locks folio${folio} (held by ${f.locked}) in a step not guarded by folio_can_lock`);
  f.locked = who;
});

/** folio_trylock(): true and locked, or false. */
export const folio_trylock = helper(
  'folio_trylock',
  function folio_trylock(w: FolioWorld, folio: number, who: string): boolean {
    const f = w.folios[folio]!;
    if (f.locked !== null) return false;
    f.locked = who;
    return true;
  },
);

export const folio_unlock = helper(
  'folio_unlock',
  function folio_unlock(w: FolioWorld, folio: number, who: string): void {
    const f = w.folios[folio]!;
    if (f.locked !== who)
      violation(
        'lock-imbalance',
        `${who} unlocked folio${folio}, which ${f.locked === null ? 'is not locked' : `${f.locked} holds locked`}`,
      );
    f.locked = null;
  },
);

/** try_grab_folio(folio, 1, FOLL_PIN) */
export const try_grab_folio = helper(
  'try_grab_folio',
  function try_grab_folio(w: FolioWorld, folio: number, holder: string, writeSealed: boolean): void {
    const f = w.folios[folio]!;
    f.pincount += 1;
    f.pins.push({ holder, writeSealed });
  },
);

/** unpin_folio(): gup_put_folio(folio, 1, FOLL_PIN). `holder` is ghost: whose pin this undoes. */
export const unpin_folio = helper(
  'unpin_folio',
  function unpin_folio(w: FolioWorld, folio: number, holder: string): void {
    const f = w.folios[folio]!;
    if (f.pincount <= 0)
      violation(
        'unpin-not-pinned',
        `unpin_folio(folio${folio}) by ${holder}, but folio${folio} is not pinned (pincount underflow)`,
      );
    const i = f.pins.findIndex((p) => p.holder === holder);
    if (i < 0)
      violation(
        'unpin-not-pinned',
        `unpin_folio(folio${folio}) by ${holder}, which holds no pin on it (it drops a pin of ${f.pins[0]!.holder})`,
      );
    f.pins.splice(i, 1);
    f.pincount -= 1;
  },
);

/** unpin_folios(folios, nfolios): runs of one folio are dropped with one gup_put_folio(folio, run). */
export const unpin_folios = helper(
  'unpin_folios',
  function unpin_folios(w: FolioWorld, folios: readonly number[], holder: string): void {
    let i = 0;
    while (i < folios.length) {
      let j = i + 1;
      while (j < folios.length && folios[j] === folios[i]) j++;
      for (let n = 0; n < j - i; n++) unpin_folio(w, folios[i]!, holder);
      i = j;
    }
  },
);
