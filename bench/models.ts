// The bench models: dma-heap/alloc-and-read with growing numbers of racing userspace
// threads (fd guessers that mmap and read what they find, closers of guessed fds).
// `posted` holds, so an exhaustive check has to visit every reachable state; the known-bad
// variants are the targets of the random-mode race to a first counterexample.

import { fileURLToPath } from 'node:url';
import { compile, type TransitionSystem } from '../src/core/system.ts';
import { allocAndRead, params as defaults, type Params } from '../model/dma-heap/alloc-and-read.ts';

export interface BenchSize {
  name: string;
  /** overrides of the model's parameters (on top of the variant's) */
  params: Partial<Params>;
  /** what a reader should expect, for the table */
  note: string;
}

export const SIZES: BenchSize[] = [
  { name: 'small', params: { pages: 3, rlimit: 4, guessers: 2, closers: 2 }, note: '2 guessers, 2 closers, 3 pages' },
  { name: 'medium', params: { pages: 3, rlimit: 4, guessers: 3, closers: 2 }, note: '3 guessers, 2 closers, 3 pages' },
  {
    name: 'large',
    params: { pages: 3, rlimit: 4, guessers: 4, closers: 2 },
    note: '4 guessers, 2 closers, 3 pages (SPIN: seconds to tens of seconds)',
  },
];

/** Known-bad variants raced in random mode, with the property each must be caught breaking. */
export const BAD: { variant: string; property: string }[] = [
  { variant: 'fd-before-read', property: 'fd-exposes-unread-buffer' },
  { variant: 'posted-efault', property: 'fd-installed-on-error' },
];

export const MODEL = allocAndRead;

/** The parameters a variant runs with at a size: the model's, the variant's, the size's. */
export function benchParams(variant: string, size: BenchSize): Params {
  return { ...defaults, ...(allocAndRead.variants[variant]?.params ?? {}), ...size.params } as Params;
}

/** The bench model's file (for its workers, and for a `kmc check` in a fresh process). */
export const BENCH_MODEL_FILE = fileURLToPath(new URL('../model/dma-heap/alloc-and-read.ts', import.meta.url));

/** The bench model, with the module its workers load it from (as the CLI sets for a model file). */
const BENCH_MODEL = { ...allocAndRead, source: new URL('../model/dma-heap/alloc-and-read.ts', import.meta.url).href };

export function benchSystem(variant: string, size: BenchSize): TransitionSystem {
  return compile(BENCH_MODEL as never, variant, size.params as never);
}
