// BEEM szymanski: Szymanski's mutual exclusion for n processes, ported from the BEEM
// database's Promela (bench/beem/szymanski.pml; BEEM's copy e.g. lip6/ITSTools
// promela/fr.lip6.move.promela.beem/szymanski/generated_files/szymanski.5.pml). Process i,
// local j (the loop index), shared flags a[n] (i wants in), w[n] (i is in the waiting room)
// and s[n] (i stands at the door):
//
//   1. NCS  d_step { a[i] = 1; j = 0 }                                goto p2
//   2. p2   d_step { j < n && s[j] == 0; j++ }                        goto p2
//           j == n                                                    goto p3
//   3. p3   d_step { w[i] = 1; a[i] = 0 }                             goto p4
//   4. p4   d_step { s[i] == 1; j = 0 }                               goto p9
//           d_step { s[i] == 0; j = 0 }                               goto p5
//   5. p5   d_step { j < n && a[j] == 0; j++ }                        goto p5
//           !(j < n && a[j] == 0)                                     goto p6
//   6. p6   j < n                                                     goto p7
//           d_step { j == n; s[i] = 1; j = 0 }                        goto p61
//   7. p61  d_step { j < n && a[j] == 0; j++ }                        goto p61
//           d_step { j < n && a[j] == 1; s[i] = 0 }                   goto p7
//           d_step { j == n; w[i] = 0; j = 0 }                        goto p64
//   8. p64  d_step { j < n && w[j] == 0; j++ }                        goto p64
//           j == n                                                    goto p7
//   9. p7   j == n                                                    goto p8
//           d_step { j < n; j = 0 }                                   goto p71
//  10. p71  d_step { j < n && (w[j] == 1 || s[j] == 0); j++ }         goto p71
//           !(j < n && (w[j] == 1 || s[j] == 0))                      goto p8
//  11. p8   d_step { j != i && j < n; s[i] = 1; w[i] = 0 }            goto p4
//           !(j != i && j < n)                                        goto p4
//  12. p9   d_step { j < i && w[j] == 0 && s[j] == 0; j++ }           goto p9
//           j == i                                                    goto CS
//  13. CS   s[i] = 0                                                  goto NCS
//
// One kmc step per label, one choice per option (promela-if.ts); j is the thread's local,
// a, w and s the world, so that `spin -o1` (no dead-variable resets) with -DNOREDUCE stores
// exactly kmc's states and takes its transitions (`--no-por --no-symmetry`). The options
// that test j alone (p2's and p64's `j == n`, p6's `j < n`, both of p7's, p8's
// `!(j != i && j < n)`) touch no shared variable: steps on the thread's locals only, which
// ample sets may take alone. Property: mutual-exclusion (no two processes at CS, counted in the world as
// -DCHECK_MUTEX counts them, so that steps on locals alone stay invisible to it); deadlock
// (none). Variant no-exit-wait drops p9's wait for the lower-numbered processes to leave
// the waiting room and the door (`w[j] == 0 && s[j] == 0`; the Promela's -DNO_EXIT_WAIT):
// two processes reach CS. Under -DCHECK_MUTEX pan asserts mutual exclusion too (a counter,
// so not for the counts).
// States (-DNOREDUCE, kmc --no-por --no-symmetry): n=2 489, n=3 20,264, n=4 1,128,424,
// n=5 53,203,832.

import { defineModel, thread } from '../../src/index.ts';
import { mutualExclusion } from './mutual-exclusion.ts';
import { promelaIf } from './promela-if.ts';

interface World {
  /** processes at CS: SPIN's -DCHECK_MUTEX counter, a function of the pcs (it adds no state); the property reads it, not the pcs */
  critical: number;
  /** a[i]: process i wants to enter */
  a: number[];
  /** w[i]: process i is in the waiting room */
  w: number[];
  /** s[i]: process i stands at the door (or is past it) */
  s: number[];
}
interface Locals {
  j: number;
}

