// A model compiled down to the one interface every explorer and replay use (the shape of
// Stateright's Model trait): the initial state, the enabled transitions of a state in a
// deterministic order, and the application of one transition.

import { Immer, enablePatches, type Patch } from 'immer';
import {
  DEADLOCK,
  DONE,
  type Choice,
  type Model,
  type Plain,
  type Property,
  type State,
  type Step,
  type Thread,
  variantParams,
} from './model.ts';
import { modelLocation } from './location.ts';
import { declared } from './validate.ts';
import { isModelError, isViolationSignal, ModelError, type Violation } from './violation.ts';
import { hashHex } from './hash.ts';
import { fingerprintOf } from './fingerprint.ts';
import { clonePlain, FAULTS, stepWorld } from './clone.ts';
import { lockCycle, showCycle, type BlockedThread, type LockWait } from './lock-cycle.ts';

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
  /**
   * On the fast path: the names of the world's fields the transition touched (its choices
   * and effect, and its guard when `access` records, read or written) are appended here;
   * every such read goes through the copy of the world, so what the transition did depends
   * on nothing else of the world (state-space.ts caches transitions by these fields).
   */
  touched?: string[];
}

/** 8 hex digits per step (by thread, then label) and per property, of their normalised source. */
export interface Fingerprints {
  steps: Record<string, Record<string, string>>;
  properties: Record<string, string>;
}

export interface TransitionSystem<W = any> {
  modelName: string;
  variant: string;
  /** URL of the module the model was loaded from (model.source), when known: workers load it too */
  source?: string;
  params: Record<string, Plain>;
  /** Hash of the model's normalised program text, properties and parameters (the same under any loader). */
  fingerprint: string;
  /** what `fingerprint` is made of, per step and property: a replay names what changed */
  fingerprints: Fingerprints;
  threadNames: string[];
  /** Symmetry group of each thread (undefined: not interchangeable). */
  symmetry: (string | undefined)[];
  properties: Property<W>[];
  initial(): State<W>;
  /** Enabled transitions, threads in definition order, choices in declaration order. */
  enabled(state: State<W>): Transition[];
  /**
   * How many choices thread `thread` offers in `state` (its transitions are choices 0 to
   * n - 1 of enabled()); with `touched`, the world fields its guard and choices read are
   * appended to it, and FAULTS when the fault count decided (state-space.ts caches offers by them).
   */
  offered(state: State<W>, thread: number, touched?: string[]): number;
  /**
   * With `access`, the step's guard, choices and effect run on recorded views of the world.
   * Without `patches` the step mutates copies of what it touches (the fast path, clone.ts);
   * with them, an immer draft records what it changed.
   */
  apply(state: State<W>, t: Transition, opts?: ApplyOptions): Applied<W>;
  label(state: State<W>, t: Transition): TransitionLabel;
  /** The step's display label (`Step.show`) on the state `after` it ran from `before`; undefined when it has none. */
  shown(before: State<W>, t: Transition, after: State<W>): string | undefined;
  /**
   * The first broken `always` property, `atEnd` property (when all threads returned) or
   * deadlock; with `only`, just that property. `always` properties run on `seen(state)` when
   * given (partial-order reduction watches what they read of the threads, ample.ts).
   */
  check(state: State<W>, enabledCount: number, only?: string, seen?: (s: State<W>) => State<W>): Violation | undefined;
  /** All threads have returned. */
  terminal(state: State<W>): boolean;
}

const OK = 'ok';

/** kmc's own source folder: stack frames in it are not the model's. */
const KMC_DIR = decodeURIComponent(new URL('..', import.meta.url).pathname);

/** An exception from model code, as a model error saying where it came from. */
function modelError(e: unknown, where: string): ModelError {
  const at = modelLocation(e, KMC_DIR);
  const what = isModelError(e) ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : `threw ${String(e)}`;
  const error = new ModelError(`${where}: ${what}${at !== undefined ? ` (${at})` : ''}`);
  if (e instanceof Error) error.cause = e;
  return error;
}

function choicesOf<W>(step: Step<W, any>, world: W, local: any): readonly Choice[] {
  if (step.fails) return [OK, ...step.fails];
  if (step.choices === undefined) return [''];
  return typeof step.choices === 'function' ? step.choices(world, local) : step.choices;
}

