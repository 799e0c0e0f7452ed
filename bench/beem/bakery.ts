// BEEM bakery: Lamport's bakery algorithm for n processes, ported from the BEEM database's
// Promela (bench/beem/bakery.pml; BEEM's copy e.g. lip6/ITSTools promela/
// fr.lip6.move.promela.beem/bakery/generated_files/bakery.4.pml), with Lamport's order
// (number[i], i) < (number[j], j) in `wait`. Process i, locals j (the loop index) and max
// (the largest ticket seen), shared choosing[n] and number[n] (the tickets, at most `max`):
//
//   1. NCS       d_step { choosing[i] = 1; j = 0; max = 0 }                   goto choose
//   2. choose    d_step { j < n && number[j] > max; max = number[j]; j++ }    goto choose
//                d_step { j < n && number[j] <= max; j++ }                    goto choose
//                d_step { j == n && max < MAX; number[i] = max + 1; j = 0;
//                         choosing[i] = 0 }                                   goto for_loop
//   3. for_loop  j < n && choosing[j] == 0                                    goto wait
//                j == n                                                       goto CS
//   4. wait      d_step { number[j] == 0 || number[i] < number[j]
//                         || (number[j] == number[i] && i <= j); j++ }        goto for_loop
//   5. CS        number[i] = 0                                                goto NCS
//
// One kmc step per label, one choice per option (promela-if.ts); j and max are the thread's
// locals. Tickets are bounded as in BEEM: a process whose ticket would pass MAX stays in
// choose for good, with choosing[i] = 1, and the others then wait for it forever; so the
// bounded model deadlocks by construction (`deadlock: false` here, pan -E there), and the
// property at stake is mutual-exclusion (no two processes at CS, counted in the world as
// -DCHECK_MUTEX counts them). Known-bad: no-choosing
// skips waiting for choosing[j] == 0 (the Promela's -DNO_CHOOSING): a process that has read
// the tickets but not yet taken its own is overtaken, and two reach CS. Under -DCHECK_MUTEX
// pan asserts mutual exclusion too (a counter, so not for the counts).
// States (-DNOREDUCE -E, kmc --no-por --no-symmetry): n=2 max=3 426, n=3 max=4 32,919,
// n=4 max=4 1,878,268.

import { defineModel, thread } from '../../src/index.ts';
import { mutualExclusion } from './mutual-exclusion.ts';
import { promelaIf } from './promela-if.ts';

interface World {
  /** processes at CS: SPIN's -DCHECK_MUTEX counter, a function of the pcs (it adds no state); the property reads it, not the pcs */
  critical: number;
  /** choosing[i]: process i is in the doorway, taking a ticket */
  choosing: number[];
  /** number[i]: process i's ticket (0: none) */
  number: number[];
}
interface Locals {
  j: number;
  max: number;
}

export const bakery = defineModel({
  name: 'beem/bakery',
  title: "BEEM bakery: Lamport's bakery algorithm for n processes, tickets bounded",
  params: { n: 3, max: 4, noChoosing: false },
  schema: { n: { min: 2, max: 8, integer: true }, max: { min: 1, max: 250, integer: true } },
  deadlock: false,
  world: (p): World => ({ critical: 0, choosing: new Array(p.n).fill(0), number: new Array(p.n).fill(0) }),
  threads: (p) =>
    Array.from({ length: p.n }, (_, i) =>
      thread<World, Locals>({
        name: `P_${i}`,
        locals: { j: 0, max: 0 },
        steps: {
          NCS: promelaIf([
            {
              name: `choosing[${i}] = 1`,
              effect: (w, l) => ((w.choosing[i] = 1), (l.j = 0), (l.max = 0), 'choose'),
            },
          ]),
          choose: promelaIf([
            {
              name: 'max = number[j]',
              guard: (w, l) => l.j < p.n && w.number[l.j]! > l.max,
              effect: (w, l) => ((l.max = w.number[l.j]!), l.j++, 'choose'),
            },
            {
              name: 'j++',
              guard: (w, l) => l.j < p.n && w.number[l.j]! <= l.max,
              effect: (_w, l) => (l.j++, 'choose'),
            },
            {
              name: `number[${i}] = max+1`,
              guard: (_w, l) => l.j === p.n && l.max < p.max,
              effect: (w, l) => ((w.number[i] = l.max + 1), (l.j = 0), (w.choosing[i] = 0), 'for_loop'),
            },
          ]),
          for_loop: promelaIf([
            {
              name: 'choosing[j] == 0',
              guard: (w, l) => l.j < p.n && (p.noChoosing || w.choosing[l.j] === 0),
              effect: () => 'wait',
            },
            { name: `j == ${p.n}`, guard: (_w, l) => l.j === p.n, effect: (w) => (w.critical++, 'CS') },
          ]),
          wait: promelaIf([
            {
              name: 'j++',
              guard: (w, l) => {
                const mine = w.number[i]!;
                const theirs = w.number[l.j]!;
                return theirs === 0 || mine < theirs || (theirs === mine && i <= l.j);
              },
              effect: (_w, l) => (l.j++, 'for_loop'),
            },
          ]),
          CS: promelaIf([{ name: `number[${i}] = 0`, effect: (w) => ((w.number[i] = 0), w.critical--, 'NCS') }]),
        },
      }),
    ),
  properties: () => [mutualExclusion<World>()],
  variants: {
    lamport: { description: 'the BEEM model, with the order (number, id) Lamport gives', expect: 'holds' },
    'no-choosing': {
      description: "the doorway's choosing[j] not waited for",
      params: { noChoosing: true },
      expect: { violates: 'mutual-exclusion' },
    },
  },
});

export default bakery;
