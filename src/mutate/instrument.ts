// Seeing who calls what while a model runs: every step's effect and every registered helper
// (src/core/helpers.ts) is wrapped so that a call knows its caller, the innermost helper
// running, or else the step whose effect called it. This is how `kmc mutate` names a call
// site in C terms ("release_udmabuf: unpin_folio()", "ioctl error_file: fput()"), records
// which helpers a run calls and what they return, and removes one call at one call site.
//
// Calls from guards, choices, properties and world construction have no caller and are
// neither recorded nor removed: only what a step's effect does is the kernel path's.

import type { Choice, Model, Step, StepContext, Thread } from '../core/model.ts';
import { helperNames, wrapHelper } from '../core/helpers.ts';

/** A thread's program, across variants and copies: its symmetry group, else its name. */
export const programOf = (t: Thread<unknown>): string => t.symmetry ?? t.name;

/** A step of a program: `ioctl/error_file`. */
export const stepKey = (program: string, label: string): string => `${program}/${label}`;

/** A step key as C would name the place: `ioctl error_file`. */
export const showStep = (key: string): string => key.replace('/', ' ');

export interface CallHooks {
  /** a helper was called from `caller` (a helper name, or a step key) and returned `result` */
  onCall?: (caller: string, helper: string, result: unknown) => void;
  /** true: the call is removed (returns undefined without running) */
  skip?: (caller: string, helper: string) => boolean;
}

type StepTransform = (program: string, label: string, step: Step<unknown, unknown>) => Step<unknown, unknown>;

/** The model with `transform` applied to each step of each thread (and the threads reordered by `entry`, if given). */
export function mapSteps(
  model: Model,
  transform: StepTransform,
  entry?: (program: string, labels: string[]) => string[],
): Model {
  return {
    ...model,
    threads: (p) =>
      model.threads(p).map((t: Thread<unknown>) => {
        const program = programOf(t);
        const labels = entry ? entry(program, Object.keys(t.steps)) : Object.keys(t.steps);
        return {
          ...t,
          steps: Object.fromEntries(labels.map((label) => [label, transform(program, label, t.steps[label]!)])),
        };
      }),
  };
}

/**
 * The model with every step's effect and the helpers `names` (default: all) tracked on one
 * call stack, and `hooks` called; `restore()` puts the helpers back. One tracked model at a
 * time in a process. A helper not tracked is transparent: what it calls is seen as called
 * by the innermost tracked caller.
 */
export function tracked(
  model: Model,
  hooks: CallHooks,
  names: readonly string[] = helperNames(),
): { model: Model; restore: () => void } {
  const stack: string[] = [];
  const restores = names.map((name) =>
    wrapHelper(name, (original) => (...args: unknown[]) => {
      const caller = stack[stack.length - 1];
      if (caller !== undefined && hooks.skip?.(caller, name)) return undefined;
      stack.push(name);
      let result: unknown;
      try {
        result = original(...args);
      } finally {
        stack.pop();
      }
      if (caller !== undefined) hooks.onCall?.(caller, name, result);
      return result;
    }),
  );
  const withStack = mapSteps(model, (program, label, step) => {
    const key = stepKey(program, label);
    return {
      ...step,
      run: (k: StepContext<unknown, unknown>, c: Choice) => {
        stack.push(key);
        try {
          return step.run(k, c);
        } finally {
          stack.pop();
        }
      },
    };
  });
  return { model: withStack, restore: () => restores.forEach((r) => r()) };
}
