// The one run loop: from the initial state, check the state, ask a chooser which enabled
// transition to take, apply it, repeat. Every strategy that follows one path at a time is a
// chooser over it (shuttle's shape: a scheduler is a tiny interface): random (a decision
// list), pct (thread priorities), minimisation (a schedule of transitions), and trace
// recording and replay (a recorded path; replay checks each step in `onStep`).
//
// The run ends at the first violation (a broken state property, or one raised inside a
// step), when no transition is enabled, when the chooser stops it, or at `maxSteps`.

import type { State } from '../core/model.ts';
import type { Applied, Transition, TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';

/** The chooser ends the run here, saying why (replay: the record and the model part ways). */
export interface Stop {
  stop: string;
}

export interface Chooser {
  /** The decision at step `at` (an index into `enabled`, which is never empty), or a Stop. */
  choose(state: State, enabled: readonly Transition[], at: number): number | Stop;
}

/** One step of a run, as `onStep` sees it. */
export interface StepEvent {
  /** the step's place in the run, from 0 */
  at: number;
  before: State;
  transition: Transition;
  applied: Applied<State['world']>;
}

export interface RunOptions {
  maxSteps: number;
  /** check only this state property (a violation raised inside a step ends the run whatever it is) */
  only?: string;
  /** false: states are not checked along the way (recording and replay judge the end themselves) */
  check?: boolean;
  /** record each step's immer patches (traces) */
  patches?: boolean;
  /** after each step; a string stops the run with it */
  onStep?: (step: StepEvent) => string | undefined;
}

export interface Run {
  /** the decision taken at each step */
  path: number[];
  /** the violation that ended the run, if any */
  violation?: Violation;
  /** the run stopped at maxSteps with transitions still enabled */
  truncated: boolean;
  /** why the chooser or `onStep` stopped the run */
  stopped?: string;
  /** the last state (the one before the step when a step raised the violation) */
  final: State;
}

const isStop = (d: number | Stop): d is Stop => typeof d !== 'number';

export function run(system: TransitionSystem, chooser: Chooser, opts: RunOptions): Run {
  const check = opts.check ?? true;
  const applyOptions = opts.patches ? { patches: true } : undefined;
  let state = system.initial();
  let enabled: Transition[] = system.enabled(state);
  const path: number[] = [];
  let violation = check ? system.check(state, enabled.length, opts.only) : undefined;
  while (violation === undefined && enabled.length > 0) {
    if (path.length >= opts.maxSteps) return { path, truncated: true, final: state };
    const d = chooser.choose(state, enabled, path.length);
    if (isStop(d)) return { path, truncated: false, stopped: d.stop, final: state };
    const t = enabled[d]!;
    path.push(d);
    const applied = system.apply(state, t, applyOptions);
    const stopped = opts.onStep?.({ at: path.length - 1, before: state, transition: t, applied });
    if (stopped !== undefined) return { path, truncated: false, stopped, final: state };
    if (applied.violation) return { path, violation: applied.violation, truncated: false, final: state };
    state = applied.state;
    enabled = system.enabled(state);
    if (check) violation = system.check(state, enabled.length, opts.only);
  }
  return { path, truncated: false, final: state, ...(violation ? { violation } : {}) };
}

/** Follows a path exactly: stops when it runs out, or at a decision that is out of range. */
export function pathChooser(path: readonly number[]): Chooser {
  return {
    choose(_state, enabled, at) {
      if (at >= path.length) return { stop: 'end of path' };
      const d = path[at]!;
      return d < enabled.length ? d : { stop: `path index ${d} out of range at step ${at + 1}` };
    },
  };
}
