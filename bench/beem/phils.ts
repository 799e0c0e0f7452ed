// BEEM phils: n dining philosophers, ported from the BEEM database's Promela
// (bench/beem/phils.pml; BEEM's copies e.g. lip6/ITSTools promela/fr.lip6.move.promela.beem/
// phils/generated_files/phils.1.pml, and the footman's `count` as in BEEM's larger phils).
// Philosopher i, left fork L = fork[i], right fork R = fork[(i+1) % n]; shared fork[n] and,
// with a footman, count (how many sit at the table, fewer than `seats`):
//
//   1. think   d_step { count < seats; count++ }          goto inside
//   2. inside  count--                                    goto think
//              d_step { fork[L] == 0; fork[L] = 1 }       goto one
//   3. one     d_step { fork[R] == 0; fork[R] = 1 }       goto eat
//   4. eat     fork[L] = 0                                goto finish
//   5. finish  fork[R] = 0                                goto inside
//
// Without a footman (seats 0, BEEM's phils.1) there is no count: think takes the left fork
// and finish goes back to think. One kmc step per label, one choice per option
// (promela-if.ts); the philosophers have no locals. Properties: fork-exclusion (no fork
// held by both its philosophers, read off their program counters) and deadlock. Known-bad:
// no-footman deadlocks (every philosopher holds its left fork); grab takes the right fork
// without waiting for it (the Promela's -DGRAB) and breaks fork-exclusion.
// States (-DNOREDUCE, kmc --no-por --no-symmetry): n=4 seats=3 241, n=6 seats=5 5,049,
// n=10 seats=7 1,043,289.

import { always, defineModel, thread } from '../../src/index.ts';
import { promelaIf, type PromelaOption } from './promela-if.ts';

interface World {
  /** fork[f]: 1 while a philosopher holds it */
  fork: number[];
  /** philosophers at the table (with a footman; stays 0 without) */
  count: number;
}

/** where philosopher i holds its left fork, and its right one */
const HOLDS_LEFT = ['one', 'eat'];
const HOLDS_RIGHT = ['eat', 'finish'];

export const phils = defineModel({
  name: 'beem/phils',
  title: 'BEEM phils: dining philosophers, with or without a footman',
  params: { n: 4, seats: 3, grab: false },
  schema: { n: { min: 2, max: 16, integer: true }, seats: { min: 0, max: 16, integer: true } },
  world: (p): World => ({ fork: new Array(p.n).fill(0), count: 0 }),
  threads: (p) =>
    Array.from({ length: p.n }, (_, i) => {
      const L = i;
      const R = (i + 1) % p.n;
      const footman = p.seats > 0;
      const takeLeft: PromelaOption<World, {}> = {
        name: `fork[${L}] = 1`,
        guard: (w) => w.fork[L] === 0,
        effect: (w) => ((w.fork[L] = 1), 'one'),
      };
      return thread<World, {}>({
        name: `phil_${i}`,
        locals: {},
        steps: {
          ...(footman
            ? {
                think: promelaIf<World, {}>([
                  { name: 'count++', guard: (w) => w.count < p.seats, effect: (w) => (w.count++, 'inside') },
                ]),
                inside: promelaIf<World, {}>([{ name: 'count--', effect: (w) => (w.count--, 'think') }, takeLeft]),
              }
            : { think: promelaIf([takeLeft]) }),
          one: promelaIf<World, {}>([
            p.grab
              ? { name: `fork[${R}] = 1 (grabbed)`, effect: (w) => ((w.fork[R] = 1), 'eat') }
              : { name: `fork[${R}] = 1`, guard: (w) => w.fork[R] === 0, effect: (w) => ((w.fork[R] = 1), 'eat') },
          ]),
          eat: promelaIf<World, {}>([{ name: `fork[${L}] = 0`, effect: (w) => ((w.fork[L] = 0), 'finish') }]),
          finish: promelaIf<World, {}>([
            { name: `fork[${R}] = 0`, effect: (w) => ((w.fork[R] = 0), footman ? 'inside' : 'think') },
          ]),
        },
      });
    }),
  properties: (p) => [
    always<World>('fork-exclusion', 'no fork is held by both philosophers beside it', (s) => {
      for (let f = 0; f < p.n; f++) {
        const right = (f + p.n - 1) % p.n; // the philosopher whose right fork f is
        if (HOLDS_LEFT.includes(s.threads[f]!.pc) && HOLDS_RIGHT.includes(s.threads[right]!.pc))
          return `fork ${f} held by phil_${f} and phil_${right}`;
      }
      return undefined;
    }),
  ],
  variants: {
    footman: { description: 'at most seats-1 philosophers at the table (seats = n-1: deadlock-free)', expect: 'holds' },
    'no-footman': {
      description: "BEEM's phils.1: no footman, every philosopher may hold its left fork",
      params: { seats: 0 },
      expect: { violates: 'deadlock' },
    },
    grab: {
      description: 'the right fork taken without waiting for it to be free',
      params: { grab: true },
      expect: { violates: 'fork-exclusion' },
    },
  },
});

export default phils;
