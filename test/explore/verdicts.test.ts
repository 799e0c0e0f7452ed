// What `always` properties say of a state, kept by what they read (StateSpace.check()):
//  - on every model and variant, over its shallowest states, a state is answered "holds"
//    only where system.check() finds no broken `always` property, and the properties run
//    again wherever a slot they read holds another part;
//  - reads are noted by world field, by thread and of the fault count (a read of one
//    thread's pc does not key the others), and a property listing the state reads it all;
//  - a property whose reads differ in most states turns the cache off.

import { describe, expect, it } from 'vitest';
import {
  always,
  compile,
  defineModel,
  DONE,
  thread,
  type Model,
  type State,
  type TransitionSystem,
} from '../../src/index.ts';
import { StateSpace } from '../../src/explore/state-space.ts';
import { models } from '../../model/index.ts';

/** States walked per variant, breadth first. */
const MAX_STATES = 1500;

interface Counters {
  x: number;
  y: number;
}

/**
 * Two counting threads: `a` bumps x (twice), `b` bumps y (twice); `reads` is what the one
 * property reads (it fails nowhere: the test counts how often it runs).
 */
function counters(
  reads: (s: State<Counters>) => unknown,
  fails?: (s: State<Counters>) => string | undefined,
): Model<Counters> {
  return defineModel({
    name: 'fixture/counters',
    title: 'two threads bumping a field each',
    params: {},
    world: (): Counters => ({ x: 0, y: 0 }),
    threads: () =>
      (['x', 'y'] as const).map((f, i) =>
        thread<Counters, {}>({
          name: ['a', 'b'][i]!,
          locals: {},
          steps: {
            one: { run: (k) => (k.world[f]++, 'two') },
            two: { run: (k) => (k.world[f]++, DONE) },
          },
        }),
      ),
    properties: () => [always<Counters>('reads', 'reads part of the state', (s) => (reads(s), fails?.(s)))],
    variants: { default: { description: 'as it is', expect: fails ? { violates: 'reads' } : 'holds' } },
  }) as Model<Counters>;
}

/**
 * Breadth first over system.enabled/apply: each state with its vector, in a space of its
 * own. The space's system reports each run of the properties to `spy.ran`, with what they
 * run on (the space's reading view, or the state itself).
 */
function walk(model: Model, variant: string, max = MAX_STATES) {
  const system = compile(model, variant);
  const spy = { ran: (_seen: State) => {} };
  const spied: TransitionSystem = Object.create(system);
  spied.check = (state, n, only, seen) =>
    system.check(state, n, only, (s) => {
      const v = seen === undefined ? s : seen(s);
      spy.ran(v);
      return v;
    });
  const space = new StateSpace(spied, false);
  const seen = new Set<string>();
  const queue: State[] = [system.initial()];
  const out: { state: State; vec: number[]; enabled: number }[] = [];
  while (queue.length > 0 && out.length < max) {
    const state = queue.shift()!;
    const key = JSON.stringify(state);
    if (seen.has(key)) continue;
    seen.add(key);
    const enabled = system.enabled(state);
    out.push({ state, vec: space.encode(state), enabled: enabled.length });
    for (const t of enabled) {
      const applied = system.apply(state, t);
      if (!applied.violation) queue.push(applied.state);
    }
  }
  return { system, space, spy, states: out };
}

/** StateSpace.check() of one state: answered (its properties did not run), and whether they held; `ran` sees what they ran on. */
function ask(
  { space, spy }: ReturnType<typeof walk>,
  { state, vec, enabled }: { state: State; vec: number[]; enabled: number },
  ran?: (seen: State) => void,
): { answered: boolean; holds: boolean } {
  let answered = true;
  spy.ran = (seen) => {
    answered = false;
    ran?.(seen);
  };
  const violation = space.check(vec, { state }, enabled);
  return { answered, holds: violation === undefined };
}

/** How many times the property runs when every state of the counters model is asked once. */
function runs(reads: (s: State<Counters>) => unknown): number {
  const walked = walk(counters(reads), 'default');
  let n = 0;
  for (const s of walked.states) if (s.enabled > 0) ask(walked, s, () => n++);
  return n;
}

