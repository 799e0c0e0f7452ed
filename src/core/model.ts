// The model-definition API: what a model file writes.
//
// A model is a world (plain data shared by all threads), a set of threads, each a
// program of labelled atomic steps, and named properties. Everything is built from the
// model's parameters, so a variant is just a set of parameter overrides plus the
// verdict it is expected to get.

import type { LockWait } from './lock-cycle.ts';

/** Plain data: what states, locals and parameters are made of (hashable, diffable, JSON). */
export type Plain = null | boolean | number | string | readonly Plain[] | { readonly [key: string]: Plain };

/** Model parameters: plain values (numbers, booleans, strings), settable with --param. */
export type Params = { [key: string]: unknown };

/** A choice offered by a step: a fault outcome, an fd number to try, ... */
export type Choice = string | number;

/** The label a thread's program counter holds once the thread has returned. */
export const DONE = 'done';

/** What a step's effect sees: drafts of the shared world and of its thread's locals. */
export interface StepContext<W, L> {
  /** the shared world of the next state (a copy, or an immer draft when a trace records patches); mutate it. */
  world: W;
  /** this thread's locals in the next state; mutate them. */
  local: L;
  /** index of the running thread in the model's thread list. */
  thread: number;
}

export interface Step<W, L> {
  /** Guard: the step can run only when this holds (a lock is free, an I/O completed). */
  enabled?: (world: W, local: L) => boolean;
  /** Outcomes the step may take, explored like scheduling (e.g. which fd number to try). */
  choices?: readonly Choice[] | ((world: W, local: L) => readonly Choice[]);
  /**
   * Fault injection: the call may fail with each of these errors (e.g. ['-ENOMEM']).
   * The step's choices become 'ok' followed by these; failing choices count against the
   * model's fault budget.
   */
  fails?: readonly string[];
  /** The effect, written as mutation of the drafts. Returns the label of the next step (goto). */
  run: (k: StepContext<W, L>, choice: Choice) => string;
  /** How long the step takes and on what (used only by `kmc cost`, src/cost/); none: instant. */
  cost?: StepCost<W, L>;
  /**
   * How a trace shows the call once it has run, naming its object and result
   * (`dma_buf_fd(dmabuf0) = 2`, `memfd_pin_folios = -ENOMEM`); called on the state after
   * the step, for traces only: never part of the state. None: `step [choice]`.
   */
  show?: (k: StepContext<W, L>, choice: Choice) => string;
  /**
   * While the guard keeps the step from running: the lock it sleeps on and who holds it
   * (undefined: it waits for no lock). Read only to explain a deadlock as a cycle
   * (lock-cycle.ts); never part of the state.
   */
  waitsFor?: (world: W, local: L) => LockWait | undefined;
}

/** A step's duration on a resource: seconds, or a function of the state at the step's start. */
export interface StepCost<W, L> {
  resource: 'cpu' | 'io';
  seconds: number | ((world: W, local: L) => number);
}

export interface Thread<W> {
  name: string;
  locals: object;
  /** Steps in program order; the first one is the entry point. */
  steps: Readonly<Record<string, Step<W, any>>>;
  /** Threads in the same symmetry group are interchangeable (used by reductions). */
  symmetry?: string;
}

/** A thread: a program of labelled steps over world W with locals L. */
export function thread<W, L extends object>(def: {
  name: string;
  locals: L;
  steps: Record<string, Step<W, L>>;
  symmetry?: string;
}): Thread<W> {
  return def;
}

/** The full state: the world plus, per thread, its program counter and locals. */
export interface State<W = Plain> {
  world: W;
  threads: { pc: string; local: any }[];
  /** number of faults injected so far on this path */
  faults: number;
}

export type PropertyKind = 'always' | 'atEnd';

export interface Property<W> {
  name: string;
  kind: PropertyKind;
  description: string;
  /** Returns a message saying what is wrong, or undefined when the property holds. */
  check: (state: State<W>) => string | undefined;
}

/** A property checked in every reachable state. */
export function always<W>(
  name: string,
  description: string,
  check: (state: State<W>) => string | undefined,
): Property<W> {
  return { name, kind: 'always', description, check };
}

/** A property checked in every terminal state (all threads have returned). */
export function atEnd<W>(
  name: string,
  description: string,
  check: (state: State<W>) => string | undefined,
): Property<W> {
  return { name, kind: 'atEnd', description, check };
}

/** Name of the built-in property broken by a state where no thread can move but some have not returned. */
export const DEADLOCK = 'deadlock';

/** What a variant is expected to get: hold everything, or break each of the named properties. */
export type Expectation = 'holds' | { violates: string | readonly string[] };

/** One check: a variant holds, or breaks one named property. */
export type ExpectedVerdict = 'holds' | { violates: string };

/** The checks an expectation stands for: one per property it must break. */
export function expectations(e: Expectation): ExpectedVerdict[] {
  if (e === 'holds') return ['holds'];
  return (typeof e.violates === 'string' ? [e.violates] : e.violates).map((violates) => ({ violates }));
}

export interface Variant<P> {
  description: string;
  params?: Partial<P>;
  expect: Expectation;
}

/**
 * Which blocks of a model's kernel path may be reordered (`kmc orderings`), and what holds
 * regardless. An order is the comma-separated list of block names held by parameter `param`.
 */
