// The trace record: a shrunk counterexample anyone can replay. Plain JSON (see codec.ts).
//
// kmc-trace/2 records where the model came from (`source`, relative to the project root),
// the parameters set on top of the variant's (`overrides`) and all of them as they were
// (`params`), and fingerprints of the model as a whole and of each step and property, made
// from their normalised source text, so a replay can name what changed since.

import type { Patch } from 'immer';
import type { Plain } from '../core/model.ts';
import type { Fingerprints, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import { pathChooser, run } from '../explore/run.ts';

export const TRACE_FORMAT = 'kmc-trace/2';
/** The first format: no source, `params` holds every parameter, fingerprints of transpiled code. */
export const TRACE_FORMAT_1 = 'kmc-trace/1';

export interface TraceStep {
  thread: string;
  step: string;
  choice: string;
  /** how the step shows the call it made (`dma_buf_fd(dmabuf0) = 2`), when it says; display only */
  shown?: string;
  /** the state changes the step made, as immer patches on { world, threads, faults } */
  patches: Patch[];
}

export interface Trace {
  format: typeof TRACE_FORMAT | typeof TRACE_FORMAT_1;
  model: string;
  variant: string;
  /** the model's module, relative to the project root (kmc.config.ts's folder); absent when not known */
  source?: string;
  /** the parameters set on top of the variant's; what a replay compiles with (format 2) */
  overrides?: Record<string, Plain>;
  /** every parameter as the trace ran with it */
  params: Record<string, Plain>;
  fingerprint: string;
  /** per step (by thread, then label) and per property (format 2) */
  fingerprints?: Fingerprints;
  /** the strategy that found it (a name in src/explore/strategies.ts) */
  strategy: string;
  /** random/pct seed; null for exhaustive strategies, which find the same trace whatever the seed */
  seed: number | null;
  /** index taken among the enabled transitions at each step */
  decisions: number[];
  steps: TraceStep[];
  violation: Violation;
}

export interface RecordOptions {
  source?: string;
  /** the parameters set on top of the variant's (default: none) */
  overrides?: Record<string, Plain>;
}

/** Re-execute a path with patches recorded (a path chooser over the run loop) and build its trace. */
export function recordTrace(
  system: TransitionSystem,
  path: readonly number[],
  violation: Violation,
  strategy: string,
  seed: number | null,
  opts: RecordOptions = {},
): Trace {
  const steps: TraceStep[] = [];
  const recorded = run(system, pathChooser(path), {
    maxSteps: path.length,
    check: false,
    patches: true,
    onStep: ({ before, transition, applied }) => {
      const shown = applied.violation ? undefined : system.shown(before, transition, applied.state);
      steps.push({
        ...system.label(before, transition),
        ...(shown !== undefined ? { shown } : {}),
        patches: applied.patches ?? [],
      });
      return undefined;
    },
  });
  if (recorded.path.length < path.length) {
    const at = recorded.path.length;
    throw new Error(
      recorded.stopped ??
        (recorded.violation
          ? `the path goes on after step ${at} raised ${recorded.violation.property}`
          : `path index ${path[at]} out of range at step ${at + 1}`),
    );
  }
  return {
    format: TRACE_FORMAT,
    model: system.modelName,
    variant: system.variant,
    ...(opts.source !== undefined ? { source: opts.source } : {}),
    overrides: opts.overrides ?? {},
    params: system.params,
    fingerprint: system.fingerprint,
    fingerprints: system.fingerprints,
    strategy,
    seed,
    decisions: [...path],
    steps,
    violation,
  };
}

/** The parameters a trace replays with: format 2 its overrides, format 1 all it recorded. */
export function replayParams(trace: Trace): Record<string, Plain> {
  return trace.overrides ?? trace.params;
}
