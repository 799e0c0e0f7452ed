// BEEM lamport: Lamport's fast mutual exclusion for n processes (Lamport, "A Fast Mutual
// Exclusion Algorithm", TOCS 1987), ported from the BEEM database's Promela
// (bench/beem/lamport.pml; BEEM's copy e.g. plug-obp/beem-benchmark
// original-benchmark/lamport/generated_files/lamport.1.pm, from lamport.mdve). Process i,
// local j (the loop index), shared b[n] (i wants in), x (the last to arrive) and y (the
// process that holds the door; NULL, 255, when free):
//
//   1. NCS  b[i] = 1                                     goto q1
//   2. q1   x = i                                        goto q2
//   3. q2   d_step { y != NULL; b[i] = 0 }               goto q22
//           y == NULL                                    goto p
//   4. q22  y == NULL                                    goto NCS
//   5. p    y = i                                        goto q3
//   6. q3   x == i                                       goto CS
//           d_step { x != i; b[i] = 0; j = 0 }           goto q4
//   7. q4   d_step { j < n && b[j] == 0; j++ }           goto q4
//           j == n                                       goto q5
//   8. q5   y == i                                       goto CS
//           y == NULL                                    goto NCS
//   9. CS   y = NULL                                     goto e1
//  10. e1   b[i] = 0                                     goto NCS
//
// One kmc step per label, one choice per option (promela-if.ts); j is the thread's local,
// b, x and y the world, so that `spin -o1` (no dead-variable resets) with -DNOREDUCE
// stores exactly kmc's states and takes its transitions (`--no-por --no-symmetry`). q4's
// `j == n` touches no shared variable: a step on the thread's local only, which ample sets
// may take alone. Property: mutual-exclusion (BEEM's property 1, `collision`: no two
// processes at CS, counted in the world as -DCHECK_MUTEX counts them, so that steps on
// locals alone stay invisible to it); deadlock (none). Variants clear-x and enter-on-x are
// BEEM's artificial errors (the Promela's -DERROR=1 and -DERROR=2): q2 lowers b[x] instead
// of b[i], or q5 enters when y == x instead of y == i. Either way two processes reach CS
// (BEEM's collision; at n=3 after 29 and 22 steps), but first the model deadlocks (after
// 11 and 15): with clear-x a process waits at q22 with its own flag left up (it lowered
// b[x], another's) while the holder of y waits at q4 for that flag to fall; with enter-on-x
// the holder of y waits at q5 for y == x, which a later x = k made false, while the
// others wait at q22 for y to be freed. So kmc's breadth-first search reports the deadlock
// (pan: `invalid end state`), and the collision with mutual-exclusion as the search's
// target (pan -E). Under -DCHECK_MUTEX pan asserts mutual exclusion too (a counter, so
// not for the counts).
// States (-DNOREDUCE, kmc --no-por --no-symmetry; BEEM's own counts at n=3, n=4): n=2 748,
// n=3 29,242, n=4 1,066,800 (n=5 has 38,717,846 in BEEM); transitions (kmc's, pan's less
// one; at n=3 BEEM's edges) n=2 1,388, n=3 77,286, n=4 3,630,664. The known-bad variants'
// whole spaces (pan -E; kmc stops at the first violation), BEEM's counts too: clear-x n=3
// 110,920, n=4 8,717,688; enter-on-x n=3 38,067. With ample sets kmc stores n=3 29,097,
// n=4 1,064,158 (q4's `j == n` is the one step on the local alone, taken once per pass
// through the slow path); SPIN's reduction cuts none (n=3 29,242, n=4 1,066,800).

import { defineModel, thread } from '../../src/index.ts';
import { mutualExclusion } from './mutual-exclusion.ts';
import { promelaIf } from './promela-if.ts';

