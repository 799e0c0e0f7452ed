// The state space the exhaustive explorers keep states in (src/explore/state-space.ts),
// checked against the transition system it stands for:
//  - every successor it gives, from its transition cache or not, is the state
//    system.apply() makes, and every violation it reports is the one apply() raises (on
//    every model and variant: in a fresh space, in one whose cache is warm, in spaces
//    that never met the state, and with footprint recording);
//  - a successor's fingerprint made from its parent's (enter + canon(next, true)) is the one
//    computed whole, with symmetry reduction on and off, and fingerprints tell states
//    apart exactly as the canonical texts of symmetry.ts do;
//  - a step that reads a world field on one branch only gets the hand-counted state space;
//  - a step that adds a world field the initial world lacks is a model error.

import { describe, expect, it } from 'vitest';
import { compile, type Model, type State, type TransitionSystem } from '../../src/index.ts';
import { exploreBfs } from '../../src/explore/bfs.ts';
import { exploreDfs } from '../../src/explore/dfs.ts';
import type { ExhaustiveOptions } from '../../src/explore/exhaustive.ts';
import { recorder, type Footprint } from '../../src/explore/footprint.ts';
import { StateSpace, type Vec } from '../../src/explore/state-space.ts';
import { canonicaliser } from './oracle.ts';
import { models } from '../../model/index.ts';
import { branchy, listsFields, newField, readsNonFields } from '../fixtures/state-space.ts';

/** The small parameter sets soundness.test.ts uses: each variant's own, and these with several interchangeable threads. */
const symmetric: Record<string, Record<string, number>> = {
  'dma-heap/alloc-and-read': { guessers: 2, closers: 1, pages: 2 },
};

const cases = models.flatMap((m: Model) =>
  Object.keys(m.variants).flatMap((v) => [
    { model: m, variant: v, params: {} as Record<string, number> },
    ...(symmetric[m.name] ? [{ model: m, variant: v, params: symmetric[m.name]! }] : []),
  ]),
);

/** States walked per variant and check: the walks are breadth-first, so these are the shallowest states. */
const MAX_STATES = 1200;
/** Mismatches listed in a failure message. */
const SHOWN = 5;

/** A state as text: the world's fields by name (an undefined field is no field), threads and faults as they are. */
function text(s: State): string {
  const w = s.world as unknown;
  let world = w;
  if (w !== null && typeof w === 'object' && !Array.isArray(w)) {
    const r = w as Record<string, unknown>;
    world = Object.fromEntries(
      Object.keys(r)
        .filter((k) => r[k] !== undefined)
        .sort()
        .map((k) => [k, r[k]]),
    );
  }
  return JSON.stringify({ world, threads: s.threads, faults: s.faults });
}

/** A part of a state: the same object (untouched by the step, shared), or equal as JSON. */
function samePart(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** text(a) === text(b), faster: parts shared by both states are not written out. */
function sameState(a: State, b: State): boolean {
  if (a.faults !== b.faults || a.threads.length !== b.threads.length) return false;
  for (let j = 0; j < a.threads.length; j++) if (!samePart(a.threads[j], b.threads[j])) return false;
  const x = a.world as unknown;
  const y = b.world as unknown;
  const record = (w: unknown): w is Record<string, unknown> => w !== null && typeof w === 'object' && !Array.isArray(w);
  if (!record(x) || !record(y)) return samePart(x, y);
  for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) if (!samePart(x[k], y[k])) return false;
  return true;
}

function footprintText(f: Footprint | undefined): string {
  return f === undefined ? 'none' : JSON.stringify({ reads: [...f.reads].sort(), writes: [...f.writes].sort() });
}

interface Walk {
  states: number;
  transitions: number;
  violations: number;
  /** hits and new outcomes of the space's cache during the walk */
  hits: number;
  outcomes: number;
  mismatches: string[];
  /** the states walked */
  vecs: Vec[];
}

/**
 * Breadth-first over the space's vectors (at most `max` states, told apart by their
 * vectors once each is checked to decode to apply's state):
 * each enabled transition of each state applied both by space.successor() and by
 * system.apply(), their outcomes compared; with `record`, the footprints too.
 */
