// The trace views (columns, Mermaid, ITF, HTML): snapshots of each for fixed traces of the
// fixture models (made from fixed decision lists, so no explorer change moves them), ITF
// checked against the spec, and every committed trace in traces/ rendered in every format.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compile,
  decodeTrace,
  defineModel,
  DONE,
  encodeTrace,
  main,
  pathChooser,
  recordTrace,
  replay,
  run,
  thread,
  type Model,
  type Step,
} from '../../src/index.ts';
import { render, FORMATS } from '../../src/cli/replay.ts';
import { ascii, fitColumns, renderColumns, WIDTH, wrap } from '../../src/report/columns.ts';
import { nullablePositions, toItf, toItfValue } from '../../src/report/itf.ts';
import type { TraceView } from '../../src/report/view.ts';
import { models } from '../../model/index.ts';
import { faulty, lostUpdate } from '../fixtures/counter.ts';
import { itfProblems, itfTypeProblems } from './itf-spec.ts';

/** Run a fixed decision list and replay its trace into a view. */
function viewOf(model: Model, variant: string, path: number[]): TraceView {
  const system = compile(model, variant);
  const ran = run(system, pathChooser(path), { maxSteps: path.length, check: false });
  const violation = ran.violation ?? system.check(ran.final, system.enabled(ran.final).length);
  if (violation === undefined) throw new Error('the fixed path breaks nothing');
  const trace = recordTrace(system, path, violation, 'random', 7);
  const r = replay(system, trace);
  if (r.kind !== 'reproduced') throw new Error(r.message);
  return { trace, initial: r.initial, steps: r.steps, threadNames: system.threadNames };
}

// t0.load, t1.load, t0.store, t1.store: the lost update
const lost = () => viewOf(lostUpdate, 'racy', [0, 1, 0, 0]);
// kmalloc ok, setup -EIO, err_free, kfree: the double free, raised inside the step
const doubleFree = () => viewOf(faulty, 'double-free', [0, 1, 0, 0]);

describe('snapshots', () => {
  for (const format of FORMATS) {
    const ext =
      format === 'itf' || format === 'json'
        ? 'json'
        : format === 'html'
          ? 'html'
          : format === 'mermaid'
            ? 'mmd'
            : 'txt';
    it(`${format}: lost update`, async () => {
      await expect(render(format, lost())).toMatchFileSnapshot(`__snapshots__/lost-update.${format}.${ext}`);
    });
    it(`${format}: double free`, async () => {
      await expect(render(format, doubleFree())).toMatchFileSnapshot(`__snapshots__/double-free.${format}.${ext}`);
    });
  }
});

// Two threads take two locks in opposite orders; each lock step names its lock (waitsFor)
interface Locks {
  A: string | null;
  B: string | null;
}
const taker = (name: string, first: 'A' | 'B', second: 'A' | 'B') => {
  const lock = (l: 'A' | 'B', next: string): Step<Locks, {}> => ({
    enabled: (w) => w[l] === null,
    waitsFor: (w) => (w[l] === null ? undefined : { lock: `&${l}`, holders: [w[l]!] }),
    show: () => `lock(&${l})`,
    run: (k) => ((k.world[l] = name), next),
  });
  return thread<Locks, {}>({
    name,
    locals: {},
    steps: {
      take_first: lock(first, 'take_second'),
      take_second: lock(second, 'unlock'),
      unlock: { run: (k) => ((k.world.A = k.world.B = null), DONE) },
    },
  });
};
const abba = defineModel({
  name: 'test/abba',
  title: 'AB-BA',
  params: {},
  world: (): Locks => ({ A: null, B: null }),
  threads: () => [taker('CPU0', 'A', 'B'), taker('CPU1', 'B', 'A')],
  properties: () => [],
  variants: { abba: { description: 'opposite orders', expect: { violates: 'deadlock' } } },
});
// CPU0 takes A, CPU1 takes B: both wait
const deadlock = () => viewOf(abba, 'abba', [0, 1]);

