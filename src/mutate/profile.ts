// What a variant's exhaustive run does, seen from the steps: which label each step goes to
// for each outcome (success, each injected fault), which guards and faults it has, which
// helpers each call site calls and whether any call's result could be used (it returns a
// value), and the set of reachable states. `kmc mutate` builds its mutants from this, and
// calls a surviving mutant equivalent when it reaches exactly the same states.

import type { Model, Plain } from '../core/model.ts';
import { compile } from '../core/system.ts';
import { exploreBfs } from '../explore/bfs.ts';
import type { ExploreResult } from '../explore/result.ts';
import { mapSteps, stepKey, tracked } from './instrument.ts';

export interface StepProfile {
  program: string;
  label: string;
  guard: boolean;
  fails: readonly string[];
  /** labels taken on success (and on any choice of a step without faults) */
  ok: Set<string>;
  /** labels taken on each injected fault */
  faults: Map<string, Set<string>>;
}

export interface CallProfile {
  caller: string;
  helper: string;
  calls: number;
  /** some call returned a value (not undefined): the caller may use it */
  valued: boolean;
}

export interface VariantProfile {
  variant: string;
  /** each program's labels, in program order */
  programs: Map<string, string[]>;
  steps: Map<string, StepProfile>;
  calls: Map<string, CallProfile>;
  /** the canonical text of every reachable state */
  space: Set<string>;
  result: ExploreResult;
}

export const callKey = (caller: string, helper: string): string => `${caller}:${helper}`;

/**
 * An exhaustive run of `model` (variant, params), without partial-order reduction (sleep sets
 * cut transitions, never states, and cost more than they save on spaces this small), and
 * with the canonical text of every reachable state when `space` is asked for.
 */
export function exploreSpace(
  model: Model,
  variant: string,
  params: Record<string, Plain>,
  opts: { maxStates?: number; space?: boolean } = {},
): { result: ExploreResult; space: Set<string> | undefined } {
  const space = opts.space ? new Set<string>() : undefined;
  const system = compile(model, variant, params);
  const result = exploreBfs(system, {
    por: false,
    ...(opts.maxStates !== undefined ? { maxStates: opts.maxStates } : {}),
    ...(space ? { onState: (_s: unknown, key: string) => void space.add(key) } : {}),
  });
  return { result, space };
}

/** Run a variant exhaustively with every step and helper call recorded. */
export function profileVariant(model: Model, variant: string, params: Record<string, Plain> = {}): VariantProfile {
  const steps = new Map<string, StepProfile>();
  const calls = new Map<string, CallProfile>();
  const programs = new Map<string, string[]>();
  const recorded = mapSteps(model, (program, label, step) => {
    const key = stepKey(program, label);
    if (!programs.has(program)) programs.set(program, []);
    if (!steps.has(key)) {
      programs.get(program)!.push(label);
      steps.set(key, {
        program,
        label,
        guard: step.enabled !== undefined,
        fails: step.fails ?? [],
        ok: new Set(),
        faults: new Map(),
      });
    }
    const p = steps.get(key)!;
    return {
      ...step,
      run: (k, c) => {
        const next = step.run(k, c);
        if (step.fails?.includes(String(c))) {
          if (!p.faults.has(String(c))) p.faults.set(String(c), new Set());
          p.faults.get(String(c))!.add(next);
        } else p.ok.add(next);
        return next;
      },
    };
  });
  const { model: traced, restore } = tracked(recorded, {
    onCall: (caller, helper, result) => {
      const key = callKey(caller, helper);
      const c = calls.get(key) ?? { caller, helper, calls: 0, valued: false };
      c.calls += 1;
      if (result !== undefined) c.valued = true;
      calls.set(key, c);
    },
  });
  try {
    const { result, space } = exploreSpace(traced, variant, params, { space: true });
    return { variant, programs, steps, calls, space: space!, result };
  } finally {
    restore();
  }
}

/** The one label `key` goes to (DONE included), when it never faulted and always went there; else undefined. */
export function onlySuccessor(p: VariantProfile, key: string): string | undefined {
  const s = p.steps.get(key);
  if (s === undefined || s.faults.size > 0 || s.ok.size !== 1) return undefined;
  return [...s.ok][0];
}