function differential(system: TransitionSystem, space: StateSpace, max: number, record: boolean): Walk {
  const hits = space.hits;
  const outcomes = space.outcomes;
  const mismatches: string[] = [];
  const miss = (m: string) => void (mismatches.length < SHOWN && mismatches.push(m));
  const s0 = system.initial();
  const v0 = space.initial();
  if (text(space.state(v0)) !== text(s0)) miss(`initial: ${text(space.state(v0))} != ${text(s0)}`);
  const seen = new Set([v0.join()]);
  const queue: Vec[] = [v0];
  let transitions = 0;
  let violations = 0;
  for (let head = 0; head < queue.length; head++) {
    const vec = queue[head]!;
    const state = space.state(vec);
    const before = JSON.stringify(state);
    for (const t of system.enabled(state)) {
      transitions++;
      const rec = record ? recorder() : undefined;
      const ref = system.apply(state, t, rec ? { access: rec.access } : undefined);
      const next: Vec = new Array(space.width);
      const o = space.successor(vec, { state }, t, next, record ? recorder : undefined);
      const where = () => `${text(state)} --${JSON.stringify(t)}-->`;
      if (record && footprintText(o.footprint) !== footprintText(rec!.footprint)) {
        miss(`${where()} footprint ${footprintText(o.footprint)}, apply: ${footprintText(rec!.footprint)}`);
      }
      if (ref.violation) {
        violations++;
        if (o.violation === undefined || JSON.stringify(o.violation) !== JSON.stringify(ref.violation)) {
          miss(
            `${where()} ${o.violation !== undefined ? JSON.stringify(o.violation) : text(space.state(next))}, apply: violation ${JSON.stringify(ref.violation)}`,
          );
        }
        continue;
      }
      if (o.violation !== undefined) {
        miss(`${where()} violation ${JSON.stringify(o.violation)}, apply: ${text(ref.state)}`);
        continue;
      }
      const got = space.state(next);
      if (!sameState(got, ref.state)) {
        miss(`${where()} ${text(got)}, apply: ${text(ref.state)}`);
        continue;
      }
      const key = next.join();
      if (!seen.has(key) && queue.length < max) {
        seen.add(key);
        queue.push(next);
      }
    }
    // applying its transitions did not change the state the walk stands on (its parts are shared)
    if (JSON.stringify(space.state(vec)) !== before) miss(`${before} changed to ${JSON.stringify(space.state(vec))}`);
  }
  return {
    states: queue.length,
    transitions,
    violations,
    hits: space.hits - hits,
    outcomes: space.outcomes - outcomes,
    mismatches,
    vecs: queue,
  };
}

/**
 * Each enabled transition of each state applied by a space that has never met the state
 * (a fresh one per state: every successor() a cache miss), compared with apply().
 */
function misses(
  system: TransitionSystem,
  states: State[],
): { transitions: number; hits: number; mismatches: string[] } {
  const mismatches: string[] = [];
  let transitions = 0;
  let hits = 0;
  for (const state of states) {
    const space = new StateSpace(system, false);
    const vec = space.encode(state);
    for (const t of system.enabled(state)) {
      transitions++;
      const ref = system.apply(state, t);
      const next: Vec = new Array(space.width);
      const o = space.successor(vec, { state: space.state(vec) }, t, next);
      const got = o.violation !== undefined ? `violation ${JSON.stringify(o.violation)}` : text(space.state(next));
      const expected = ref.violation ? `violation ${JSON.stringify(ref.violation)}` : text(ref.state);
      if (got !== expected && mismatches.length < SHOWN)
        mismatches.push(`${text(state)} --${JSON.stringify(t)}--> ${got}, apply: ${expected}`);
    }
    hits += space.hits;
  }
  return { transitions, hits, mismatches };
}

interface Prints {
  states: number;
  successors: number;
  mismatches: string[];
  /** fingerprint -> canonical text (symmetry.ts) and back: one-to-one when fingerprints tell states apart exactly as texts do */
  texts: number;
}

/**
 * Breadth-first over the space's vectors, stored by their canonical fingerprints as the
 * explorers store them: each successor's fingerprint made from its parent's is compared
 * with the one computed whole, each state's with the one of its object encoded again, and
 * each fingerprint with the canonical text of symmetry.ts.
 */
