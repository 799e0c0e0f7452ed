// Guards and properties cached by the parts they read (src/explore/read-cache.ts, used by
// StateSpace.enabled() and .check()), checked against the transition system:
//  - on every model and variant, over the shallowest states, with one warm space per
//    variant, the space's enabled transitions and violation are system.enabled()'s and
//    system.check()'s;
//  - the check can fail: a system that hides what its guard reads (the world field `open`),
//    or what its property reads (a thread's local), makes the cached answers wrong on the
//    `gated` fixture, and the same comparison names the state.

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
import { Lazy, StateSpace, type Vec } from '../../src/explore/state-space.ts';
import { models } from '../../model/index.ts';

interface Gate {
  open: boolean;
}

/**
 * `waiter` passes its step only when `open` (a guard reading a world field); `opener` opens
 * it; `counter` counts to 2 in its local, and the property `count-below-3` reads that
 * local through state.threads. The waiter and opener go (pass, open, closed), (pass, done,
 * open), (done, done, open); the counter (count, 0), (count, 1), (done, 2): 3 * 3 = 9 states;
 * the property holds.
 */
const gated = defineModel({
  name: 'fixture/gated',
  title: 'a guard that reads a world field, a property that reads a thread local',
  params: {},
  world: (): Gate => ({ open: false }),
  threads: () => [
    thread<Gate, {}>({
      name: 'waiter',
      locals: {},
      steps: { pass: { enabled: (w) => w.open, run: () => DONE } },
    }),
    thread<Gate, {}>({
      name: 'opener',
      locals: {},
      steps: { open: { run: (k) => ((k.world.open = true), DONE) } },
    }),
    thread<Gate, { n: number }>({
      name: 'counter',
      locals: { n: 0 },
      steps: { count: { run: (k) => (++k.local.n < 2 ? 'count' : DONE) } },
    }),
  ],
  properties: () => [
    always<Gate>('count-below-3', "the counter's local stays below 3", (s: State<Gate>) =>
      (s.threads[2]!.local as { n: number }).n >= 3 ? 'counted to 3' : undefined,
    ),
  ],
  variants: { main: { description: 'as written', expect: 'holds' } },
});

type SlotsRead = (world: Set<string>, threads: Set<number> | undefined, faults: boolean) => Int32Array;

/**
 * Breadth-first over at most `max` states: where the space's cached answers differ from the
 * system's. `tamper` replaces how the space turns what was read into cache keys (known-bad spaces).
 */
function compare(system: TransitionSystem, max: number, tamper?: (keys: SlotsRead) => SlotsRead): string[] {
  const space = new StateSpace(system, false);
  if (tamper) {
    const s = space as unknown as { slotsRead: SlotsRead };
    s.slotsRead = tamper(s.slotsRead.bind(space));
  }
  const mismatches: string[] = [];
  const v0 = space.initial();
  const seen = new Set([v0.join()]);
  const queue: Vec[] = [v0];
  for (let head = 0; head < queue.length && head < max && mismatches.length < 5; head++) {
    const vec = queue[head]!;
    const state = space.state(vec);
    const lazy = new Lazy(space, vec);
    const want = system.enabled(state);
    const got = space.enabled(lazy);
    if (JSON.stringify(got) !== JSON.stringify(want))
      mismatches.push(`${JSON.stringify(state)}: enabled ${JSON.stringify(got)}, system: ${JSON.stringify(want)}`);
    let wantV: unknown;
    let gotV: unknown;
    try {
      wantV = system.check(state, want.length);
    } catch (e) {
      wantV = `throws ${(e as Error).message}`;
    }
    try {
      gotV = space.check(lazy, want.length, undefined);
    } catch (e) {
      gotV = `throws ${(e as Error).message}`;
    }
    if (JSON.stringify(gotV) !== JSON.stringify(wantV))
      mismatches.push(`${JSON.stringify(state)}: check ${JSON.stringify(gotV)}, system: ${JSON.stringify(wantV)}`);
    for (const t of want) {
      const next: Vec = new Array(space.width);
      const o = space.successor(vec, state, t, next);
      if (o.violation || seen.has(next.join())) continue;
      seen.add(next.join());
      queue.push(next);
    }
  }
  return mismatches;
}

const cases = models.flatMap((m: Model) => Object.keys(m.variants).map((v) => ({ model: m, variant: v })));

describe('guards and properties cached by the parts they read', () => {
  it.each(cases.map((c) => [`${c.model.name} ${c.variant}`, c] as const))(
    '%s: enabled() and check() as the system says, on the shallowest 600 states',
    (_, { model, variant }) => {
      const system = compile(model, variant);
      expect(compare(system, 600)).toEqual([]);
    },
  );

  it('gated: 3 * 3 = 9 states, the same answers from a warm cache', () => {
    const system = compile(gated, 'main');
    expect(compare(system, 100)).toEqual([]);
    const space = new StateSpace(system, false);
    const v0 = space.initial();
    const seen = new Set([v0.join()]);
    const queue: Vec[] = [v0];
    for (let head = 0; head < queue.length; head++) {
      const vec = queue[head]!;
      for (const t of space.enabled(new Lazy(space, vec))) {
        const next: Vec = new Array(space.width);
        space.successor(vec, space.state(vec), t, next);
        if (!seen.has(next.join())) seen.add(next.join()), queue.push(next);
      }
    }
    expect(seen.size).toBe(9);
    expect(space.guards.hits).toBeGreaterThan(0);
  });

  it('a cache that misses the world fields a guard reads gives wrong enabled transitions (caught)', () => {
    const system = compile(gated, 'main');
    const found = compare(system, 100, (keys) => (_world, threads, faults) => keys(new Set(), threads, faults));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/"open":true.*: enabled .* system: /);
  });

  it('a cache that misses the thread slots a property reads gives a wrong verdict (caught)', () => {
    // the property broken where the counter's local reaches 1
    const early = always<Gate>('count-below-3', 'breaks at 1', (s) =>
      (s.threads[2]!.local as { n: number }).n >= 1 ? 'counted to 1' : undefined,
    );
    const system = compile({ ...gated, properties: () => [early] }, 'main');
    expect(compare(system, 100)).toEqual([]);
    const found = compare(system, 100, (keys) => (world, _threads, faults) => keys(world, undefined, faults));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/check undefined, system: .*counted to 1/);
  });
});
