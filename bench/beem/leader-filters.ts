// BEEM leader_filters: leader election by filters (Choy and Singh) for n processes, ported
// from the BEEM database's Promela (bench/beem/leader-filters.pml; BEEM's copy e.g.
// plug-obp/beem-benchmark original-benchmark/leader_filters/generated_files/
// leader_filters.5.pm, from leader_filters.mdve). Process i, local curr (its level), shared
// turn[m] (the last process to enter each level), b[m] (the level's door is closed) and c[m]
// (the level stopped someone), m = 5 up to 4 processes, 6 up to 8 (as BEEM sizes them):
//
//   1. p1       turn[curr] = i                                        goto p2
//   2. p2       b[curr] == 0                                          goto p3
//   3. p3       b[curr] = 1                                           goto p4
//   4. p4       turn[curr] != i                                       goto p5
//               turn[curr] == i                                       goto p8
//   5. p5       c[curr] = 1                                           goto p6
//   6. p6       b[curr] = 0                                           goto p7
//   7. p8       curr > 0 && c[curr-1] == 0                            goto p9
//               d_step { curr == 0 || c[curr-1] == 1; curr = curr+1 } goto p1
//   8. p9       (skip)                                                goto elected
//   9. p7       false (stopped: lost at its level)
//  10. elected  false (the leader)
//
// One kmc step per label, one choice per option (promela-if.ts); curr is the thread's
// local, turn, b and c the world, so that `spin -o1` (no dead-variable resets) with
// -DNOREDUCE stores exactly kmc's states and takes its transitions (`--no-por
// --no-symmetry`). BEEM's Promela writes `p7: elected: false;`, one statement for two DVE
// states; the port's Promela gives each its own, as the DVE and kmc have them. At level 0
// both of p8's options read only curr (`curr > 0 && ...` and `curr == 0 || ...` stop at
// their first term): steps on the thread's local alone, which ample sets may take alone.
// Every process ends at p7 or elected, or waits at a closed door for good, so the model
// deadlocks by construction (`deadlock: false` here, pan -E there), and the property at
// stake is BEEM's: one-leader (never two processes elected, counted in the world as
// -DCHECK_ELECTED counts them, so that steps on locals alone stay invisible to it).
// Variant no-door-wait is BEEM's artificial error ERROR=1 (the Promela's -DERROR): p2 does
// not wait for the door, and two processes are elected. Under -DCHECK_ELECTED pan asserts
// one-leader too (a counter, so not for the counts).
// States (-DNOREDUCE -E, kmc --no-por --no-symmetry; equal to BEEM's own counts): n=3
// 4,966, n=4 91,093, n=5 1,572,886; transitions (kmc's, pan's less one) n=3 9,387, n=4
// 223,980, n=5 4,684,565. With ample sets kmc stores n=3 4,885, n=4 89,541; SPIN's
// reduction n=3 4,810, n=5 1,515,056.

import { always, defineModel, thread } from '../../src/index.ts';
import { promelaIf } from './promela-if.ts';

interface World {
  /** processes elected: SPIN's -DCHECK_ELECTED counter, a function of the pcs (it adds no state); the property reads it, not the pcs */
  leaders: number;
  /** turn[l]: the last process to enter level l */
  turn: number[];
  /** b[l]: level l's door is closed */
  b: number[];
  /** c[l]: level l stopped a process */
  c: number[];
}
interface Locals {
  /** the thread's level */
  curr: number;
}

/** BEEM's array size for n processes (`M` in leader_filters.mdve). */
const levels = (n: number) => (n <= 4 ? 5 : n <= 8 ? 6 : 7);

export const leaderFilters = defineModel({
  name: 'beem/leader-filters',
  title: 'BEEM leader_filters: leader election by filters for n processes',
  params: { n: 3, noDoorWait: false },
  schema: { n: { min: 2, max: 8, integer: true } },
  deadlock: false,
  world: (p): World => ({
    leaders: 0,
    turn: new Array(levels(p.n)).fill(0),
    b: new Array(levels(p.n)).fill(0),
    c: new Array(levels(p.n)).fill(0),
  }),
  threads: (p) =>
    Array.from({ length: p.n }, (_, i) =>
      thread<World, Locals>({
        name: `P_${i}`,
        locals: { curr: 0 },
        steps: {
          p1: promelaIf([{ name: `turn[curr] = ${i}`, effect: (w, l) => ((w.turn[l.curr] = i), 'p2') }]),
          p2: promelaIf([
            p.noDoorWait
              ? { name: 'goto p3', effect: () => 'p3' }
              : { name: 'b[curr] == 0', guard: (w, l) => w.b[l.curr] === 0, effect: () => 'p3' },
          ]),
          p3: promelaIf([{ name: 'b[curr] = 1', effect: (w, l) => ((w.b[l.curr] = 1), 'p4') }]),
          p4: promelaIf([
            { name: `turn[curr] != ${i}`, guard: (w, l) => w.turn[l.curr] !== i, effect: () => 'p5' },
            { name: `turn[curr] == ${i}`, guard: (w, l) => w.turn[l.curr] === i, effect: () => 'p8' },
          ]),
          p5: promelaIf([{ name: 'c[curr] = 1', effect: (w, l) => ((w.c[l.curr] = 1), 'p6') }]),
          p6: promelaIf([{ name: 'b[curr] = 0', effect: (w, l) => ((w.b[l.curr] = 0), 'p7') }]),
          p8: promelaIf([
            {
              name: 'curr > 0 && c[curr-1] == 0',
              guard: (w, l) => l.curr > 0 && w.c[l.curr - 1] === 0,
              effect: () => 'p9',
            },
            {
              name: 'curr = curr+1',
              guard: (w, l) => l.curr === 0 || w.c[l.curr - 1] === 1,
              effect: (_w, l) => (l.curr++, 'p1'),
            },
          ]),
          p9: promelaIf([{ name: 'goto elected', effect: (w) => (w.leaders++, 'elected') }]),
          p7: promelaIf([{ name: 'false', guard: () => false, effect: () => 'p7' }]),
          elected: promelaIf([{ name: 'false', guard: () => false, effect: () => 'elected' }]),
        },
      }),
    ),
  properties: () => [
    always<World>('one-leader', 'never two processes elected', ({ world: w }) =>
      w.leaders > 1 ? `${w.leaders} processes are elected` : undefined,
    ),
  ],
  variants: {
    filters: { description: 'the BEEM model as written', expect: 'holds' },
    'no-door-wait': {
      description: "BEEM's artificial error: p2 does not wait for the level's door",
      params: { noDoorWait: true },
      expect: { violates: 'one-leader' },
    },
  },
});

export default leaderFilters;