describe('deadlock with a lock cycle', () => {
  it("text: the violation, then the cycle as lockdep's possible unsafe locking scenario", async () => {
    const text = render('text', deadlock());
    expect(text).toContain(
      'violated: deadlock: no thread can move: CPU0 at take_second, CPU1 at take_second; a lock cycle: CPU0 waits for &B held by CPU1, CPU1 waits for &A held by CPU0',
    );
    const scenario = [
      ' Possible unsafe locking scenario:',
      '',
      '  CPU0        CPU1',
      '  ----        ----',
      '  lock(&A);',
      '              lock(&B);',
      '  lock(&B);',
      '              lock(&A);',
      '',
      ' *** DEADLOCK ***',
      '',
    ];
    expect(text.endsWith(scenario.join('\n'))).toBe(true);
    await expect(text).toMatchFileSnapshot('__snapshots__/deadlock.text.txt');
  });

  it('columns: the steps, then where each thread of the cycle sleeps and on what', async () => {
    const text = render('columns', deadlock());
    const lines = text.split('\n');
    expect(lines).toContain(' Possible unsafe locking scenario:');
    expect(lines).toContain('      take_second: waits for &B   take_second: waits for &A');
    await expect(text).toMatchFileSnapshot('__snapshots__/deadlock.columns.txt');
  });

  it('the trace file keeps the cycle, and a malformed one is refused', () => {
    const { trace } = deadlock();
    const text = encodeTrace(trace);
    expect(decodeTrace(text).violation.cycle).toEqual([
      { thread: 'CPU0', step: 'take_second', lock: '&B', holder: 'CPU1' },
      { thread: 'CPU1', step: 'take_second', lock: '&A', holder: 'CPU0' },
    ]);
    expect(() => decodeTrace(text.replace('"holder":"CPU1"', '"holder":1'))).toThrow(
      'field "violation.cycle" is not a list of {thread, step, lock, holder}',
    );
  });
});

describe('columns', () => {
  it('one column per thread that steps, one row per step, the violation at the bottom', () => {
    const text = renderColumns(lost());
    const lines = text.trimEnd().split('\n');
    expect(lines).toContain('      t0      t1');
    expect(lines.filter((l) => /^ +\d+ {2}/.test(l))).toEqual([
      '   1  load',
      '   2          load',
      '   3  store',
      '   4          store',
    ]);
    expect(lines.at(-1)).toBe(' *** no-lost-update: x = 1, expected 2 ***');
  });

  it('stays within 80 ASCII columns, wrapping long calls in their column and the message', () => {
    const v = lost();
    const long = 'x'.repeat(300);
    const wide: TraceView = {
      ...v,
      threadNames: ['a'.repeat(60), 'b'.repeat(60)],
      steps: v.steps.map((s, i) => ({
        ...s,
        thread: i % 2 ? 'b'.repeat(60) : 'a'.repeat(60),
        step: `${s.step}_${long}`,
      })),
      trace: { ...v.trace, violation: { property: 'p', message: `${long} and ${long}` } },
    };
    const text = renderColumns(wide);
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(WIDTH);
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    // nothing is cut: every x of the first call is there, over several lines
    expect(text.match(/x/g)!.length).toBeGreaterThanOrEqual(4 * 300 + 2 * 300);
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    for (const w of [40, 60])
      for (const line of renderColumns(wide, w).split('\n')) expect(line.length, line).toBeLessThanOrEqual(w);
  });

  it('sizes columns by need: a narrow column leaves its room to the wide ones', () => {
    expect(fitColumns([5, 40, 10], 60)).toEqual([5, 40, 10]);
    expect(fitColumns([5, 70, 10], 60)).toEqual([5, 45, 10]);
    expect(fitColumns([50, 50], 60)).toEqual([30, 30]);
    expect(ascii('a → b …')).toBe('a -> b ...');
  });
});