function fingerprints(system: TransitionSystem, symmetry: boolean, max: number): Prints {
  const space = new StateSpace(system, symmetry);
  const canonical = canonicaliser(system, symmetry);
  const mismatches: string[] = [];
  const miss = (m: string) => void (mismatches.length < SHOWN && mismatches.push(m));
  const textOf = new Map<string, string>();
  const printOf = new Map<string, string>();
  const store = (vec: Vec, print: string) => {
    const t = canonical.text(space.state(vec));
    const known = textOf.get(print);
    if (known !== undefined && known !== t) miss(`fingerprint ${print} for two canonical texts: ${known} and ${t}`);
    const other = printOf.get(t);
    if (other !== undefined && other !== print)
      miss(`canonical text ${t} under two fingerprints: ${other} and ${print}`);
    textOf.set(print, t);
    printOf.set(t, print);
  };
  const permText = (p: Int32Array | undefined) => (p === undefined ? 'identity' : Array.from(p).join(','));

  const v0 = space.initial();
  const c0 = space.fingerprint(v0);
  const p0 = `${c0.hi}:${c0.lo}`;
  store(v0, p0);
  const seen = new Set([p0]);
  const queue: Vec[] = [v0];
  let successors = 0;
  for (let head = 0; head < queue.length; head++) {
    const vec = queue[head]!;
    const state = space.state(vec);
    // the state's vector made again from its object: the same fingerprint
    const c = space.fingerprint(vec);
    const own = `${c.hi}:${c.lo} ${permText(c.perm)}`;
    const e = space.fingerprint(space.encode(state));
    const encoded = `${e.hi}:${e.lo} ${permText(e.perm)}`;
    if (encoded !== own) miss(`${text(state)}: fingerprint ${own}, encoded again ${encoded}`);
    const expansion = space.enter(vec);
    for (const t of system.enabled(state)) {
      const kept: Vec = new Array(space.width);
      const o = space.successor(vec, { state }, t, kept);
      if (o.violation !== undefined) continue;
      successors++;
      const inc = space.child(expansion, kept, o);
      const incremental = `${inc.hi}:${inc.lo} ${permText(inc.perm)}`;
      const w = space.fingerprint(kept);
      const whole = `${w.hi}:${w.lo} ${permText(w.perm)}`;
      if (incremental !== whole)
        miss(
          `${text(state)} --${JSON.stringify(t)}--> ${text(space.state(kept))}: incremental ${incremental}, whole ${whole}`,
        );
      // the permutation is the one symmetry.ts finds
      const ref = permText(canonical(space.state(kept)).perm);
      if (ref !== permText(w.perm))
        miss(`${text(space.state(kept))}: permutation ${permText(w.perm)}, symmetry.ts: ${ref}`);
      const print = `${w.hi}:${w.lo}`;
      store(kept, print);
      if (!seen.has(print) && queue.length < max) {
        seen.add(print);
        queue.push(kept);
      }
    }
  }
  return { states: queue.length, successors, mismatches, texts: textOf.size };
}

