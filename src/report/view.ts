// What every rendering of a counterexample gets: the trace record and its replay (the
// states before and after each step), so a view can show steps, changes and full states.

import type { State } from '../core/model.ts';
import type { ReplayedStep } from '../trace/replay.ts';
import type { Trace } from '../trace/trace.ts';

export interface TraceView {
  trace: Trace;
  /** the state before the first step */
  initial: State;
  steps: readonly ReplayedStep[];
  /** every thread of the model, in definition order (some may take no step) */
  threadNames: readonly string[];
}

/** Threads that take at least one step, in definition order. */
export function activeThreads(view: TraceView): string[] {
  const used = new Set(view.steps.map((s) => s.thread));
  return view.threadNames.filter((t) => used.has(t));
}

/**
 * A step as a kernel reader writes it: what the step shows of its call when it says
 * (`dma_buf_fd(dmabuf0) = 2`), else `dma_buf_fd`, `kzalloc [-ENOMEM]`, `close [2]`.
 */
export function callOf(s: { step: string; choice: string; shown?: string }): string {
  if (s.shown !== undefined) return s.shown;
  return s.choice ? `${s.step} [${s.choice}]` : s.step;
}

/** The headline: model, variant, the violated property and how long the path is. */
export function headline(view: TraceView): string {
  const { trace } = view;
  const seed = trace.seed === null ? '' : `, seed ${trace.seed}`;
  return `${trace.model} (variant ${trace.variant}): ${trace.violation.property}, ${view.steps.length} steps (${trace.strategy}${seed})`;
}
