// Building a thread's program from blocks in a given order, for models whose variants
// (or `kmc orderings`) move whole kernel calls around. A block is a function of the label
// that follows it, so each of its steps can fall through to whatever comes next.

import type { Step } from './model.ts';
import { ModelError } from './violation.ts';

export type Block<W, L> = (next: string) => Record<string, Step<W, L>>;

/** Chain blocks in `order`, the last one falling through to `then`; returns all their steps. */
export function sequence<W, L>(
  order: readonly string[],
  blocks: Record<string, Block<W, L>>,
  then: string,
): Record<string, Step<W, L>> {
  const out: Record<string, Step<W, L>> = {};
  const seen = new Set<string>();
  let next = then;
  const built: Record<string, Step<W, L>>[] = [];
  for (const name of [...order].reverse()) {
    const block = Object.hasOwn(blocks, name) ? blocks[name] : undefined;
    if (!block) throw new ModelError(`unknown block '${name}' in order (blocks: ${Object.keys(blocks).join(', ')})`);
    if (seen.has(name)) throw new ModelError(`block '${name}' appears twice in order`);
    seen.add(name);
    const steps = block(next);
    next = Object.keys(steps)[0]!;
    built.unshift(steps);
  }
  for (const steps of built) Object.assign(out, steps);
  return out;
}