describe.each(cases)('$model.name $variant $params', ({ model, variant, params }) => {
  const system = compile(model, variant, params);
  const grouped = system.symmetry.some((g, i) => g !== undefined && system.symmetry.indexOf(g) !== i);
  const of = `${model.name} ${variant}`; // in the leaf titles: slow-test lists show only those

  it(`${of}: successors and violations are those of apply, from a fresh cache and from a warm one`, () => {
    const space = new StateSpace(system, false);
    const cold = differential(system, space, MAX_STATES, false);
    expect(cold.mismatches).toEqual([]);
    expect(cold.states).toBeGreaterThan(1);
    expect(cold.transitions).toBeGreaterThan(0);
    // the fresh cache ran steps and kept their outcomes, and some were met again from other states
    expect(cold.outcomes).toBeGreaterThan(0);
    expect(cold.outcomes + cold.hits).toBe(cold.transitions);
    expect(cold.hits).toBeGreaterThan(0);

    // the walk's first states again, each in a space that never met it: no hits at all
    const alone = misses(
      system,
      cold.vecs.slice(0, MAX_STATES / 10).map((v) => space.state(v)),
    );
    expect(alone.mismatches).toEqual([]);
    expect(alone.transitions).toBeGreaterThan(0);
    expect(alone.hits).toBe(0);

    // the same walk again: every transition comes from the cache, and gives the same
    const warm = differential(system, space, MAX_STATES, false);
    expect(warm.mismatches).toEqual([]);
    expect({ states: warm.states, transitions: warm.transitions, violations: warm.violations }).toEqual({
      states: cold.states,
      transitions: cold.transitions,
      violations: cold.violations,
    });
    expect(warm.hits).toBe(warm.transitions);
    expect(warm.outcomes).toBe(0);
  });

  it(`${of}: with footprint recording (POR), successors and footprints are those of apply, cold and warm`, () => {
    const space = new StateSpace(system, false);
    // outcomes kept without footprints are no use to a recording walk: met again, they are recomputed
    const unrecorded = differential(system, space, MAX_STATES / 4, false);
    const cold = differential(system, space, MAX_STATES / 4, true);
    expect(cold.mismatches).toEqual([]);
    expect(cold.transitions).toBe(unrecorded.transitions);
    expect(cold.outcomes).toBeGreaterThan(0);
    const warm = differential(system, space, MAX_STATES / 4, true);
    expect(warm.mismatches).toEqual([]);
    expect(warm.transitions).toBe(cold.transitions);
    expect(warm.hits).toBe(warm.transitions);
  });

  // without a group of two or more threads symmetry changes nothing: checked without only
  it.each(grouped ? [false, true] : [false])(
    `${of}: incremental fingerprints equal whole ones (symmetry %s)`,
    (symmetry) => {
      const r = fingerprints(system, symmetry, MAX_STATES);
      expect(r.mismatches).toEqual([]);
      expect(r.successors).toBeGreaterThan(0);
      expect(r.texts).toBeGreaterThan(1);
    },
  );
});

/** Every state reachable from the initial one, by apply() with states told apart by JSON text. */
function naive(system: TransitionSystem): { states: Set<string>; transitions: number; terminals: string[] } {
  const s0 = system.initial();
  const states = new Set([JSON.stringify(s0)]);
  const queue = [s0];
  let transitions = 0;
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    for (const t of system.enabled(s)) {
      transitions++;
      const next = system.apply(s, t).state;
      const key = JSON.stringify(next);
      if (!states.has(key)) states.add(key), queue.push(next);
    }
  }
  return {
    states,
    transitions,
    terminals: queue
      .filter((s) => system.terminal(s))
      .map(text)
      .sort(),
  };
}