interface World {
  /** processes at CS: SPIN's -DCHECK_MUTEX counter, a function of the pcs (it adds no state); the property reads it, not the pcs */
  critical: number;
  /** b[i]: process i wants to enter */
  b: number[];
  /** the last process to arrive (NULL at first) */
  x: number;
  /** the process that holds the door, or NULL */
  y: number;
}
interface Locals {
  j: number;
}

/** BEEM's NULL: no process (x and y are bytes). */
const NULL = 255;

export const lamport = defineModel({
  name: 'beem/lamport',
  title: "BEEM lamport: Lamport's fast mutual exclusion for n processes",
  params: { n: 3, error: 0 },
  schema: { n: { min: 2, max: 8, integer: true }, error: { min: 0, max: 2, integer: true } },
  world: (p): World => ({ critical: 0, b: new Array(p.n).fill(0), x: NULL, y: NULL }),
  threads: (p) =>
    Array.from({ length: p.n }, (_, i) =>
      thread<World, Locals>({
        name: `P_${i}`,
        locals: { j: 0 },
        steps: {
          NCS: promelaIf([{ name: `b[${i}] = 1`, effect: (w) => ((w.b[i] = 1), 'q1') }]),
          q1: promelaIf([{ name: `x = ${i}`, effect: (w) => ((w.x = i), 'q2') }]),
          q2: promelaIf([
            p.error === 1
              ? { name: 'b[x] = 0', guard: (w) => w.y !== NULL, effect: (w) => ((w.b[w.x] = 0), 'q22') }
              : { name: `b[${i}] = 0`, guard: (w) => w.y !== NULL, effect: (w) => ((w.b[i] = 0), 'q22') },
            { name: 'y == NULL', guard: (w) => w.y === NULL, effect: () => 'p' },
          ]),
          q22: promelaIf([{ name: 'y == NULL', guard: (w) => w.y === NULL, effect: () => 'NCS' }]),
          p: promelaIf([{ name: `y = ${i}`, effect: (w) => ((w.y = i), 'q3') }]),
          q3: promelaIf([
            { name: `x == ${i}`, guard: (w) => w.x === i, effect: (w) => (w.critical++, 'CS') },
            { name: `b[${i}] = 0`, guard: (w) => w.x !== i, effect: (w, l) => ((w.b[i] = 0), (l.j = 0), 'q4') },
          ]),
          q4: promelaIf([
            { name: 'j++', guard: (w, l) => l.j < p.n && w.b[l.j] === 0, effect: (_w, l) => (l.j++, 'q4') },
            { name: `j == ${p.n}`, guard: (_w, l) => l.j === p.n, effect: () => 'q5' },
          ]),
          q5: promelaIf([
            p.error === 2
              ? { name: 'y == x', guard: (w) => w.y === w.x, effect: (w) => (w.critical++, 'CS') }
              : { name: `y == ${i}`, guard: (w) => w.y === i, effect: (w) => (w.critical++, 'CS') },
            { name: 'y == NULL', guard: (w) => w.y === NULL, effect: () => 'NCS' },
          ]),
          CS: promelaIf([{ name: 'y = NULL', effect: (w) => ((w.y = NULL), w.critical--, 'e1') }]),
          e1: promelaIf([{ name: `b[${i}] = 0`, effect: (w) => ((w.b[i] = 0), 'NCS') }]),
        },
      }),
    ),
  properties: () => [mutualExclusion<World>()],
  variants: {
    fast: { description: 'the BEEM model as written', expect: 'holds' },
    'clear-x': {
      description:
        "BEEM's artificial error ERROR=1: q2 lowers b[x] instead of its own b[i] (deadlocks, then breaks mutual-exclusion)",
      params: { error: 1 },
      expect: { violates: 'deadlock' },
    },
    'enter-on-x': {
      description:
        "BEEM's artificial error ERROR=2: q5 enters when y == x instead of y == i (deadlocks, then breaks mutual-exclusion)",
      params: { error: 2 },
      expect: { violates: 'deadlock' },
    },
  },
});

export default lamport;
