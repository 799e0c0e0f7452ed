// The BEEM models ported to kmc (bench/beem/<name>.ts, the Promela beside it as <name>.pml):
// for each, the variant that holds, how its parameters become the Promela's macros, its
// sizes (a small one for tests, a large one of at least 1M states for the bench, and where
// BEEM has one, an xlarge one: the smallest instance above the large size that BEEM's own
// search completed, ERROR=0, under 30M states; `npm run bench -- --sizes xlarge`) and its
// known-bad variants with the property each breaks. The bench and bench/beem.test.ts
// read this list; a new port is one entry here.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Model } from '../../src/index.ts';
import type { SpinOptions } from '../peers/spin/run.ts';
import { anderson } from './anderson.ts';
import { bakery } from './bakery.ts';
import { lamport } from './lamport.ts';
import { leaderFilters } from './leader-filters.ts';
import { peterson } from './peterson.ts';
import { phils } from './phils.ts';
import { szymanski } from './szymanski.ts';

export interface BeemSize {
  name: string;
  /** overrides of the model's parameters */
  params: Record<string, number | boolean>;
  /** the states kmc and SPIN store without reductions (checked by beem.test.ts on the small sizes) */
  states: number;
  /** log2 of pan's hash table slots (-w): about twice the states */
  hashBits: number;
  /** pan's depth limit (-m): its DFS goes deep on these cyclic models */
  maxDepth: number;
  /** false: the bench runs this size without reductions only (a run takes a minute or more; the reductions' cuts are shown at the large size) */
  reductions?: false;
}

export interface BeemPort {
  /** the name `npm run bench -- --models` takes */
  name: string;
  model: Model;
  /** the model's file (bench/beem/<name>.ts), for a `kmc check` in a fresh process */
  file: string;
  /** the variant that holds everything */
  variant: string;
  /** the Promela source (bench/beem/<name>.pml) */
  promela: string;
  /** the Promela's macros (spin -D) for a variant's parameters */
  defines: (params: Record<string, unknown>) => Record<string, number | boolean>;
  /** the Promela macro under which pan checks a property too (by an assert), per property name */
  spinChecks?: Readonly<Record<string, string>>;
  /** pan's flags beyond the bench's (-E where the model deadlocks by construction and kmc's says `deadlock: false`) */
  panFlags?: readonly string[];
  sizes: BeemSize[];
  /**
   * known-bad variants and the property each must be caught breaking (the first a
   * breadth-first search meets); `alsoBreaks`: a property it breaks further on, caught with
   * that property as the search's target (and, past a deadlock, pan -E)
   */
  bad: { variant: string; property: string; alsoBreaks?: string }[];
}

const source = (name: string) => readFileSync(new URL(`./${name}.pml`, import.meta.url), 'utf8');
const file = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));