describe('itf', () => {
  it('follows the ITF spec: #meta, vars, one state per step with its index, action and choices', () => {
    for (const v of [lost(), doubleFree()]) {
      const itf = toItf(v) as { '#meta': Record<string, unknown>; vars: string[]; states: Record<string, any>[] };
      expect(itfProblems(itf)).toEqual([]);
      expect(itf['#meta'].format).toBe('ITF');
      expect(itf.states).toHaveLength(v.steps.length + 1);
      itf.states.forEach((s, i) => expect(s['#meta']).toEqual({ index: i }));
      expect(itf.states[0]!['mbt::actionTaken']).toBe('init');
      v.steps.forEach((s, i) => {
        expect(itf.states[i + 1]!['mbt::actionTaken']).toBe(`${s.thread}.${s.step}`);
        expect(itf.states[i + 1]!['mbt::nondetPicks'].thread).toEqual({ tag: 'Some', value: s.thread });
      });
    }
    const df = toItf(doubleFree()) as { states: Record<string, any>[] };
    expect(df.states[2]!['mbt::nondetPicks'].choice).toEqual({ tag: 'Some', value: '-EIO' });
    expect((toItf(doubleFree()) as any)['#meta'].violation.property).toBe('double-free');
  });

  it('gives each variable one type: a position null in some state is an Option in every state', () => {
    const options = nullablePositions([
      { fd: [0, null], page: { data: null } },
      { fd: [0, 1], page: { data: 'x' } },
    ]);
    expect([...options].sort()).toEqual(['.fd[]', '.page.data']);
    expect(toItfValue({ fd: [0, null], n: 3 }, options)).toEqual({
      fd: [
        { tag: 'Some', value: 0 },
        { tag: 'None', value: { '#tup': [] } },
      ],
      n: 3,
    });
    expect(itfTypeProblems({ vars: ['a'], states: [{ a: [1, { tag: 'None', value: { '#tup': [] } }] }] })).toEqual([
      'a[]: int and option',
    ]);
    for (const v of [lost(), doubleFree()])
      expect(itfTypeProblems(toItf(v) as { vars: string[]; states: Record<string, unknown>[] })).toEqual([]);
  });

  it('writes values ITF has no form for in forms it has', () => {
    expect(toItfValue(null)).toEqual({ tag: 'None', value: { '#tup': [] } });
    expect(toItfValue(2 ** 60)).toEqual({ '#bigint': String(2n ** 60n) });
    expect(toItfValue({ '#x': 1 })).toEqual({ '_#x': 1 });
    expect(itfProblems({ vars: ['a'], states: [{ a: null }] })).toEqual(['state 0.a: null is not an ITF expression']);
    expect(itfProblems({ vars: ['a'], states: [{}] })).toEqual(['state 0 has no value for a']);
  });

  it("loads with Quint's own ITF reader, where Quint is installed", async (ctx) => {
    let quint: { ofItf: (x: unknown) => unknown[] };
    try {
      quint = (await import('@informalsystems/quint/dist/src/itf.js' as string)) as typeof quint;
    } catch {
      return ctx.skip('@informalsystems/quint is not installed');
    }
    const v = doubleFree();
    expect(quint.ofItf(toItf(v))).toHaveLength(v.steps.length + 1);
  });
});

describe('mermaid', () => {
  it('is a sequence diagram: participants, one message per step, changes as notes on the thread that made them, the violation as a note', () => {
    const text = render('mermaid', lost());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines.filter((l) => /^ {2}participant /.test(l))).toEqual([
      '  participant t0 as t0',
      '  participant t1 as t1',
    ]);
    expect(lines.filter((l) => /^ {2}(t\d)->>\1: \d+\. /.test(l))).toHaveLength(4);
    expect(lines).toContain('  Note right of t0: x: 0 → 1');
    expect(text).not.toContain('state');
    expect(lines.at(-1)).toBe('  Note over t0,t1: violated: no-lost-update: x = 1, expected 2');
    // nothing Mermaid would read as a statement separator or an entity
    for (const l of lines.slice(1)) expect(l.replace(/#\d+;/g, '')).not.toMatch(/[;#]/);
  });
});

describe('committed traces', () => {
  const dir = join(import.meta.dirname, '..', '..', 'traces');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('render in every format through kmc replay', async () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const format of FORMATS) {
        let out = '';
        let err = '';
        const code = await main(
          ['replay', join(dir, file), '--format', format],
          { out: (s) => void (out += s), err: (s) => void (err += s) },
          { models: models },
        );
        expect(code, `${file} --format ${format}: ${err}`).toBe(0);
        const trace = decodeTrace(readFileSync(join(dir, file), 'utf8'));
        if (format === 'columns') {
          for (const line of out.split('\n')) expect(line.length, `${file}: ${line}`).toBeLessThanOrEqual(WIDTH);
          expect(out, `${file}: plain ASCII`).toMatch(/^[\x20-\x7e\n]*$/);
          expect(out).toContain(`*** ${trace.violation.property}: `);
        }
        if (format === 'itf') {
          expect(itfProblems(JSON.parse(out)), file).toEqual([]);
          expect(itfTypeProblems(JSON.parse(out)), `${file}: one type per variable`).toEqual([]);
        }
        if (format === 'mermaid') expect(out).toMatch(/^sequenceDiagram\n/);
        if (format === 'html') expect(out).toContain(`</html>`);
      }
    }
  });
});