/** Both threads at `two`: a state that breaks a property read off the threads alone, after states that hold. */
const bothAtTwo = counters(
  () => undefined,
  (s) => (s.threads[0]!.pc === 'two' && s.threads[1]!.pc === 'two' ? 'both at two' : undefined),
);
/** x = 2 and y = 1: the same, read off the world. */
const xTwoYOne = counters(
  () => undefined,
  (s) => (s.world.x === 2 && s.world.y === 1 ? 'x 2, y 1' : undefined),
);

const cases = [
  ...models.flatMap((m: Model) => Object.keys(m.variants).map((v) => ({ model: m, variant: v }))),
  { model: bothAtTwo as Model, variant: 'default' },
  { model: xTwoYOne as Model, variant: 'default' },
];

describe.each(cases)('$model.name $variant', ({ model, variant }) => {
  it('a state is answered "holds" only where no `always` property breaks', () => {
    const walked = walk(model, variant);
    const { system, states } = walked;
    const wrong: string[] = [];
    let answered = 0;
    for (const s of states) {
      if (s.enabled === 0) continue; // terminal or stuck: checked whole, never cached
      const truth = system.check(s.state, s.enabled);
      const said = ask(walked, s);
      if (said.answered) answered++;
      if (said.holds !== (truth === undefined))
        wrong.push(`${JSON.stringify(s.state).slice(0, 200)}: ${truth?.property}`);
    }
    expect(wrong.slice(0, 3)).toEqual([]);
    // the cache answers something: the shallowest states repeat what properties read
    if (states.length >= 100) expect(answered).toBeGreaterThan(0);
    if (model === bothAtTwo || model === xTwoYOne)
      expect(states.some((s) => system.check(s.state, s.enabled))).toBe(true);
  });
});

describe('reads are noted by field, by thread and of the fault count', () => {
  // the counters model has 9 states, 8 of them with a step enabled: x and y each 0..2
  it('a property reading nothing runs once', () => {
    expect(runs(() => undefined)).toBe(1);
  });

  it('reading x runs once per value of x', () => {
    expect(runs((s) => s.world.x)).toBe(3);
  });

  it("reading thread a's pc runs once per pc of a (b's steps do not matter)", () => {
    expect(runs((s) => s.threads[0]!.pc)).toBe(3);
  });

  it('reading x and thread b runs once per (x, b) met', () => {
    expect(runs((s) => [s.world.x, s.threads[1]!.pc])).toBe(8);
  });

  it('the fault count is read as a slot of its own', () => {
    expect(runs((s) => s.faults)).toBe(1);
  });

  it('listing the state reads all of it', () => {
    expect(runs((s) => JSON.stringify(s))).toBe(8);
    expect(runs((s) => Object.keys(s.world))).toBe(8);
    expect(runs((s) => s.threads.map((t) => t.pc))).toBe(8);
  });
});

describe('a property whose reads differ in every state', () => {
  it('turns the cache off after its trial, and runs on the state itself from then on', () => {
    const walked = walk(model('fixture/pcs'), 'default', 3000);
    const { states } = walked;
    let onReal = 0;
    let calls = 0;
    for (const s of states) {
      if (s.enabled === 0) continue;
      ask(walked, s, (seen) => {
        calls++;
        if (seen === s.state) onReal++;
      });
    }
    expect(states.length).toBeGreaterThan(1100);
    expect(calls).toBe(states.filter((s) => s.enabled > 0).length); // never answered
    expect(onReal).toBe(calls - 1024); // the trial's 1024 asks ran on the reading view
  });
});

/** Four counting threads, each to 6: 7^4 states, every one with its own pcs; the property reads every pc. */
function model(name: string): Model {
  const steps: Record<string, { run: (k: { local: { n: number } }) => string }> = {
    count: { run: (k) => (++k.local.n < 6 ? 'count' : DONE) },
  };
  return defineModel({
    name,
    title: 'counters the property reads all of',
    params: {},
    world: () => ({}),
    threads: () =>
      Array.from({ length: 4 }, (_, i) => thread<{}, { n: number }>({ name: `t${i}`, locals: { n: 0 }, steps })),
    properties: () => [always('locals', 'reads every local', (s) => (s.threads.map((t) => t.local.n), undefined))],
  }) as Model;
}
