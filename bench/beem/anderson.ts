// BEEM anderson: Anderson's array-based queue lock for n processes, ported from the BEEM
// database's Promela (bench/beem/anderson.pml; BEEM's copy e.g. plug-obp/beem-benchmark
// original-benchmark/anderson/generated_files/anderson.4.pm, from anderson.mdve). Process
// i, local my_place (its place in the queue), shared Slot[n] (the place whose turn it is
// holds 1; Slot[0] at first) and next (the next free place):
//
//   1. NCS  d_step { my_place = next; next = next+1 }              goto p1
//   2. p1   d_step { my_place == n-1; next = next-n }              goto p2
//           d_step { my_place != n-1; my_place = my_place % n }    goto p2
//   3. p2   Slot[my_place] == 1                                    goto p3
//   4. p3   Slot[my_place] = 0                                     goto CS
//   5. CS   Slot[(my_place+1) % n] = 1                             goto NCS
//
// One kmc step per label, one choice per option (promela-if.ts); my_place is the thread's
// local, Slot and next the world, so that `spin -o1` (no dead-variable resets) with
// -DNOREDUCE stores exactly kmc's states and takes its transitions (`--no-por
// --no-symmetry`). next is a Promela byte, so it wraps at 256 as pan's does (only the
// known-bad variant gets there). p1's second option (`my_place != n-1`) touches only the
// thread's local: a step that ample sets may take alone. Property: mutual-exclusion (no two
// processes at CS, counted in the world as -DCHECK_MUTEX counts them, so that steps on
// locals alone stay invisible to it); deadlock (none). Variant clear-previous is BEEM's
// artificial error (ERROR=1; the Promela's -DERROR): p3 clears the previous place's slot
// instead of its own, its own slot stays 1, and a process that later takes that place
// enters while the holder is still in CS. Under -DCHECK_MUTEX pan asserts mutual exclusion
// too (a counter, so not for the counts).
// States (-DNOREDUCE, kmc --no-por --no-symmetry; BEEM's own counts where it has the size):
// n=2 83, n=3 1,459, n=4 29,641, n=5 689,901, n=6 18,206,917; transitions (kmc's, pan's less
// one) n=4 97,516, n=5 2,784,245. With ample sets kmc stores n=4 19,335; SPIN's reduction
// cuts none (29,641, n=5 689,901), as it takes a process's options at a pc together or not
// at all, and one of p1's touches next.

import { defineModel, thread } from '../../src/index.ts';
import { mutualExclusion } from './mutual-exclusion.ts';
import { promelaIf } from './promela-if.ts';

interface World {
  /** processes at CS: SPIN's -DCHECK_MUTEX counter, a function of the pcs (it adds no state); the property reads it, not the pcs */
  critical: number;
  /** Slot[k]: 1 when it is place k's turn to enter */
  slot: number[];
  /** the next free place in the queue (a byte) */
  next: number;
}
interface Locals {
  /** my_place: the thread's place in the queue */
  myPlace: number;
}

const byte = (v: number) => v & 0xff;

export const anderson = defineModel({
  name: 'beem/anderson',
  title: "BEEM anderson: Anderson's array-based queue lock for n processes",
  params: { n: 3, clearPrevious: false },
  schema: { n: { min: 2, max: 8, integer: true } },
  world: (p): World => ({
    critical: 0,
    slot: Array.from({ length: p.n }, (_, k) => (k === 0 ? 1 : 0)),
    next: 0,
  }),
  threads: (p) =>
    Array.from({ length: p.n }, (_, i) =>
      thread<World, Locals>({
        name: `P_${i}`,
        locals: { myPlace: 0 },
        steps: {
          NCS: promelaIf([
            { name: 'my_place = next', effect: (w, l) => ((l.myPlace = w.next), (w.next = byte(w.next + 1)), 'p1') },
          ]),
          p1: promelaIf([
            {
              name: `next = next-${p.n}`,
              guard: (_w, l) => l.myPlace === p.n - 1,
              effect: (w) => ((w.next = byte(w.next - p.n)), 'p2'),
            },
            {
              name: `my_place = my_place%${p.n}`,
              guard: (_w, l) => l.myPlace !== p.n - 1,
              effect: (_w, l) => ((l.myPlace %= p.n), 'p2'),
            },
          ]),
          p2: promelaIf([
            { name: 'Slot[my_place] == 1', guard: (w, l) => w.slot[l.myPlace] === 1, effect: () => 'p3' },
          ]),
          p3: promelaIf([
            p.clearPrevious
              ? {
                  name: `Slot[(my_place+${p.n - 1})%${p.n}] = 0`,
                  effect: (w, l) => ((w.slot[(l.myPlace + p.n - 1) % p.n] = 0), w.critical++, 'CS'),
                }
              : { name: 'Slot[my_place] = 0', effect: (w, l) => ((w.slot[l.myPlace] = 0), w.critical++, 'CS') },
          ]),
          CS: promelaIf([
            {
              name: `Slot[(my_place+1)%${p.n}] = 1`,
              effect: (w, l) => ((w.slot[(l.myPlace + 1) % p.n] = 1), w.critical--, 'NCS'),
            },
          ]),
        },
      }),
    ),
  properties: () => [mutualExclusion<World>()],
  variants: {
    anderson: { description: 'the BEEM model as written', expect: 'holds' },
    'clear-previous': {
      description: "BEEM's artificial error: p3 clears the previous place's slot instead of its own",
      params: { clearPrevious: true },
      expect: { violates: 'mutual-exclusion' },
    },
  },
});

export default anderson;
