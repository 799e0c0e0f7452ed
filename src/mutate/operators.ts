// The mutation operators of `kmc mutate`: each builds mutants from a model's structure and
// what its holding variants' runs did (profile.ts), never from the model's text, so they
// work on any model. Each mutant is one mistake a kernel patch can make:
//
//   noop     a call removed at one call site: a helper the run calls whose result no call
//            uses (it always returns undefined: fput, unpin_folio, mutex_unlock, vunmap);
//            a helper returning a value may have it used, so removing it is no mistake of
//            the C code's shape
//   guard    a step's guard dropped (it runs without waiting for its lock or condition)
//   fault    an injected fault's error check dropped: the step fails (its error is set)
//            and goes on to its success label, as `if (ret) goto err;` removed would.
//            (Removing the fault from `fails` outright only takes behaviours away, which a
//            variant that holds can never show.)
//   goto     an injected fault sent to another error label of its thread, or straight out
//            (return without any cleanup)
//   swap     two steps swapped where each has one successor (A -> B -> C becomes B -> A -> C)
//   order    in a holding variant's order of `orderings` blocks, two adjacent blocks swapped,
//            or one block moved earlier (the fd installed earlier), within the constraints
//
// A mutant is checked against the variants it applies to: those whose run has its step,
// call site or order.

import { DONE, expectations, type Choice, type Model, type Plain, type StepContext } from '../core/model.ts';
import { parseOrder, validateOrder } from '../check/orderings.ts';
import { mapSteps, showStep, stepKey, type CallHooks } from './instrument.ts';
import { onlySuccessor, type VariantProfile } from './profile.ts';

export const OPERATORS = ['noop', 'guard', 'fault', 'goto', 'swap', 'order'] as const;
export type Operator = (typeof OPERATORS)[number];

export type Mutation =
  | { operator: 'noop'; caller: string; helper: string }
  | { operator: 'guard'; step: string }
  /** next: where the step goes on success (in the variant it was made from) */
  | { operator: 'fault'; step: string; fault: string; next: string }
  | { operator: 'goto'; step: string; fault: string; to: string }
  /** then: where the second step went (in the variant it was made from) */
  | { operator: 'swap'; first: string; second: string; then: string }
  /** variant: the first holding variant with the order it changes */
  | { operator: 'order'; variant: string; param: string; order: readonly string[]; moved: string; before: string };

export interface Mutant {
  /**
   * stable name, for `harmless` declarations, the same whichever variants a run checks:
   * `noop:release_udmabuf:unpin_folio`, `swap:ioctl/error_put:error_file>return`
   */
  id: string;
  mutation: Mutation;
  /** the mistake in C terms: "release_udmabuf: unpin_folio() removed" */
  description: string;
  /** the holding variants it is checked against */
  variants: string[];
}

/** How to run a mutant on one variant: the mutated model, parameter overrides, helper hooks. */
export interface Applied {
  model: Model;
  params: Record<string, Plain>;
  hooks?: CallHooks;
  /** the helpers the hooks need tracked */
  helpers?: readonly string[];
}

const label = (l: string) => (l === DONE ? 'return' : l);
const program = (key: string) => key.slice(0, key.indexOf('/'));
const stepLabel = (key: string) => key.slice(key.indexOf('/') + 1);

