// The public API of kmc. Everything not exported here is internal.

export { defineModel, thread, always, atEnd, variantParams, expectations, DONE, DEADLOCK } from './core/model.ts';
export type {
  Model,
  ModelDef,
  Orderings,
  OrderingsSource,
  Thread,
  Step,
  StepContext,
  Property,
  PropertyKind,
  Variant,
  Expectation,
  ExpectedVerdict,
  State,
  Plain,
  Params,
  ParamSchema,
  Choice,
} from './core/model.ts';
export { validateModel, declaredNames } from './core/validate.ts';
export { paramError, paramsError } from './core/params.ts';
export { violation, ModelError } from './core/violation.ts';
export type { Violation } from './core/violation.ts';
export { lockCycle, showCycle } from './core/lock-cycle.ts';
export type { LockWait, WaitEdge, BlockedThread } from './core/lock-cycle.ts';
export { compile } from './core/system.ts';
export { sequence } from './core/sequence.ts';
export { helper, helperNames, wrapHelper, restoreHelpers } from './core/helpers.ts';
export type { Block } from './core/sequence.ts';
export type { TransitionSystem, Transition, TransitionLabel, Applied, Fingerprints } from './core/system.ts';
export { normalizeSource, fingerprintOf } from './core/fingerprint.ts';
export { run, pathChooser } from './explore/run.ts';
export type { Chooser, Run, RunOptions, StepEvent, Stop } from './explore/run.ts';
export { exploreRandom, execute, decisionChooser } from './explore/random.ts';
export type { RandomOptions } from './explore/random.ts';
export { explorePct } from './explore/pct.ts';
export type { PctOptions, Schedule } from './explore/pct.ts';
export { minimize } from './explore/minimize.ts';
export { checkVariant, showExpectation } from './check/check.ts';
export type { CheckOptions, VariantCheck, Verdict } from './check/check.ts';
export { checkVariantAsync, checkExpectation, defaultSeed } from './check/check.ts';
export { AUTO_MAX_STATES, fallback } from './explore/auto.ts';
export { STRATEGIES, STRATEGY_NAMES, strategyOf } from './explore/strategies.ts';
export type { Strategy } from './explore/strategies.ts';
export type { Explorer, ExploreOptions } from './explore/explorer.ts';
export { exploreBfs } from './explore/bfs.ts';
export { exploreDfs } from './explore/dfs.ts';
export { exploreBfsParallel } from './explore/parallel.ts';
export type { ExhaustiveOptions, Progress } from './explore/exhaustive.ts';
export { FingerprintSet, collisionProbability } from './explore/fingerprint-set.ts';
export { enumerateOrders, validateOrder, checkOrder, inferRules, parseOrder, OrderError } from './check/orderings.ts';
export type { Order, OrderCheck, Rule } from './check/orderings.ts';
export type { ExploreResult, Coverage } from './explore/result.ts';
export { recordTrace, replayParams, TRACE_FORMAT, TRACE_FORMAT_1 } from './trace/trace.ts';
export type { Trace, TraceStep, RecordOptions } from './trace/trace.ts';
export { encodeTrace, decodeTrace, TraceFormatError } from './trace/codec.ts';
export { replay, changes } from './trace/replay.ts';
export type { ReplayResult, ReplayedStep } from './trace/replay.ts';
export { renderText } from './report/text.ts';
export { renderColumns } from './report/columns.ts';
export { renderMermaid } from './report/mermaid.ts';
export { renderItf } from './report/itf.ts';
export { renderHtml } from './report/html.ts';
export type { TraceView } from './report/view.ts';
export { main } from './cli/main.ts';
export type { MainOptions } from './cli/main.ts';
export type { Config } from './cli/project.ts';
export { EXIT } from './cli/errors.ts';
