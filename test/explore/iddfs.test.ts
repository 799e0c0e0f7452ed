// Iterative deepening (iddfs.ts), the strategy added through the registry alone: known-bad
// variants caught with the property named, fixed variants proved (exhaustive), the state
// count that of a plain dfs (its last search is one), and the CLI lists it with no edit.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVariant, compile, exploreDfs, expectations, main, STRATEGIES } from '../../src/index.ts';
import { models } from '../../model/index.ts';
import { lostUpdate, twoByTwo } from '../fixtures/counter.ts';

const explore = STRATEGIES.iddfs.explore;
const options = { runs: 1, seed: 1, maxSteps: 100 };

describe('iddfs: dfs with a depth bound 1, 2, 4, ... until nothing is cut', () => {
  it('the lost update needs 4 steps: found at bound 4, a 4-step path, no-lost-update named', () => {
    const r = explore(compile(lostUpdate, 'racy'), options);
    expect(r.kind).toBe('violation');
    if (r.kind !== 'violation') return;
    expect(r.violation.property).toBe('no-lost-update');
    expect(r.path).toHaveLength(4);
    expect(r.coverage.strategy).toBe('iddfs');
  });

  it('two independent 2-step threads hold, exhaustively, with the states of a plain dfs', () => {
    const system = compile(twoByTwo, Object.keys(twoByTwo.variants)[0]!);
    const r = explore(system, options);
    const dfs = exploreDfs(system);
    expect(r.kind).toBe('ok');
    expect(r.coverage.exhaustive).toBe(true);
    expect(r.coverage.states).toBe(dfs.coverage.states);
  });

  it('a max-depth the user set below the needed depth stops it as incomplete, never ok', () => {
    const r = explore(compile(lostUpdate, 'racy'), { ...options, maxDepth: 3 });
    expect(r).toMatchObject({ kind: 'incomplete', bound: 'max-depth (3)' });
  });

  for (const model of models.filter((m) => m.name === 'dma-heap/alloc-and-read' || m.name === 'udmabuf/create')) {
    for (const [variant, v] of Object.entries(model.variants)) {
      const what = expectations(v.expect)
        .map((e) => (e === 'holds' ? 'holds' : `violates ${e.violates}`))
        .join(', ');
      it(`${model.name} ${variant}: ${what}, as expected, under iddfs`, () => {
        const checks = checkVariant(model, variant, { strategy: 'iddfs' });
        for (const c of checks) {
          expect({ verdict: c.verdict, asExpected: c.asExpected, note: c.note }).toMatchObject({ asExpected: true });
          expect(c.verdict).toBe(c.expected === 'holds' ? 'holds' : 'violates');
          if (c.expected !== 'holds' && c.result.kind === 'violation')
            expect(c.result.violation.property).toBe(c.expected.violates);
        }
      });
    }
  }

  it('kmc check --strategy iddfs runs from the registry alone, and its usage lists it', async () => {
    let out = '';
    let err = '';
    const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s) };
    const dir = mkdtempSync(join(tmpdir(), 'kmc-iddfs-'));
    const code = await main(['check', 'fixture/lost-update', '--strategy', 'iddfs', '--out', dir], io, {
      models: [lostUpdate],
    });
    expect(err).toContain('iddfs');
    expect({ code, out }).toMatchObject({ code: 0 });
    expect(out).toMatch(/violates no-lost-update \(4 steps\)/);
    err = '';
    expect(await main(['check', '--strategy', 'psychic'], io, { models: [lostUpdate] })).toBe(2);
    expect(err).toMatch(/available: auto, bfs, dfs, random, pct, iddfs/);
  });
});
