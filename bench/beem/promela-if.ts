// Promela's selection, `L: if :: guard1; effect1; goto L1 :: guard2; ... fi`, as one kmc step.
//
// A BEEM process in Promela is a set of labels, each an `if` over options; an option is one
// statement (a condition, an assignment, or a `d_step { guard; effects }`) and a `goto`. SPIN
// takes each executable option as one transition; here each option is one choice of the
// step at that label, offered when its guard holds, in the order the Promela lists them, so
// that both tools take the same transitions from the same states. No option executable: the
// step offers no choice and the process blocks, as in SPIN.

import type { Step } from '../../src/index.ts';

export interface PromelaOption<W, L> {
  /** the statement as the Promela writes it (what a trace shows as the choice) */
  name: string;
  /** the option's condition (none: always executable, like an assignment) */
  guard?: (world: W, local: L) => boolean;
  /** the statement's effect; returns the label it jumps to */
  effect: (world: W, local: L) => string;
}

/** The step at a label whose statement is `if :: option ... fi`. */
export function promelaIf<W, L>(options: readonly PromelaOption<W, L>[]): Step<W, L> {
  const names = options.map((o) => o.name);
  if (new Set(names).size !== names.length)
    throw new Error(`promelaIf: two options named alike in ${names.join(', ')}`);
  const byName = new Map(options.map((o) => [o.name, o]));
  if (options.every((o) => o.guard === undefined)) {
    return { choices: names, run: (k, choice) => byName.get(choice as string)!.effect(k.world, k.local) };
  }
  return {
    choices: (w, l) => options.filter((o) => o.guard === undefined || o.guard(w, l)).map((o) => o.name),
    run: (k, choice) => byName.get(choice as string)!.effect(k.world, k.local),
  };
}
