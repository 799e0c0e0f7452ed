// Judging proposed orders of a kernel path's blocks (`kmc orderings`). A model declares
// which blocks may be reordered and the constraints that hold regardless (data
// dependencies); this file enumerates the orders those allow, checks each one as a
// variant of the model, and infers before/after rules from the verdicts. It knows
// nothing about any subsystem: blocks are names, orders are lists of names.

import type { Model, Orderings, Plain } from '../core/model.ts';
import { checkVariant, checkVariantAsync, type CheckOptions, type VariantCheck } from './check.ts';

/** An order with the block set (alternative) it is made of. */
export interface Order {
  alternative: string;
  blocks: string[];
}

/** Bad input: an order that names an unknown block, repeats one or breaks a constraint. */
export class OrderError extends Error {}

/** Most orders `enumerateOrders` lists before refusing (the check of each is not free). */
export const MAX_ORDERS = 5000;

/** Parse "a,b,c" (spaces allowed) into block names. */
export function parseOrder(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const constraintsWithin = (o: Orderings, set: readonly string[]) =>
  o.constraints.filter(([a, b]) => set.includes(a) && set.includes(b));

/** The declared alternative an order is made of, or an OrderError naming the problem. */
export function validateOrder(o: Orderings, order: readonly string[]): Order {
  const known = [...new Set(Object.values(o.blocks).flat())];
  const shown = order.join(',');
  if (order.length === 0) throw new OrderError('empty order');
  for (const b of order) {
    if (!known.includes(b))
      throw new OrderError(`unknown block '${b}' in order ${shown} (blocks: ${known.join(', ')})`);
  }
  const twice = order.find((b, i) => order.indexOf(b) !== i);
  if (twice !== undefined) throw new OrderError(`block '${twice}' appears twice in order ${shown}`);
  const alternative = Object.entries(o.blocks).find(
    ([, set]) => set.length === order.length && set.every((b) => order.includes(b)),
  )?.[0];
  if (alternative === undefined) {
    const sets = Object.entries(o.blocks)
      .map(([name, set]) => `${name}: ${set.join(',')}`)
      .join('; ');
    throw new OrderError(`order ${shown} is not a permutation of a declared block set (${sets})`);
  }
  for (const [a, b] of constraintsWithin(o, order)) {
    if (order.indexOf(a) > order.indexOf(b))
      throw new OrderError(`order ${shown} breaks the constraint ${a} before ${b}`);
  }
  return { alternative, blocks: [...order] };
}

/**
 * Every order the constraints allow: for each alternative, its linear extensions, in
 * lexicographic order of the blocks' declared positions (so the declared order comes first).
 */
export function enumerateOrders(o: Orderings): Order[] {
  const out: Order[] = [];
  for (const [alternative, set] of Object.entries(o.blocks)) {
    const cs = constraintsWithin(o, set);
    const prefix: string[] = [];
    const walk = () => {
      if (out.length > MAX_ORDERS)
        throw new OrderError(`the constraints allow more than ${MAX_ORDERS} orders; add constraints or pass --order`);
      if (prefix.length === set.length) {
        out.push({ alternative, blocks: [...prefix] });
        return;
      }
      for (const b of set) {
        if (prefix.includes(b)) continue;
        // b may come next when everything that must precede it is placed
        if (cs.some(([x, y]) => y === b && !prefix.includes(x))) continue;
        prefix.push(b);
        walk();
        prefix.pop();
      }
    };
    walk();
    if (out.every((x) => x.alternative !== alternative))
      throw new OrderError(`the constraints on block set ${alternative} are cyclic: no order satisfies them`);
  }
  return out;
}

export interface OrderCheck extends Order {
  check: VariantCheck;
}

/**
 * Check one order: the model's `base` variant (its parameters, not its expectation) with the
 * order set, expected to hold everything. The trace of a violation names `base` as its
 * variant and carries the order in its parameters, so it replays as is.
 */
export function checkOrder(model: Model, base: string, order: Order, opts: CheckOptions = {}): OrderCheck {
  const { judged, params } = orderVariant(model, base, order, opts);
  const [check] = checkVariant(judged, base, { ...opts, params });
  return { ...order, check: check! };
}

/** checkOrder, giving way to the event loop so that `opts.exhaustive.signal` (Ctrl-C) can stop it. */
export async function checkOrderAsync(
  model: Model,
  base: string,
  order: Order,
  opts: CheckOptions = {},
): Promise<OrderCheck> {
  const { judged, params } = orderVariant(model, base, order, opts);
  const [check] = await checkVariantAsync(judged, base, { ...opts, params });
  return { ...order, check: check! };
}

/** The model's `base` variant with the order set, expected to hold everything. */
function orderVariant(model: Model, base: string, order: Order, opts: CheckOptions) {
  const o = model.orderings;
  if (o === undefined) throw new OrderError(`model ${model.name} declares no orderings`);
  const v = model.variants[base];
  if (v === undefined) throw new OrderError(`model ${model.name} has no variant '${base}'`);
  const params: Record<string, Plain> = { ...(opts.params ?? {}), [o.param]: order.blocks.join(',') };
  // one variant, expected to hold; its orderings are what is being judged, not declared again
  const judged: Model = { ...model, variants: { [base]: { ...v, expect: 'holds' } }, orderings: undefined };
  return { judged, params };
}

/** A rule read off the table: `before` runs before `after` in every safe order. */
export interface Rule {
  before: string;
  after: string;
  /** safe orders holding both blocks (all have before first) */
  safe: number;
  /** unsafe orders holding both with after first */
  unsafe: number;
}

/** safe: proved (holds), or sampled without a violation (the table says which) */
const isSafe = (c: OrderCheck) => c.check.verdict === 'holds' || c.check.verdict === 'sampled';
const isUnsafe = (c: OrderCheck) => c.check.verdict === 'violates';

/**
 * Pairwise rules: a before b holds in every safe order holding both (at least one), and
 * some unsafe order has b before a. Pairs fixed by the constraints never qualify (no order
 * breaks them). Orders whose check was incomplete or failed count as neither.
 */
export function inferRules(checks: readonly OrderCheck[]): Rule[] {
  const blocks = [...new Set(checks.flatMap((c) => c.blocks))];
  const rules: Rule[] = [];
  for (const a of blocks) {
    for (const b of blocks) {
      if (a === b) continue;
      const both = checks.filter((c) => c.blocks.includes(a) && c.blocks.includes(b));
      const first = (c: OrderCheck) => c.blocks.indexOf(a) < c.blocks.indexOf(b);
      const safe = both.filter(isSafe);
      if (safe.length === 0 || !safe.every(first)) continue;
      const unsafe = both.filter((c) => isUnsafe(c) && !first(c));
      if (unsafe.length > 0) rules.push({ before: a, after: b, safe: safe.length, unsafe: unsafe.length });
    }
  }
  return rules;
}

/** Unsafe orders that keep every rule: what the pairwise rules do not explain. */
export function unexplained(checks: readonly OrderCheck[], rules: readonly Rule[]): OrderCheck[] {
  return checks.filter(
    (c) =>
      isUnsafe(c) &&
      rules.every(
        (r) =>
          !c.blocks.includes(r.before) ||
          !c.blocks.includes(r.after) ||
          c.blocks.indexOf(r.before) < c.blocks.indexOf(r.after),
      ),
  );
}