/** Every mutant of the chosen operators, in a fixed order (operator, then first seen). */
export function generateMutants(
  model: Model,
  profiles: readonly VariantProfile[],
  operators: readonly Operator[],
): Mutant[] {
  const found = new Map<string, Mutant>();
  const add = (variant: string, name: string, mutation: Mutation, description: string) => {
    // the same name made differently in another variant (a swap whose second step goes elsewhere there): its own mutant
    const key = JSON.stringify(mutation);
    const made = [...found.values()].find(
      (m) => (m.id === name || m.id.startsWith(`${name}@`)) && JSON.stringify(m.mutation) === key,
    );
    const id = made?.id ?? (found.has(name) ? `${name}@${variant}` : name);
    const m = found.get(id) ?? { id, mutation, description, variants: [] };
    if (!m.variants.includes(variant)) m.variants.push(variant);
    found.set(id, m);
  };
  for (const operator of operators) {
    for (const p of profiles) {
      const v = p.variant;
      if (operator === 'noop') {
        for (const c of p.calls.values()) {
          if (c.valued) continue;
          const where = c.caller.includes('/') ? showStep(c.caller) : c.caller;
          add(
            v,
            `noop:${c.caller}:${c.helper}`,
            { operator, caller: c.caller, helper: c.helper },
            `${where}: ${c.helper}() removed`,
          );
        }
      }
      if (operator === 'guard') {
        for (const [key, s] of p.steps)
          if (s.guard)
            add(
              v,
              `guard:${key}`,
              { operator, step: key },
              `${showStep(key)}: runs without waiting (its guard dropped)`,
            );
      }
      if (operator === 'fault') {
        for (const [key, s] of p.steps) {
          if (s.ok.size !== 1) continue;
          const next = [...s.ok][0]!;
          for (const fault of s.faults.keys())
            add(
              v,
              `fault:${key}:${fault}>${next}`,
              { operator, step: key, fault, next },
              `${showStep(key)}: ${fault} not checked (goes on to ${label(next)})`,
            );
        }
      }
      if (operator === 'goto') {
        // the error labels of each program: where its faults go
        const errorLabels = new Map<string, Set<string>>();
        for (const s of p.steps.values())
          for (const to of s.faults.values())
            for (const l of to)
              (errorLabels.get(s.program) ?? errorLabels.set(s.program, new Set()).get(s.program)!).add(l);
        for (const [key, s] of p.steps) {
          for (const [fault, to] of s.faults) {
            const targets = [...(errorLabels.get(s.program) ?? [])].filter((l) => !to.has(l) && l !== DONE);
            for (const t of [...targets, ...(to.has(DONE) ? [] : [DONE])]) {
              add(
                v,
                `goto:${key}:${fault}:${t}`,
                { operator, step: key, fault, to: t },
                `${showStep(key)}: on ${fault}, goto ${label(t)}${t === DONE ? ' (no cleanup)' : ''} instead of ${[...to].map(label).join('/')}`,
              );
            }
          }
        }
      }
      if (operator === 'swap') {
        for (const [key, s] of p.steps) {
          const b = onlySuccessor(p, key);
          if (b === undefined || b === DONE || b === s.label) continue;
          const bKey = stepKey(s.program, b);
          const c = onlySuccessor(p, bKey);
          if (c === undefined || c === s.label || c === b) continue;
          add(
            v,
            `swap:${key}:${b}>${c}`,
            { operator, first: key, second: bKey, then: c },
            `${s.program}: ${b} moved before ${s.label}`,
          );
        }
      }
      if (operator === 'order' && model.orderings !== undefined) {
        const o = model.orderings;
        const orderOf = (variant: string) =>
          (({ ...model.params, ...(model.variants[variant]!.params ?? {}) }) as Record<string, unknown>)[o.param];
        const text = orderOf(v);
        if (typeof text !== 'string') continue;
        const order = parseOrder(text);
        const valid = (x: readonly string[]) => {
          try {
            validateOrder(o, x);
            return true;
          } catch {
            return false;
          }
        };
        if (!valid(order)) continue;
        // adjacent blocks swapped, and each block moved earlier (an fd installed, a buffer
        // published before what should precede it); moving a block later is a swap or an
        // earlier move of the blocks it passes
        for (let j = 1; j < order.length; j++) {
          for (let i = 0; i < j; i++) {
            const moved = order[j]!;
            const before = order[i]!;
            const next = [...order.slice(0, i), moved, ...order.slice(i).filter((b) => b !== moved)];
            if (!valid(next)) continue;
            const what = i === j - 1 ? `${before} and ${moved} swapped` : `${moved} moved before ${before}`;
            // one mutant per order: named after the model's first holding variant with the same
            // order (whichever variants this run checks)
            const first = Object.keys(model.variants).find(
              (q) => expectations(model.variants[q]!.expect).every((e) => e === 'holds') && orderOf(q) === text,
            )!;
            add(
              v,
              `order:${first}:${moved}:${before}`,
              { operator, variant: first, param: o.param, order: next, moved, before },
              `${first}: ${what} (${next.join(',')})`,
            );
          }
        }
      }
    }
  }
  // a mutant made from one variant's run is checked on every holding variant whose run has
  // the same shape there (there it may meet the paths that kill it: a racer that closes,
  // fills, truncates)
  for (const m of found.values()) {
    for (const p of profiles)
      if (!m.variants.includes(p.variant) && appliesTo(m.mutation, p)) m.variants.push(p.variant);
    m.variants.sort((a, b) => profiles.findIndex((p) => p.variant === a) - profiles.findIndex((p) => p.variant === b));
  }
  return [...found.values()];
}