export const PORTS: BeemPort[] = [
  {
    name: 'peterson',
    model: peterson,
    file: file('peterson'),
    variant: 'filter',
    promela: source('peterson'),
    defines: (p) => ({ N: p.n as number, NO_STEP: p.noStep === true }),
    spinChecks: { 'mutual-exclusion': 'CHECK_MUTEX' },
    sizes: [
      { name: 'small', params: { n: 3 }, states: 12_498, hashBits: 16, maxDepth: 10_000 },
      { name: 'large', params: { n: 4 }, states: 1_119_560, hashBits: 22, maxDepth: 200_000 },
    ],
    bad: [{ variant: 'no-step', property: 'mutual-exclusion' }],
  },
  {
    name: 'phils',
    model: phils,
    file: file('phils'),
    variant: 'footman',
    promela: source('phils'),
    defines: (p) => ({
      N: p.n as number,
      ...((p.seats as number) > 0 ? { SEATS: p.seats as number } : {}),
      GRAB: p.grab === true,
    }),
    sizes: [
      { name: 'small', params: { n: 6, seats: 5 }, states: 5_049, hashBits: 16, maxDepth: 10_000 },
      { name: 'large', params: { n: 10, seats: 7 }, states: 1_043_289, hashBits: 22, maxDepth: 2_000_000 },
    ],
    bad: [
      { variant: 'no-footman', property: 'deadlock' },
      { variant: 'grab', property: 'fork-exclusion' },
    ],
  },
  {
    name: 'bakery',
    model: bakery,
    file: file('bakery'),
    variant: 'lamport',
    promela: source('bakery'),
    defines: (p) => ({ N: p.n as number, MAX: p.max as number, NO_CHOOSING: p.noChoosing === true }),
    spinChecks: { 'mutual-exclusion': 'CHECK_MUTEX' },
    panFlags: ['-E'],
    sizes: [
      { name: 'small', params: { n: 3, max: 4 }, states: 32_919, hashBits: 17, maxDepth: 10_000 },
      { name: 'large', params: { n: 4, max: 4 }, states: 1_878_268, hashBits: 22, maxDepth: 200_000 },
      // BEEM's bakery.5 (N=4, MAX=7); pan's DFS goes 348,264 deep
      {
        name: 'xlarge',
        params: { n: 4, max: 7 },
        states: 7_866_401,
        hashBits: 24,
        maxDepth: 1_000_000,
        reductions: false,
      },
    ],
    bad: [{ variant: 'no-choosing', property: 'mutual-exclusion' }],
  },
  {
    name: 'szymanski',
    model: szymanski,
    file: file('szymanski'),
    variant: 'szymanski',
    promela: source('szymanski'),
    defines: (p) => ({ N: p.n as number, NO_EXIT_WAIT: p.noExitWait === true }),
    spinChecks: { 'mutual-exclusion': 'CHECK_MUTEX' },
    sizes: [
      { name: 'small', params: { n: 3 }, states: 20_264, hashBits: 16, maxDepth: 10_000 },
      { name: 'large', params: { n: 4 }, states: 1_128_424, hashBits: 22, maxDepth: 200_000 },
    ],
    bad: [{ variant: 'no-exit-wait', property: 'mutual-exclusion' }],
  },
  {
    name: 'anderson',
    model: anderson,
    file: file('anderson'),
    variant: 'anderson',
    promela: source('anderson'),
    defines: (p) => ({ N: p.n as number, ERROR: p.clearPrevious === true }),
    spinChecks: { 'mutual-exclusion': 'CHECK_MUTEX' },
    sizes: [
      { name: 'small', params: { n: 4 }, states: 29_641, hashBits: 17, maxDepth: 20_000 },
      // below 1M: anderson has no size between n=5 and n=6's 18,206,917 states
      { name: 'large', params: { n: 5 }, states: 689_901, hashBits: 21, maxDepth: 400_000 },
      // BEEM's anderson.6 (N=6); pan's DFS goes 6,295,721 deep
      { name: 'xlarge', params: { n: 6 }, states: 18_206_917, hashBits: 25, maxDepth: 10_000_000, reductions: false },
    ],
    bad: [{ variant: 'clear-previous', property: 'mutual-exclusion' }],
  },
  {
    name: 'leader-filters',
    model: leaderFilters,
    file: file('leader-filters'),
    variant: 'filters',
    promela: source('leader-filters'),
    defines: (p) => ({ N: p.n as number, ERROR: p.noDoorWait === true }),
    spinChecks: { 'one-leader': 'CHECK_ELECTED' },
    panFlags: ['-E'],
    sizes: [
      { name: 'small', params: { n: 3 }, states: 4_966, hashBits: 16, maxDepth: 10_000 },
      { name: 'large', params: { n: 5 }, states: 1_572_886, hashBits: 22, maxDepth: 10_000 },
      // BEEM's leader_filters.7 (N=6); pan's DFS goes 71 deep
      { name: 'xlarge', params: { n: 6 }, states: 26_302_351, hashBits: 26, maxDepth: 10_000, reductions: false },
    ],
    bad: [{ variant: 'no-door-wait', property: 'one-leader' }],
  },
  {
    name: 'lamport',
    model: lamport,
    file: file('lamport'),
    variant: 'fast',
    promela: source('lamport'),
    defines: (p) => ({ N: p.n as number, ERROR: p.error as number }),
    spinChecks: { 'mutual-exclusion': 'CHECK_MUTEX' },
    sizes: [
      { name: 'small', params: { n: 3 }, states: 29_242, hashBits: 16, maxDepth: 10_000 },
      { name: 'large', params: { n: 4 }, states: 1_066_800, hashBits: 22, maxDepth: 200_000 },
    ],
    // BEEM's artificial errors deadlock before they break mutual exclusion
    bad: [
      { variant: 'clear-x', property: 'deadlock', alsoBreaks: 'mutual-exclusion' },
      { variant: 'enter-on-x', property: 'deadlock', alsoBreaks: 'mutual-exclusion' },
    ],
  },
];

/**
 * The parameters a port's variant runs with at a size: the model's, the size's, then the
 * variant's (a known-bad variant's change, e.g. no footman, wins over the size's seats).
 */
export function portParams(port: BeemPort, variant: string, size: BeemSize): Record<string, unknown> {
  return { ...port.model.params, ...size.params, ...(port.model.variants[variant]?.params ?? {}) };
}

/** How pan is built for a port at a size (`spin -o1`): without its reduction (`noReduce`, -DNOREDUCE) or with it. */
export function panOptions(
  port: BeemPort,
  size: BeemSize,
  params: Record<string, unknown>,
  noReduce: boolean,
): SpinOptions {
  return {
    noReduce,
    spinFlags: ['-o1'],
    panFlags: port.panFlags ?? [],
    defines: port.defines(params),
    hashBits: size.hashBits,
    maxDepth: size.maxDepth,
  };
}
