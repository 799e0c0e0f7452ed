// A model compiled down to the one interface every explorer and replay use (the shape of
// Stateright's Model trait): the initial state, the enabled transitions of a state in a
// deterministic order, and the application of one transition.

import { Immer, enablePatches, type Patch } from 'immer';
import { DEADLOCK, DONE, type Choice, type Model, type Plain, type Property, type State, type Step, type Thread, variantParams } from './model.ts';
import { ModelError, ViolationSignal, type Violation } from './violation.ts';
import { hashHex } from './hash.ts';
import { clonePlain, stepWorld } from './clone.ts';

enablePatches();
const immer = new Immer({ autoFreeze: false });

/** One move: a thread runs its current step taking one of the step's choices. */
export interface Transition {
  thread: number;
  choice: number;
}

/** What a transition is called in traces: thread name, step label, choice label. */
export interface TransitionLabel {
  thread: string;
  step: string;
  choice: string;
}

/**
 * Recording of what a transition reads and writes of the world (partial-order reduction):
 * `wrap` returns a view of the world that records accesses; `note` records pseudo paths
 * ('#faults', the fault budget). Only explorers use it; models never see it.
 */
export interface WorldAccess {
  wrap<T>(world: T): T;
  note(path: string, write: boolean): void;
  /** the value with every recorded view in it replaced by what it views (for locals a step kept) */
  unwrap<T>(value: T): T;
}

export interface Applied<W> {
  /** The next state; the unchanged state when the step raised a violation. */
  state: State<W>;
  violation?: Violation;
  /** immer patches the step made (only when asked for). */
  patches?: Patch[];
}

export interface ApplyOptions {
  patches?: boolean;
  access?: WorldAccess;
  immer?: boolean;
  /**
   * On the fast path: the names of the world's fields the transition touched (its choices
   * and effect, and its guard when `access` records, read or written) are appended here;
   * every such read goes through the copy of the world, so what the transition did depends
   * on nothing else of the world (state-space.ts caches transitions by these fields).
   */
  touched?: string[];
}

export interface TransitionSystem<W = any> {
  modelName: string;
  variant: string;
  params: Record<string, Plain>;
  /** Hash of the model's program text, properties and parameters: a trace made by another model does not replay. */
  fingerprint: string;
  threadNames: string[];
  /** Symmetry group of each thread (undefined: not interchangeable). */
  symmetry: (string | undefined)[];
  properties: Property<W>[];
  initial(): State<W>;
  /** Enabled transitions, threads in definition order, choices in declaration order. */
  enabled(state: State<W>): Transition[];
  /**
   * With `access`, the step's guard, choices and effect run on recorded views of the world.
   * Without `patches` the step mutates copies of what it touches (the fast path, clone.ts);
   * `immer: true` forces an immer draft (bench comparison).
   */
  apply(state: State<W>, t: Transition, opts?: ApplyOptions): Applied<W>;
  label(state: State<W>, t: Transition): TransitionLabel;
  /**
   * The first broken `always` property, `atEnd` property (when all threads returned) or
   * deadlock; with `only`, just that property.
   */
  check(state: State<W>, enabledCount: number, only?: string): Violation | undefined;
  /** All threads have returned. */
  terminal(state: State<W>): boolean;
}

const OK = 'ok';

function choicesOf<W>(step: Step<W, any>, world: W, local: any): readonly Choice[] {
  if (step.fails) return [OK, ...step.fails];
  if (step.choices === undefined) return [''];
  return typeof step.choices === 'function' ? step.choices(world, local) : step.choices;
}