/** Whether a mutant made from another variant means the same in this one's run. */
function appliesTo(mu: Mutation, p: VariantProfile): boolean {
  const has = (key: string) => p.steps.has(key);
  const step = (key: string) => p.steps.get(key);
  const exists = (prog: string, l: string) => l === DONE || has(stepKey(prog, l));
  switch (mu.operator) {
    case 'guard':
      return step(mu.step)?.guard === true;
    case 'fault': {
      const s = step(mu.step);
      return s !== undefined && s.fails.includes(mu.fault) && s.ok.size === 1 && s.ok.has(mu.next);
    }
    case 'goto': {
      const s = step(mu.step);
      return s !== undefined && s.fails.includes(mu.fault) && exists(program(mu.step), mu.to);
    }
    case 'swap': {
      // the first step may also go elsewhere here (an error return), the second only on
      const b = step(mu.second);
      return (
        step(mu.first)?.ok.has(stepLabel(mu.second)) === true &&
        b !== undefined &&
        b.faults.size === 0 &&
        b.ok.size === 1 &&
        b.ok.has(mu.then)
      );
    }
    case 'noop':
    case 'order':
      return false;
  }
}

/** The mutant as a model (and parameters, and helper hooks) for one of its variants. */
export function applyMutant(model: Model, m: Mutant, profile: VariantProfile): Applied {
  const mu = m.mutation;
  switch (mu.operator) {
    case 'noop':
      // tracked: the helper, and every helper the run saw calling it (so the innermost caller is known)
      return {
        model,
        params: {},
        hooks: { skip: (caller, helper) => caller === mu.caller && helper === mu.helper },
        helpers: [
          mu.helper,
          ...new Set(
            [...profile.calls.values()]
              .filter((c) => c.helper === mu.helper && !c.caller.includes('/'))
              .map((c) => c.caller),
          ),
        ],
      };
    case 'guard':
      return {
        model: mapSteps(model, (prog, l, step) => {
          if (stepKey(prog, l) !== mu.step) return step;
          const { enabled: _dropped, ...rest } = step;
          return rest;
        }),
        params: {},
      };
    case 'fault':
      return { model: redirect(model, mu.step, (c, to) => (String(c) === mu.fault ? mu.next : to)), params: {} };
    case 'goto':
      return { model: redirect(model, mu.step, (c, to) => (String(c) === mu.fault ? mu.to : to)), params: {} };
    case 'swap': {
      const a = stepLabel(mu.first);
      const b = stepLabel(mu.second);
      const prog = program(mu.first);
      const c = mu.then;
      return {
        model: mapSteps(
          model,
          (pr, l, step) => {
            if (pr !== prog) return step;
            const map =
              l === a
                ? (to: string) => (to === b ? c : to)
                : l === b
                  ? (to: string) => (to === c ? a : to)
                  : (to: string) => (to === a ? b : to);
            return { ...step, run: (k: StepContext<unknown, unknown>, ch: Choice) => map(step.run(k, ch)) };
          },
          (pr, labels) => (pr === prog && labels[0] === a ? [b, ...labels.filter((x) => x !== b)] : labels),
        ),
        params: {},
      };
    }
    case 'order':
      return { model, params: { [mu.param]: mu.order.join(',') } };
  }
}

/** `step`'s effect, its next label rewritten by `to(choice, label)`. */
function redirect(model: Model, key: string, to: (c: Choice, label: string) => string): Model {
  return mapSteps(model, (prog, l, step) =>
    stepKey(prog, l) !== key
      ? step
      : { ...step, run: (k: StepContext<unknown, unknown>, c: Choice) => to(c, step.run(k, c)) },
  );
}
