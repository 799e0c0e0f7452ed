// The public API of kmc. Everything not exported here is internal.

export { defineModel, thread, always, atEnd, variantParams, expectations, DONE, DEADLOCK } from './core/model.ts';
export type { Model, ModelDef, Orderings, Thread, Step, StepContext, Property, PropertyKind, Variant, Expectation, Verdict1, State, Plain, Params, Choice } from './core/model.ts';
export { violation, ModelError } from './core/violation.ts';
export type { Violation } from './core/violation.ts';
export { compile } from './core/system.ts';
export { sequence } from './core/sequence.ts';
export type { Block } from './core/sequence.ts';
export type { TransitionSystem, Transition, TransitionLabel, Applied } from './core/system.ts';
export { execute } from './explore/execute.ts';
export { exploreRandom } from './explore/random.ts';
export type { RandomOptions } from './explore/random.ts';
export { explorePct } from './explore/pct.ts';
export type { PctOptions, Schedule } from './explore/pct.ts';
export { minimize } from './explore/minimize.ts';
export { checkVariant, showExpectation } from './explore/check.ts';
export type { CheckOptions, VariantCheck, Verdict } from './explore/check.ts';
export { enumerateOrders, validateOrder, checkOrder, inferRules, parseOrder, OrderError } from './explore/orderings.ts';
export type { Order, OrderCheck, Rule } from './explore/orderings.ts';
export type { ExploreResult, Coverage, Strategy } from './explore/result.ts';
export { recordTrace, TRACE_FORMAT } from './trace/trace.ts';
export type { Trace, TraceStep } from './trace/trace.ts';
export { encodeTrace, decodeTrace, TraceFormatError } from './trace/codec.ts';
export { replay } from './trace/replay.ts';
export type { ReplayResult, ReplayedStep } from './trace/replay.ts';
export { renderText } from './report/text.ts';
export { main } from './cli/main.ts';
