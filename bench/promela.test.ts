// The Promela port (bench/peers/spin/promela.ts) is well-formed and, when SPIN is installed,
// explores exactly kmc's states at the smallest sizes (both without reductions). CI machines
// have no SPIN: the state-count check is then skipped, saying so.

import { describe, expect, it } from 'vitest';
import { compile } from '../src/core/system.ts';
import { allocAndRead, params as defaults } from '../model/dma-heap/alloc-and-read.ts';
import { promela } from './peers/spin/promela.ts';
import { runSpin, spinMissing } from './peers/spin/run.ts';
import { quint } from './peers/quint/quint.ts';
import { referenceCount } from './reference.ts';

const SMALL = { guessers: 2, closers: 1, pages: 2, rlimit: 3, truncaters: 1 };

function balanced(text: string) {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const ch of text.replace(/\/\*[\s\S]*?\*\//g, '')) {
    if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0;
}

describe('Promela port of dma-heap/alloc-and-read', () => {
  // the variants the port follows (others set parameters it does not model)
  const ported = ['posted', 'fd-before-read', 'posted-efault', 'reserve-fd'].filter((v) => v in allocAndRead.variants);
  for (const variant of ported) {
    const v = allocAndRead.variants[variant]!;
    it(`generates well-formed Promela for ${variant}`, () => {
      const pml = promela({ ...defaults, ...(v.params ?? {}), ...SMALL });
      expect(balanced(pml)).toBe(true);
      // one active proctype per thread, each an `end`-labelled loop of d_step options
      const threads = compile(allocAndRead as never, variant, SMALL as never).threadNames.length;
      expect(pml.match(/^active proctype \w+\(\) \{$/gm)?.length).toBe(threads);
      expect(pml.match(/^end:$/gm)?.length).toBe(threads);
      for (const line of pml.split('\n').filter((l) => l.startsWith('  :: ')))
        expect(line).toMatch(/^ {2}:: d_step \{ \(.+\) -> .+; check\(\) \}$/);
      expect(pml).not.toMatch(/undefined|NaN|\$\{/);
    });
  }

  it('refuses parameters it does not model', () => {
    expect(() => promela({ fillers: 1 })).toThrow(/fillers/);
  });

  it('generates a Quint module with one action per transition kind', () => {
    const q = quint({ ...defaults, ...SMALL });
    expect(balanced(q)).toBe(true);
    expect(q).toMatch(/action step = any \{/);
    expect(q).not.toMatch(/undefined|NaN|\$\{/);
  });

  const why = spinMissing();
  const cases: [string, Record<string, unknown>][] = [
    ['posted', SMALL],
    ['reserve-fd', SMALL],
    // a full fd table (rlimit 2) and get_unused_fd_flags moved after init, then after the allocation: its -EMFILE unwinds
    [
      'posted',
      {
        ...SMALL,
        rlimit: 2,
        order:
          'init_dma_heap_file,get_unused_fd_flags,system_heap_allocate,dma_heap_read_file_sync,deinit_dma_heap_file,copy_to_user,fd_install',
      },
    ],
    [
      'posted',
      {
        ...SMALL,
        rlimit: 2,
        order:
          'init_dma_heap_file,system_heap_allocate,get_unused_fd_flags,dma_heap_read_file_sync,deinit_dma_heap_file,copy_to_user,fd_install',
      },
    ],
  ];
  for (const [variant, params] of cases) {
    it.skipIf(why !== undefined)(
      `SPIN -DNOREDUCE stores exactly kmc's states: ${variant} ${JSON.stringify(params)}${why ? ` (skipped: ${why})` : ''}`,
      () => {
        const system = compile(allocAndRead as never, variant, params as never);
        const kmc = referenceCount(system);
        const spin = runSpin(promela({ ...defaults, ...(allocAndRead.variants[variant]!.params ?? {}), ...params }), {
          noReduce: true,
          hashBits: 18,
          optimize: '-O0',
        });
        expect(spin.errors).toBe(0);
        expect(spin.states).toBe(kmc.states);
        expect(spin.transitions - 1).toBe(kmc.transitions);
        expect(spin.depth).toBe(kmc.depth);
      },
    );
  }
  it.skipIf(why !== undefined)(
    `SPIN finds the known-bad variants' violations${why ? ` (skipped: ${why})` : ''}`,
    () => {
      for (const variant of ['fd-before-read', 'posted-efault']) {
        const spin = runSpin(promela({ ...defaults, ...(allocAndRead.variants[variant]!.params ?? {}), ...SMALL }), {
          noReduce: true,
          hashBits: 18,
          optimize: '-O0',
        });
        expect(spin.errors, variant).toBeGreaterThan(0);
      }
    },
  );
  if (why) it(`SPIN checks skipped: ${why}`, () => {});
});