export const szymanski = defineModel({
  name: 'beem/szymanski',
  title: "BEEM szymanski: Szymanski's mutual exclusion for n processes",
  params: { n: 3, noExitWait: false },
  schema: { n: { min: 2, max: 8, integer: true } },
  world: (p): World => ({
    critical: 0,
    a: new Array(p.n).fill(0),
    w: new Array(p.n).fill(0),
    s: new Array(p.n).fill(0),
  }),
  threads: (p) =>
    Array.from({ length: p.n }, (_, i) =>
      thread<World, Locals>({
        name: `P_${i}`,
        locals: { j: 0 },
        steps: {
          NCS: promelaIf([{ name: `a[${i}] = 1`, effect: (w, l) => ((w.a[i] = 1), (l.j = 0), 'p2') }]),
          p2: promelaIf([
            { name: 'j++', guard: (w, l) => l.j < p.n && w.s[l.j] === 0, effect: (_w, l) => (l.j++, 'p2') },
            { name: `j == ${p.n}`, guard: (_w, l) => l.j === p.n, effect: () => 'p3' },
          ]),
          p3: promelaIf([{ name: `w[${i}] = 1`, effect: (w) => ((w.w[i] = 1), (w.a[i] = 0), 'p4') }]),
          p4: promelaIf([
            { name: `s[${i}] == 1`, guard: (w) => w.s[i] === 1, effect: (_w, l) => ((l.j = 0), 'p9') },
            { name: `s[${i}] == 0`, guard: (w) => w.s[i] === 0, effect: (_w, l) => ((l.j = 0), 'p5') },
          ]),
          p5: promelaIf([
            { name: 'j++', guard: (w, l) => l.j < p.n && w.a[l.j] === 0, effect: (_w, l) => (l.j++, 'p5') },
            { name: '!(j++)', guard: (w, l) => !(l.j < p.n && w.a[l.j] === 0), effect: () => 'p6' },
          ]),
          p6: promelaIf([
            { name: `j < ${p.n}`, guard: (_w, l) => l.j < p.n, effect: () => 'p7' },
            {
              name: `s[${i}] = 1`,
              guard: (_w, l) => l.j === p.n,
              effect: (w, l) => ((w.s[i] = 1), (l.j = 0), 'p61'),
            },
          ]),
          p61: promelaIf([
            { name: 'j++', guard: (w, l) => l.j < p.n && w.a[l.j] === 0, effect: (_w, l) => (l.j++, 'p61') },
            {
              name: `s[${i}] = 0`,
              guard: (w, l) => l.j < p.n && w.a[l.j] === 1,
              effect: (w) => ((w.s[i] = 0), 'p7'),
            },
            {
              name: `w[${i}] = 0`,
              guard: (_w, l) => l.j === p.n,
              effect: (w, l) => ((w.w[i] = 0), (l.j = 0), 'p64'),
            },
          ]),
          p64: promelaIf([
            { name: 'j++', guard: (w, l) => l.j < p.n && w.w[l.j] === 0, effect: (_w, l) => (l.j++, 'p64') },
            { name: `j == ${p.n}`, guard: (_w, l) => l.j === p.n, effect: () => 'p7' },
          ]),
          p7: promelaIf([
            { name: `j == ${p.n}`, guard: (_w, l) => l.j === p.n, effect: () => 'p8' },
            { name: 'j = 0', guard: (_w, l) => l.j < p.n, effect: (_w, l) => ((l.j = 0), 'p71') },
          ]),
          p71: promelaIf([
            {
              name: 'j++',
              guard: (w, l) => l.j < p.n && (w.w[l.j] === 1 || w.s[l.j] === 0),
              effect: (_w, l) => (l.j++, 'p71'),
            },
            {
              name: '!(j++)',
              guard: (w, l) => !(l.j < p.n && (w.w[l.j] === 1 || w.s[l.j] === 0)),
              effect: () => 'p8',
            },
          ]),
          p8: promelaIf([
            {
              name: `s[${i}] = 1`,
              guard: (_w, l) => l.j !== i && l.j < p.n,
              effect: (w) => ((w.s[i] = 1), (w.w[i] = 0), 'p4'),
            },
            { name: `!(j != ${i} && j < ${p.n})`, guard: (_w, l) => !(l.j !== i && l.j < p.n), effect: () => 'p4' },
          ]),
          p9: promelaIf([
            {
              name: 'j++',
              guard: (w, l) => l.j < i && (p.noExitWait || (w.w[l.j] === 0 && w.s[l.j] === 0)),
              effect: (_w, l) => (l.j++, 'p9'),
            },
            { name: `j == ${i}`, guard: (_w, l) => l.j === i, effect: (w) => (w.critical++, 'CS') },
          ]),
          CS: promelaIf([{ name: `s[${i}] = 0`, effect: (w) => ((w.s[i] = 0), w.critical--, 'NCS') }]),
        },
      }),
    ),
  properties: () => [mutualExclusion<World>()],
  variants: {
    szymanski: { description: 'the BEEM model as written', expect: 'holds' },
    'no-exit-wait': {
      description: "p9's wait for the lower-numbered processes to leave dropped",
      params: { noExitWait: true },
      expect: { violates: 'mutual-exclusion' },
    },
  },
});

export default szymanski;