/** Compile a model, with a variant's parameters and explicit overrides, into a transition system. */
export function compile<W, P extends Record<string, Plain>>(model: Model<W, P>, variant: string, overrides: Partial<P> = {}): TransitionSystem<W> {
  if (!(variant in model.variants)) throw new ModelError(`model ${model.name} has no variant '${variant}'`);
  const params = variantParams(model, variant, overrides);
  const threads: Thread<W>[] = model.threads(params);
  const properties = model.properties(params);
  const maxFaults = typeof model.faults === 'function' ? model.faults(params) : (model.faults ?? 1);
  const deadlockIsViolation = model.deadlock ?? true;
  const always = properties.filter((p) => p.kind === 'always');
  const atEnd = properties.filter((p) => p.kind === 'atEnd');
  const entries = threads.map((t) => {
    const first = Object.keys(t.steps)[0];
    if (first === undefined) throw new ModelError(`thread ${t.name} of ${model.name} has no steps`);
    return first;
  });

  const fingerprint = hashHex(
    JSON.stringify({
      name: model.name,
      params,
      maxFaults,
      threads: threads.map((t) => ({
        name: t.name,
        locals: t.locals,
        steps: Object.entries(t.steps).map(([label, s]) => [label, String(s.run), String(s.enabled ?? ''), String(s.choices ?? ''), s.fails ?? []]),
      })),
      properties: properties.map((p) => [p.name, p.kind, String(p.check)]),
    }),
  );

  const stepAt = (state: State<W>, i: number): Step<W, any> | undefined => {
    const pc = state.threads[i]!.pc;
    return pc === DONE ? undefined : threads[i]!.steps[pc];
  };

  const terminal = (state: State<W>) => state.threads.every((t) => t.pc === DONE);

  /**
   * Run thread i's step on the next state (a copy, with `view` its world, or an immer
   * draft): the effect, the jump to the next label, the fault count. The thread is reached
   * before the world, so immer's patches list the thread's first.
   */
  const runStep = (draft: State<W>, view: W | undefined, i: number, step: Step<W, any>, choice: Choice, faulted: boolean, access: WorldAccess | undefined): void => {
    const me = draft.threads[i]!;
    const from = me.pc;
    const w = view ?? (draft.world as W);
    const world = access ? access.wrap(w) : w;
    const next = step.run({ world, local: me.local, thread: i }, choice);
    if (next !== DONE && !(next in threads[i]!.steps)) {
      throw new ModelError(`step ${from} of thread ${threads[i]!.name} jumped to unknown label '${String(next)}'`);
    }
    me.pc = next;
    if (access) me.local = access.unwrap(me.local); // what the step kept from the world, unrecorded
    if (faulted) {
      draft.faults += 1;
      access?.note('#faults', true);
    }
  };

  return {
    modelName: model.name,
    variant,
    params,
    fingerprint,
    threadNames: threads.map((t) => t.name),
    symmetry: threads.map((t) => t.symmetry),
    properties,

    initial() {
      return {
        world: model.world(params),
        threads: threads.map((t, i) => ({ pc: entries[i]!, local: structuredClone(t.locals) })),
        faults: 0,
      };
    },

    enabled(state) {
      const out: Transition[] = [];
      for (let i = 0; i < threads.length; i++) {
        const step = stepAt(state, i);
        if (step === undefined) continue;
        const local = state.threads[i]!.local;
        if (step.enabled !== undefined && !step.enabled(state.world, local)) continue;
        const n = step.fails ? (state.faults < maxFaults ? step.fails.length + 1 : 1) : choicesOf(step, state.world, local).length;
        for (let c = 0; c < n; c++) out.push({ thread: i, choice: c });
      }
      return out;
    },

    apply(state, t, opts) {
      const i = t.thread;
      const step = stepAt(state, i);
      if (step === undefined) throw new ModelError(`thread ${threads[i]?.name ?? `#${i}`} has no step to run (pc ${state.threads[i]?.pc})`);
      const access = opts?.access;
      const touched = opts?.touched;
      // with `touched`, the guard and the choices read the world through the step's copy
      const stepped = touched ? stepWorld(state.world, touched) : undefined;
      const w = stepped ? stepped.view : state.world;
      if (access) {
        // what enabled() read to offer this transition: the guard, the choices, the fault budget
        const seen = access.wrap(w);
        step.enabled?.(seen, state.threads[i]!.local);
        if (step.fails) access.note('#faults', false);
        else if (typeof step.choices === 'function') step.choices(seen, state.threads[i]!.local);
      }
      const choice = choicesOf(step, w, state.threads[i]!.local)[t.choice];
      if (choice === undefined) throw new ModelError(`step ${state.threads[i]!.pc} of ${threads[i]!.name} has no choice #${t.choice}`);
      const faulted = step.fails !== undefined && t.choice > 0;
      try {
        if (opts?.patches) {
          const [next, patches] = immer.produceWithPatches(state, (d: State<W>) => runStep(d, undefined, i, step, choice, faulted, access));
          return { state: next as State<W>, patches };
        }
        if (opts?.immer) return { state: immer.produce(state, (d: State<W>) => runStep(d, undefined, i, step, choice, faulted, access)) as State<W> };
        // the next state shares every part the step does not touch: the other threads, the
        // world's untouched fields
        const { view, world } = stepped ?? stepWorld(state.world);
        const next: State<W> = { world, threads: state.threads.slice(), faults: state.faults };
        next.threads[i] = clonePlain(state.threads[i]!);
        runStep(next, view, i, step, choice, faulted, access);
        return { state: next };
      } catch (e) {
        if (e instanceof ViolationSignal) return { state, violation: e.violation, ...(opts?.patches ? { patches: [] } : {}) };
        throw e;
      }
    },

    label(state, t) {
      const i = t.thread;
      const step = stepAt(state, i);
      const choice = step ? choicesOf(step, state.world, state.threads[i]!.local)[t.choice] : undefined;
      return { thread: threads[i]?.name ?? `#${i}`, step: state.threads[i]?.pc ?? '?', choice: choice === undefined ? '?' : String(choice) };
    },

    check(state, enabledCount, only) {
      for (const p of always) {
        if (only !== undefined && p.name !== only) continue;
        const message = p.check(state);
        if (message !== undefined) return { property: p.name, message };
      }
      if (terminal(state)) {
        for (const p of atEnd) {
          if (only !== undefined && p.name !== only) continue;
          const message = p.check(state);
          if (message !== undefined) return { property: p.name, message };
        }
      } else if (enabledCount === 0 && deadlockIsViolation && (only === undefined || only === DEADLOCK)) {
        const stuck = state.threads
          .map((t, i) => (t.pc === DONE ? undefined : `${threads[i]!.name} at ${t.pc}`))
          .filter((x) => x !== undefined);
        return { property: DEADLOCK, message: `no thread can move: ${stuck.join(', ')}` };
      }
      return undefined;
    },

    terminal,
  };
}