describe('a step that reads a world field on one branch only', () => {
  const system = compile(branchy, 'default');
  const row = (bumper: string, toggler: string, flag: boolean, a: number, b: number) =>
    text({
      world: { flag, a, b },
      threads: [
        { pc: bumper, local: {} },
        { pc: toggler, local: {} },
      ],
      faults: 0,
    });
  const byHand = [
    row('first', 'toggle', false, 0, 0),
    row('second', 'toggle', false, 0, 1),
    row('first', 'done', true, 0, 0),
    row('done', 'toggle', false, 0, 2),
    row('second', 'done', true, 0, 1),
    row('second', 'done', true, 1, 0),
    row('done', 'done', true, 0, 2),
    row('done', 'done', true, 1, 1),
    row('done', 'done', true, 2, 0),
  ].sort();
  const terminalsByHand = [
    row('done', 'done', true, 0, 2),
    row('done', 'done', true, 1, 1),
    row('done', 'done', true, 2, 0),
  ].sort();

  it('the naive explorer finds the hand-counted states', () => {
    const n = naive(system);
    expect([...n.states].map((s) => text(JSON.parse(s) as State)).sort()).toEqual(byHand);
    expect(n.transitions).toBe(8);
    expect(n.terminals).toEqual(terminalsByHand);
  });

  it.each([
    ['bfs, no reductions', exploreBfs, { por: false, symmetry: false }],
    ['bfs, defaults', exploreBfs, {}],
    ['dfs, no reductions', exploreDfs, { por: false, symmetry: false }],
    ['dfs, defaults', exploreDfs, {}],
  ] as const)(
    '%s finds exactly those states, transitions and terminal states',
    (_, explore, opts: ExhaustiveOptions) => {
      const seen: string[] = [];
      const r = explore(system, { ...opts, onState: (s) => void seen.push(text(s)) });
      expect(r.kind).toBe('ok');
      expect(r.coverage.states).toBe(9);
      // every pair of transitions of the two threads conflicts on `flag`: POR cuts none
      expect(r.coverage.steps).toBe(8);
      expect([...seen].sort()).toEqual(byHand);
      const terminals = seen.filter((s) => (JSON.parse(s) as State).threads.every((t) => t.pc === 'done')).sort();
      expect(terminals).toEqual(naive(system).terminals);
      expect(terminals).toEqual(terminalsByHand);
    },
  );

  it('the space gives each successor apply gives, with the toggler met again from the cache', () => {
    const space = new StateSpace(system, false);
    const walk = differential(system, space, 100, false);
    expect(walk.mismatches).toEqual([]);
    expect({ states: walk.states, transitions: walk.transitions }).toEqual({ states: 9, transitions: 8 });
    // the toggle from (first, F, 0, 0) is met again from (second, F, 0, 1) and (done, F, 0, 2)
    expect(walk.hits).toBe(2);
    expect(walk.outcomes).toBe(6);
  });

  it('the bumper at the same pc, with the same `a` and `b`, moves by `flag`', () => {
    // (first, toggle, F, 0, 0) and (first, done, T, 0, 0): the bumper's part and both
    // counters alike, the flag not; a cache that left out the field the step only read
    // would give the second the first's successor
    const space = new StateSpace(system, false);
    const s0 = space.initial();
    const next = (vec: Vec, thread: number): Vec => {
      const into: Vec = new Array(space.width);
      space.successor(vec, { state: space.state(vec) }, { thread, choice: 0 }, into);
      return into;
    };
    const before = next(s0, 0);
    expect(space.state(before).world).toEqual({ flag: false, a: 0, b: 1 });
    const toggled = next(s0, 1);
    const after = next(toggled, 0);
    expect(space.state(after).world).toEqual({ flag: true, a: 1, b: 0 });
    expect(space.hits).toBe(0);
    // and met again, from the cache
    const again = next(toggled, 0);
    expect(space.hits).toBe(1);
    expect(space.state(again).world).toEqual({ flag: true, a: 1, b: 0 });
  });
});

describe('a step that adds a world field the initial world lacks', () => {
  const system = compile(newField, 'default');

  it.each([
    ['bfs, no reductions', exploreBfs, { por: false, symmetry: false }],
    ['bfs, defaults', exploreBfs, {}],
    ['dfs, defaults', exploreDfs, {}],
  ] as const)('%s: an error naming the field', (_, explore, opts: ExhaustiveOptions) => {
    const r = explore(system, opts);
    expect(r.kind).toBe('error');
    if (r.kind !== 'error') return;
    expect(r.message).toContain("no field 'extra'");
    expect(r.message).toContain('fixture/new-field');
  });

  it('encode refuses a state with the field', () => {
    const space = new StateSpace(system, false);
    const s0 = system.initial();
    expect(() => space.encode({ ...s0, world: { a: 0, extra: 1 } as never })).toThrow(/no field 'extra'/);
    // an undefined field is no field
    expect(space.state(space.encode({ ...s0, world: { a: 0, extra: undefined } as never })).world).toEqual({ a: 0 });
  });
});

describe('steps that list the world or read names that are no field', () => {
  it('a step listing the fields is keyed by all of them: both counts are reached', () => {
    const system = compile(listsFields, 'default');
    for (const opts of [{ por: false, symmetry: false }, {}] as ExhaustiveOptions[]) {
      const terminals = new Set<number>();
      const r = exploreBfs(system, {
        ...opts,
        onState: (s) => void (system.terminal(s as never) && terminals.add((s.world as { a: number }).a)),
      });
      expect(r.kind).toBe('ok');
      expect([...terminals].sort()).toEqual([2, 3]);
    }
  });
  it('reading toJSON, an absent name or a method is no new field', () => {
    const r = exploreBfs(compile(readsNonFields, 'default'), { por: false, symmetry: false });
    expect(r.kind).toBe('ok');
    expect(r.coverage.states).toBe(4);
  });
});