export interface Orderings {
  /** the parameter holding the order (comma-separated block names) */
  param: string;
  /**
   * The ways of writing the path, each a set of blocks that all appear in an order; several
   * sets express alternatives (dma_buf_fd, or get_unused_fd_flags + fd_install).
   */
  blocks: Record<string, readonly string[]>;
  /** [a, b]: a runs before b in every order holding both (data dependencies) */
  constraints: readonly (readonly [string, string])[];
  /** The variant whose world the orders are judged in unless --variant says (default: the first that holds). */
  variant?: string;
  /** The C the blocks stand for, so `kmc orderings --from-patch` can read an order off a patch. */
  source?: OrderingsSource;
}

/**
 * The C functions a model mirrors and the calls that mark its blocks. A patch is applied to
 * the excerpts and each function read in statement order, the main path up to its return.
 */
export interface OrderingsSource {
  /**
   * The `.c` excerpts, relative to the model file (or URLs). Each names the kernel file it
   * is part of (`kmc excerpt of <path>`) and the git blob it mirrors (`Blob: <hash>`); the
   * first excerpt of a kernel file is its text unless a patch's `index` line names another.
   */
  files: readonly string[];
  /** The functions read, the entry first; a call of another of them is read where it stands. */
  functions: readonly string[];
  /**
   * For each block, the calls that mark it: a function (`dma_buf_fd`) or an ops member as
   * called (`heap->ops->allocate`). A block may be marked in any of the functions.
   */
  calls: Readonly<Record<string, readonly string[]>>;
}

/**
 * What values a parameter accepts beyond the type of its default (a number, a boolean, a
 * string): checked when the model loads (variants), on the command line and on replay.
 */
export interface ParamSchema {
  /** numbers: the smallest value allowed */
  min?: number;
  /** numbers: the largest value allowed (keeps a state space, or an array, in bounds) */
  max?: number;
  /** numbers: whole numbers only */
  integer?: boolean;
  /** the only values allowed */
  values?: readonly (string | number | boolean)[];
  /** anything else: returns why a value is refused, or undefined */
  check?: (value: Plain) => string | undefined;
}

export interface ModelDef<W, P extends Params> {
  /** 'subsystem/name', as used on the command line. */
  name: string;
  /** One line: the kernel path and the patch it mirrors. */
  title: string;
  params: P;
  /** Ranges and allowed values of parameters (the type comes from the default). */
  schema?: { readonly [K in keyof P]?: ParamSchema };
  /**
   * URL of the module the model is defined in. The CLI sets it for the files it loads;
   * workers load this module to rebuild the model, traces record where it came from.
   */
  source?: string;
  world: (params: P) => W;
  threads: (params: P) => Thread<W>[];
  properties: (params: P) => Property<W>[];
  /** Names of the in-step violations the model may raise (use-after-free, ...), with descriptions. */
  bugs?: Record<string, string>;
  variants?: Record<string, Variant<P>>;
  /** Maximum number of injected faults on one path (default 1, like fail-nth). */
  faults?: number | ((params: P) => number);
  /** Whether a stuck state (no thread can move, some not returned) is a violation (default true). */
  deadlock?: boolean;
  /** The blocks `kmc orderings` may reorder, and the constraints that hold regardless. */
  orderings?: Orderings;
  /**
   * Mutants `kmc mutate` reports as surviving that the author judged harmless: mutant id
   * (`noop:release_udmabuf:unpin_folio`) -> why. Printed beside the score, never hidden.
   */
  harmless?: Record<string, string>;
  /** Parameters `kmc cost` runs with by default (e.g. realistic sizes, no userspace racers). */
  costParams?: Partial<P>;
}

export interface Model<W = any, P extends Params = any> extends ModelDef<W, P> {
  variants: Record<string, Variant<P>>;
}

export function defineModel<W, P extends Params>(def: ModelDef<W, P>): Model<W, P> {
  const variants = def.variants ?? { default: { description: 'the model as written', expect: 'holds' as const } };
  return { ...def, variants };
}

/** The parameters a variant runs with: the model's defaults, the variant's, then explicit overrides. */
export function variantParams<P extends Params>(model: Model<any, P>, variant: string, overrides: Partial<P> = {}): P {
  const v = model.variants[variant];
  return { ...model.params, ...(v?.params ?? {}), ...overrides } as P;
}

/** A module's default export; a TypeScript file compiled to CommonJS has it as `default.default`. */
export function defaultExport(module: { default?: unknown }): unknown {
  const d = module.default;
  return typeof d === 'object' && d !== null && !isModel(d) && 'default' in d ? (d as { default: unknown }).default : d;
}

const isModel = (x: unknown): x is Model =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as Model).name === 'string' &&
  typeof (x as Model).threads === 'function' &&
  typeof (x as Model).variants === 'object';

/**
 * The models a model file exports: its default export, a model or a list of models (a
 * TypeScript file compiled to CommonJS has it as `default.default`). Undefined when the
 * module has no default export; [] when it is not models.
 */
export function modelsOf(module: { default?: unknown }): Model[] | undefined {
  const d = defaultExport(module);
  if (d === undefined) return undefined;
  const found = Array.isArray(d) ? d : [d];
  return found.length > 0 && found.every(isModel) ? found : [];
}
