// Replay: re-execute a trace's decisions against the model and check every step against
// the record. The first step that differs means the model changed since the trace was made.

import type { Patch } from 'immer';
import type { State } from '../core/model.ts';
import type { TransitionLabel, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import type { Trace } from './trace.ts';
import { run, type Chooser } from '../explore/run.ts';

export interface ReplayedStep extends TransitionLabel {
  /** how the model now shows the call (Step.show); display only, so never compared with the record */
  shown?: string;
  patches: Patch[];
  before: State;
  after: State;
}

export type ReplayResult =
  /** `changed`: what of the model differs from the record (empty: nothing; undefined: a kmc-trace/1 file, not comparable) */
  | { kind: 'reproduced'; initial: State; steps: ReplayedStep[]; violation: Violation; changed: string[] | undefined }
  | { kind: 'diverged'; step: number; message: string; changed: string[] | undefined };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const show = (l: TransitionLabel) => `${l.thread}: ${l.step}${l.choice ? ` [${l.choice}]` : ''}`;

/**
 * What of the model changed since the trace was recorded: parameters (old → new), steps
 * and properties whose normalised source differs, or that came or went.
 */
export function changes(system: TransitionSystem, trace: Trace): string[] | undefined {
  const was = trace.fingerprints;
  if (was === undefined) return undefined;
  if (trace.fingerprint === system.fingerprint) return [];
  const out: string[] = [];
  for (const k of new Set([...Object.keys(trace.params), ...Object.keys(system.params)])) {
    const [a, b] = [JSON.stringify(trace.params[k]), JSON.stringify(system.params[k])];
    if (a !== b) out.push(`parameter ${k}: ${a ?? '(none)'} → ${b ?? '(none)'}`);
  }
  const now = system.fingerprints;
  const compare = (what: string, before: Record<string, string>, after: Record<string, string>) => {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (before[k] === after[k]) continue;
      out.push(`${what}${k}${before[k] === undefined ? ' (new)' : after[k] === undefined ? ' (gone)' : ''}`);
    }
  };
  const threads = new Set([...Object.keys(was.steps), ...Object.keys(now.steps)]);
  for (const t of threads) {
    const [before, after] = [was.steps[t], now.steps[t]];
    if (before === undefined || after === undefined)
      out.push(`thread ${t}${before === undefined ? ' (new)' : ' (gone)'}`);
    else compare(`step ${t}.`, before, after);
  }
  compare('property ', was.properties, now.properties);
  if (out.length === 0) out.push('the fault budget or the initial locals');
  return out;
}

/**
 * Replay is a chooser over the run loop (run.ts): it takes the recorded decisions, and stops
 * at the first step whose label (before it runs) or patches (after) differ from the record.
 */
export function replay(system: TransitionSystem, trace: Trace): ReplayResult {
  const changed = changes(system, trace);
  const diverged = (step: number, message: string): ReplayResult => ({ kind: 'diverged', step, message, changed });
  const decisions = trace.decisions;
  const steps: ReplayedStep[] = [];
  const recordedAt = (at: number) => trace.steps[at]!;
  const chooser: Chooser = {
    choose(state, enabled, at) {
      const recorded = recordedAt(at);
      const t = enabled[decisions[at]!];
      if (t === undefined)
        return { stop: `recorded ${show(recorded)}, but only ${enabled.length} transitions are enabled there now` };
      const label = system.label(state, t);
      if (!same(label, { thread: recorded.thread, step: recorded.step, choice: recorded.choice })) {
        return { stop: `recorded ${show(recorded)}, the model now takes ${show(label)}` };
      }
      return decisions[at]!;
    },
  };
  const replayed = run(system, chooser, {
    maxSteps: decisions.length, // so the chooser is asked only while decisions are left
    check: false,
    patches: true,
    onStep: ({ at, before, transition, applied }) => {
      const label = system.label(before, transition);
      if (!same(applied.patches, recordedAt(at).patches))
        return `${show(label)} changed the state differently than recorded`;
      const shown = applied.violation ? undefined : system.shown(before, transition, applied.state);
      steps.push({
        ...label,
        ...(shown !== undefined ? { shown } : {}),
        patches: applied.patches ?? [],
        before,
        after: applied.state,
      });
      return undefined;
    },
  });
  const taken = replayed.path.length;
  // the chooser stops before the step, onStep after it: either way the step was not kept
  if (replayed.stopped !== undefined) return diverged(steps.length + 1, replayed.stopped);
  if (taken < decisions.length) {
    // the model ended the run early: a step raised a violation, or nothing is enabled
    if (replayed.violation)
      return diverged(
        taken + 1,
        `the model stopped at step ${taken} (${replayed.violation.property}) but the trace goes on`,
      );
    return diverged(taken + 1, `recorded ${show(recordedAt(taken))}, but only 0 transitions are enabled there now`);
  }
  const final = replayed.final;
  const violation = replayed.violation ?? system.check(final, system.enabled(final).length, trace.violation.property);
  const end = trace.steps.length;
  if (violation === undefined) {
    return diverged(end, `the recorded violation of ${trace.violation.property} no longer happens`);
  }
  if (violation.property !== trace.violation.property || violation.message !== trace.violation.message) {
    return diverged(
      end,
      `recorded ${trace.violation.property} (${trace.violation.message}), the model now reports ${violation.property} (${violation.message})`,
    );
  }
  return { kind: 'reproduced', initial: steps[0]?.before ?? final, steps, violation, changed };
}
