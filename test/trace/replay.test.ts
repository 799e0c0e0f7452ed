import { describe, expect, it } from 'vitest';
import {
  compile,
  decodeTrace,
  encodeTrace,
  exploreRandom,
  recordTrace,
  replay,
  renderText,
  TraceFormatError,
} from '../../src/index.ts';
import { lostUpdate } from '../fixtures/counter.ts';
import { callOf } from '../../src/report/view.ts';
import { defineModel, thread, atEnd, DONE } from '../../src/index.ts';

/** The lost update with its store showing the value it wrote: a display label, not state. */
const shownUpdate = defineModel({
  ...lostUpdate,
  name: 'fixture/shown-update',
  threads: (p: { threads: number }) =>
    Array.from({ length: p.threads }, (_, i) =>
      thread<{ x: number }, { tmp: number }>({
        name: `t${i}`,
        locals: { tmp: 0 },
        steps: {
          load: { run: (k) => ((k.local.tmp = k.world.x), 'store') },
          store: { run: (k) => ((k.world.x = k.local.tmp + 1), DONE), show: (k) => `store(x) = ${k.world.x}` },
        },
      }),
    ),
  properties: (p: { threads: number }) => [
    atEnd<{ x: number }>('no-lost-update', 'every increment lands', (s) =>
      s.world.x === p.threads ? undefined : `x = ${s.world.x}`,
    ),
  ],
});

function lostUpdateTrace() {
  const sys = compile(lostUpdate, 'racy');
  const r = exploreRandom(sys, { runs: 200, seed: 42, maxSteps: 50 });
  if (r.kind !== 'violation') throw new Error('expected a violation');
  return { sys, trace: recordTrace(sys, r.path, r.violation, 'random', 42) };
}

describe('traces', () => {
  it('round-trips through JSON byte for byte', () => {
    const { trace } = lostUpdateTrace();
    const text = encodeTrace(trace);
    expect(encodeTrace(decodeTrace(text))).toBe(text);
    expect(trace.steps.map((s) => s.patches.length)).toEqual([1, 1, 2, 1]); // the second store writes x = 1 over x = 1: only its pc moves
  });

  it('replays and renders one line per step with the state changes and the violation', () => {
    const { sys, trace } = lostUpdateTrace();
    const r = replay(sys, trace);
    expect(r.kind).toBe('reproduced');
    if (r.kind !== 'reproduced') return;
    const text = renderText(trace, r.steps, sys.threadNames);
    expect(text.split('\n')[0]).toBe('fixture/lost-update (variant racy): no-lost-update, 4 steps (random, seed 42)');
    expect(text).toMatch(/store\s+x: 0 → 1/);
    expect(text.trim().split('\n').at(-1)).toBe('violated: no-lost-update: x = 1, expected 2');
  });

  it("records a step's display label, made on the state after it, and replays old files without one", () => {
    const sys = compile(shownUpdate, 'racy');
    const trace = recordTrace(sys, [0, 1, 0, 0], { property: 'no-lost-update', message: 'x = 1' }, 'random', 1);
    expect(trace.steps.map((s) => s.shown)).toEqual([undefined, undefined, 'store(x) = 1', 'store(x) = 1']);
    expect(decodeTrace(encodeTrace(trace))).toEqual(trace);
    // a file recorded before the label existed: the replay shows what the model shows now
    const old = { ...trace, steps: trace.steps.map(({ shown: _, ...s }) => s) };
    const r = replay(sys, decodeTrace(encodeTrace(old)));
    if (r.kind !== 'reproduced') throw new Error(r.message);
    expect(r.steps.map(callOf)).toEqual(['load', 'load', 'store(x) = 1', 'store(x) = 1']);
    // the label is not state: the same states as without it
    const plain = recordTrace(compile(lostUpdate, 'racy'), [0, 1, 0, 0], trace.violation, 'random', 1);
    expect(trace.steps.map((s) => s.patches)).toEqual(plain.steps.map((s) => s.patches));
    expect(() =>
      decodeTrace(
        encodeTrace({
          ...trace,
          steps: [{ ...trace.steps[0]!, shown: 3 as unknown as string }, ...trace.steps.slice(1)],
        }),
      ),
    ).toThrow('step 1: field "shown" is not a string');
  });

  it('detects divergence at the first differing step when the model changed', () => {
    const { trace } = lostUpdateTrace();
    // the same trace against a model with three incrementers: step labels still match,
    // but the violation message (and the fingerprint) differ
    const r = replay(compile(lostUpdate, 'racy', { threads: 3 }), trace);
    expect(r.kind).toBe('diverged');
    // a tampered step label is caught at that step
    const tampered = { ...trace, steps: trace.steps.map((s, i) => (i === 2 ? { ...s, step: 'load' } : s)) };
    const t = replay(compile(lostUpdate, 'racy'), tampered);
    expect(t).toMatchObject({ kind: 'diverged', step: 3 });
    // a tampered patch too
    const patched = { ...trace, steps: trace.steps.map((s, i) => (i === 3 ? { ...s, patches: [] } : s)) };
    expect(replay(compile(lostUpdate, 'racy'), patched)).toMatchObject({ kind: 'diverged', step: 4 });
  });

  it('refuses files that are not traces, naming the problem', () => {
    expect(() => decodeTrace('{')).toThrow(TraceFormatError);
    expect(() => decodeTrace('[]')).toThrow(/not a JSON object/);
    expect(() => decodeTrace('{"format":"kmc-trace/0"}')).toThrow(/format is "kmc-trace\/0"/);
    const { trace } = lostUpdateTrace();
    expect(() => decodeTrace(JSON.stringify({ ...trace, decisions: [0] }))).toThrow(/4 steps but 1 decisions/);
  });
});