/** Compile a model, with a variant's parameters and explicit overrides, into a transition system. */
export function compile<W, P extends Record<string, Plain>>(
  model: Model<W, P>,
  variant: string,
  overrides: Partial<P> = {},
): TransitionSystem<W> {
  if (!Object.hasOwn(model.variants, variant)) throw new ModelError(`model ${model.name} has no variant '${variant}'`);
  const params = variantParams(model, variant, overrides);
  const where = `${model.name} (variant ${variant})`;
  let threads: Thread<W>[];
  let properties: Property<W>[];
  try {
    threads = model.threads(params);
    properties = model.properties(params);
  } catch (e) {
    throw modelError(e, `${where}, building its threads and properties`);
  }
  /** what a model may report: its properties, its declared bugs, deadlock */
  const reportable = new Set(declared(model, properties));
  const stepWhere = (i: number, pc: string) => `${where}, thread ${threads[i]?.name ?? `#${i}`}, step ${pc}`;
  const maxFaults = typeof model.faults === 'function' ? model.faults(params) : (model.faults ?? 1);
  const deadlockIsViolation = model.deadlock ?? true;
  const always = properties.filter((p) => p.kind === 'always');
  const atEnd = properties.filter((p) => p.kind === 'atEnd');
  const entries = threads.map((t) => {
    const first = Object.keys(t.steps)[0];
    if (first === undefined) throw new ModelError(`thread ${t.name} of ${model.name} has no steps`);
    return first;
  });

  // fingerprints of the normalised source text (fingerprint.ts), not of what a loader made of
  // it; made when a trace is recorded or replayed, not for every check
  let made: { fingerprint: string; fingerprints: Fingerprints } | undefined;
  const fingerprinted = () => {
    if (made !== undefined) return made;
    const short = (parts: unknown[]) => hashHex(parts.map(fingerprintOf).join(' ')).slice(0, 8);
    const fingerprints: Fingerprints = { steps: {}, properties: {} };
    for (const t of threads) {
      fingerprints.steps[t.name] = Object.fromEntries(
        Object.entries(t.steps).map(([label, st]) => [
          label,
          short([st.run, st.enabled ?? null, st.choices ?? null, st.fails ?? null, ...(st.show ? [st.show] : [])]),
        ]),
      );
    }
    for (const p of properties) fingerprints.properties[p.name] = short([p.kind, p.check]);
    made = {
      fingerprint: hashHex(
        JSON.stringify({
          name: model.name,
          params,
          maxFaults,
          locals: threads.map((t) => [t.name, t.locals]),
          fingerprints,
        }),
      ),
      fingerprints,
    };
    return made;
  };

  const stepAt = (state: State<W>, i: number): Step<W, any> | undefined => {
    const pc = state.threads[i]!.pc;
    return pc === DONE ? undefined : threads[i]!.steps[pc];
  };

  const terminal = (state: State<W>) => state.threads.every((t) => t.pc === DONE);

  /** The threads whose step names the lock it sleeps on (Step.waitsFor), in definition order. */
  const blockedOn = (state: State<W>): BlockedThread[] =>
    threads.flatMap((t, i) => {
      const step = stepAt(state, i);
      if (step?.waitsFor === undefined) return [];
      let wait: LockWait | undefined;
      try {
        wait = step.waitsFor(state.world, state.threads[i]!.local);
      } catch (e) {
        throw modelError(e, `${stepWhere(i, state.threads[i]!.pc)} (its waitsFor)`);
      }
      return wait === undefined ? [] : [{ thread: t.name, step: state.threads[i]!.pc, wait }];
    });

  /**
   * Run thread i's step on the next state (a copy, with `view` its world, or an immer
   * draft): the effect, the jump to the next label, the fault count. The thread is reached
   * before the world, so immer's patches list the thread's first.
   */
  const runStep = (
    draft: State<W>,
    view: W | undefined,
    i: number,
    step: Step<W, any>,
    choice: Choice,
    faulted: boolean,
    access: WorldAccess | undefined,
  ): void => {
    const me = draft.threads[i]!;
    const w = view ?? (draft.world as W);
    const world = access ? access.wrap(w) : w;
    const next = step.run({ world, local: me.local, thread: i }, choice);
    if (next !== DONE && !Object.hasOwn(threads[i]!.steps, next)) {
      throw new ModelError(
        `jumped to unknown label '${String(next)}' (labels: ${Object.keys(threads[i]!.steps).join(', ')}, ${DONE})`,
      );
    }
    me.pc = next;
    if (access) me.local = access.unwrap(me.local); // what the step kept from the world, unrecorded
    if (faulted) {
      draft.faults += 1;
      access?.note('#faults', true);
    }
  };

  const checkProperty = (p: Property<W>, state: State<W>): string | undefined => {
    try {
      return p.check(state);
    } catch (e) {
      throw modelError(e, `${where}, property ${p.name}`);
    }
  };

  /** apply() without the model-error context (see there). */
  const applyStep = (
    state: State<W>,
    t: Transition,
    i: number,
    step: Step<W, any>,
    opts: ApplyOptions | undefined,
  ): Applied<W> => {
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
    if (choice === undefined) throw new ModelError(`has no choice #${t.choice}`);
    const faulted = step.fails !== undefined && t.choice > 0;
    try {
      if (opts?.patches) {
        const [next, patches] = immer.produceWithPatches(state, (d: State<W>) =>
          runStep(d, undefined, i, step, choice, faulted, access),
        );
        return { state: next as State<W>, patches };
      }
      // the next state shares every part the step does not touch: the other threads, the
      // world's untouched fields
      const { view, world } = stepped ?? stepWorld(state.world);
      const next: State<W> = { world, threads: state.threads.slice(), faults: state.faults };
      next.threads[i] = clonePlain(state.threads[i]!);
      runStep(next, view, i, step, choice, faulted, access);
      return { state: next };
    } catch (e) {
      if (!isViolationSignal(e)) throw e;
      if (!reportable.has(e.violation.property)) {
        throw new ModelError(
          `raised violation '${e.violation.property}', which the model does not declare (add it to its properties or bugs; it declares: ${[...reportable].join(', ')})`,
        );
      }
      return { state, violation: e.violation, ...(opts?.patches ? { patches: [] } : {}) };
    }
  };

  /** How many choices thread i offers (0: done or its guard fails); with `touched`, what it read of the world. */
  const offered = (state: State<W>, i: number, touched: string[] | undefined): number => {
    const step = stepAt(state, i);
    if (step === undefined) return 0;
    const local = state.threads[i]!.local;
    const world = touched ? stepWorld(state.world, touched).view : state.world;
    try {
      if (step.enabled !== undefined && !step.enabled(world, local)) return 0;
      if (!step.fails) return choicesOf(step, world, local).length;
      touched?.push(FAULTS);
      return state.faults < maxFaults ? step.fails.length + 1 : 1;
    } catch (e) {
      throw modelError(e, `${stepWhere(i, state.threads[i]!.pc)} (its guard or choices)`);
    }
  };

  return {
    modelName: model.name,
    variant,
    ...(model.source !== undefined ? { source: model.source } : {}),
    params,
    get fingerprint() {
      return fingerprinted().fingerprint;
    },
    get fingerprints() {
      return fingerprinted().fingerprints;
    },
    threadNames: threads.map((t) => t.name),
    symmetry: threads.map((t) => t.symmetry),
    properties,

    initial() {
      let world: W;
      try {
        world = model.world(params);
      } catch (e) {
        throw modelError(e, `${where}, building its world`);
      }
      return {
        world,
        threads: threads.map((t, i) => ({ pc: entries[i]!, local: structuredClone(t.locals) })),
        faults: 0,
      };
    },

    enabled(state) {
      const out: Transition[] = [];
      for (let i = 0; i < threads.length; i++) {
        const n = offered(state, i, undefined);
        for (let c = 0; c < n; c++) out.push({ thread: i, choice: c });
      }
      return out;
    },

    offered(state, i, touched) {
      return offered(state, i, touched);
    },

    apply(state, t, opts) {
      const i = t.thread;
      const step = stepAt(state, i);
      if (step === undefined)
        throw new ModelError(`thread ${threads[i]?.name ?? `#${i}`} has no step to run (pc ${state.threads[i]?.pc})`);
      try {
        return applyStep(state, t, i, step, opts);
      } catch (e) {
        throw modelError(e, stepWhere(i, state.threads[i]!.pc));
      }
    },

    shown(before, t, after) {
      const i = t.thread;
      const step = stepAt(before, i);
      if (step?.show === undefined) return undefined;
      try {
        const choice = choicesOf(step, before.world, before.threads[i]!.local)[t.choice]!;
        return step.show({ world: after.world, local: after.threads[i]!.local, thread: i }, choice);
      } catch (e) {
        throw modelError(e, `${stepWhere(i, before.threads[i]!.pc)} (its show)`);
      }
    },

    label(state, t) {
      const i = t.thread;
      const step = stepAt(state, i);
      const choice = step ? choicesOf(step, state.world, state.threads[i]!.local)[t.choice] : undefined;
      return {
        thread: threads[i]?.name ?? `#${i}`,
        step: state.threads[i]?.pc ?? '?',
        choice: choice === undefined ? '?' : String(choice),
      };
    },

    check(state, enabledCount, only, seen) {
      const watched = seen === undefined || always.length === 0 ? state : seen(state);
      for (const p of always) {
        if (only !== undefined && p.name !== only) continue;
        const message = checkProperty(p, watched);
        if (message !== undefined) return { property: p.name, message };
      }
      if (terminal(state)) {
        for (const p of atEnd) {
          if (only !== undefined && p.name !== only) continue;
          const message = checkProperty(p, state);
          if (message !== undefined) return { property: p.name, message };
        }
      } else if (enabledCount === 0 && deadlockIsViolation && (only === undefined || only === DEADLOCK)) {
        const stuck = state.threads
          .map((t, i) => (t.pc === DONE ? undefined : `${threads[i]!.name} at ${t.pc}`))
          .filter((x) => x !== undefined);
        const cycle = lockCycle(blockedOn(state));
        if (cycle === undefined) return { property: DEADLOCK, message: `no thread can move: ${stuck.join(', ')}` };
        return {
          property: DEADLOCK,
          message: `no thread can move: ${stuck.join(', ')}; a lock cycle: ${showCycle(cycle)}`,
          cycle,
        };
      }
      return undefined;
    },

    terminal,
  };
}
