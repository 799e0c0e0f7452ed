// BEEM peterson: Peterson's mutual exclusion for n processes (the filter lock), ported from
// the BEEM database's Promela (bench/beem/peterson.pml; BEEM's copy e.g. lip6/ITSTools
// promela/fr.lip6.move.promela.beem/peterson/generated_files/peterson.4.pml). Process i,
// locals j (its level) and k (the loop index), shared pos[n] (each process's level) and
// step[n] (the victim of each level):
//
//   1. NCS    j = 1                                          goto wait
//   2. wait   d_step { j < n; pos[i] = j }                   goto q2
//             j == n                                         goto CS
//   3. q2     d_step { step[j-1] = i; k = 0 }                goto q3
//   4. q3     d_step { k < n && (k == i || pos[k] < j); k++ } goto q3
//             d_step { step[j-1] != i || k == n; j++ }       goto wait
//   5. CS     pos[i] = 0                                     goto NCS
//
// One kmc step per label, one choice per option (promela-if.ts); j and k are the thread's
// locals, pos and step the world, so that `spin -o1` (no dead-variable resets) with
// -DNOREDUCE stores exactly kmc's states and takes its transitions (`--no-por
// --no-symmetry`). Property: mutual-exclusion (no two processes at CS, counted in the world as
// -DCHECK_MUTEX counts them, so that steps on locals alone stay invisible to it); deadlock (none).
// Variant no-step drops the victim assignment `step[j-1] = i` (the Promela's -DNO_STEP):
// every process but 0 climbs the levels unopposed, and two reach CS. Under -DCHECK_MUTEX
// pan asserts mutual exclusion too (a counter, so not for the counts).
// States (-DNOREDUCE, kmc --no-por --no-symmetry): n=2 196, n=3 12,498, n=4 1,119,560.

import { defineModel, thread } from '../../src/index.ts';
import { mutualExclusion } from './mutual-exclusion.ts';
import { promelaIf } from './promela-if.ts';

interface World {
  /** processes at CS: SPIN's -DCHECK_MUTEX counter, a function of the pcs (it adds no state); the property reads it, not the pcs */
  critical: number;
  /** pos[i]: the level process i is at (0: not competing) */
  pos: number[];
  /** step[l-1]: the last process to enter level l (its victim) */
  step: number[];
}
interface Locals {
  j: number;
  k: number;
}

export const peterson = defineModel({
  name: 'beem/peterson',
  title: "BEEM peterson: Peterson's filter lock for n processes",
  params: { n: 3, noStep: false },
  schema: { n: { min: 2, max: 8, integer: true } },
  world: (p): World => ({ critical: 0, pos: new Array(p.n).fill(0), step: new Array(p.n).fill(0) }),
  threads: (p) =>
    Array.from({ length: p.n }, (_, i) =>
      thread<World, Locals>({
        name: `P_${i}`,
        locals: { j: 0, k: 0 },
        steps: {
          NCS: promelaIf([{ name: 'j = 1', effect: (_w, l) => ((l.j = 1), 'wait') }]),
          CS: promelaIf([{ name: `pos[${i}] = 0`, effect: (w) => ((w.pos[i] = 0), w.critical--, 'NCS') }]),
          wait: promelaIf([
            { name: `pos[${i}] = j`, guard: (_w, l) => l.j < p.n, effect: (w, l) => ((w.pos[i] = l.j), 'q2') },
            { name: `j == ${p.n}`, guard: (_w, l) => l.j === p.n, effect: (w) => (w.critical++, 'CS') },
          ]),
          q2: promelaIf([
            p.noStep
              ? { name: 'k = 0', effect: (_w, l) => ((l.k = 0), 'q3') }
              : { name: `step[j-1] = ${i}`, effect: (w, l) => ((w.step[l.j - 1] = i), (l.k = 0), 'q3') },
          ]),
          q3: promelaIf([
            {
              name: 'k++',
              guard: (w, l) => l.k < p.n && (l.k === i || w.pos[l.k]! < l.j),
              effect: (_w, l) => (l.k++, 'q3'),
            },
            {
              name: 'j++',
              guard: (w, l) => w.step[l.j - 1] !== i || l.k === p.n,
              effect: (_w, l) => (l.j++, 'wait'),
            },
          ]),
        },
      }),
    ),
  properties: () => [mutualExclusion<World>()],
  variants: {
    filter: { description: 'the BEEM model as written', expect: 'holds' },
    'no-step': {
      description: 'the victim assignment step[j-1] = i dropped',
      params: { noStep: true },
      expect: { violates: 'mutual-exclusion' },
    },
  },
});

export default peterson;
