// kmc orderings <model> [--order "a,b,c" ...] [--orders file.json] [--variant v]
//   [--strategy auto|bfs|random|pct] [--runs n] [--seed n] [--max-steps n] [--param k=v]
//   [--out dir] [--json]
//
// Without --order: every order the model's constraints allow, judged, in a table, with the
// before/after rules the table supports. With --order/--orders: just those; exit 0 when all
// are safe, 1 when one is not (a CI gate for a proposed patch).

import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { match } from 'ts-pattern';
import type { Model } from '../core/model.ts';
import { DEFAULTS, type CheckOptions } from '../explore/check.ts';
import {
  checkOrder,
  enumerateOrders,
  inferRules,
  OrderError,
  parseOrder,
  unexplained,
  validateOrder,
  type Order,
  type OrderCheck,
  type Rule,
} from '../explore/orderings.ts';
import type { Strategy } from '../explore/result.ts';
import { encodeTrace } from '../trace/codec.ts';
import { writeNew } from '../trace/file.ts';
import { recordTrace } from '../trace/trace.ts';
import { integer, modelParams, parse } from './args.ts';
import { DEFAULT_OUT } from './check.ts';
import { EXIT, UsageError, type Io } from './errors.ts';
import { findModel } from './models.ts';

const STRATEGIES = ['auto', 'bfs', 'dfs', 'random', 'pct'] as const;

/** Most states `auto` lets bfs store for one order before sampling it instead. */
export const AUTO_MAX_STATES = 200_000;

export interface OrderRow {
  index: number;
  alternative: string;
  order: string[];
  verdict: string;
  property?: string;
  message?: string;
  /** steps in the counterexample */
  length?: number;
  trace?: string;
  note?: string;
  strategy: string;
  exhaustive: boolean;
}

/** Orders from a JSON file: a list of "a,b,c" strings or of lists of names (or { orders: [...] }). */
function readOrders(path: string): string[][] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new UsageError(`cannot read orders from ${path}: ${why}`);
  }
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null && Array.isArray((raw as { orders?: unknown }).orders) ? (raw as { orders: unknown[] }).orders : undefined;
  if (list === undefined) throw new UsageError(`${path}: expected a JSON list of orders ("a,b,c" or ["a","b","c"])`);
  return list.map((o, i) => {
    if (typeof o === 'string') return parseOrder(o);
    if (Array.isArray(o) && o.every((b) => typeof b === 'string')) return o as string[];
    throw new UsageError(`${path}: order ${i + 1} is neither "a,b,c" nor a list of block names`);
  });
}

function seedOf(flag: string | undefined): number {
  if (flag !== undefined) return integer('seed', flag, 0);
  const fromEnv = process.env.KMC_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!/^\d+$/.test(fromEnv)) throw new UsageError(`KMC_SEED must be a non-negative integer, got '${fromEnv}'`);
    return Number(fromEnv);
  }
  // A fixed default: the table is something people paste and compare.
  return DEFAULTS.seed;
}

export async function orderings(args: string[], models: readonly Model[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    order: { type: 'string', multiple: true },
    orders: { type: 'string' },
    variant: { type: 'string' },
    strategy: { type: 'string' },
    seed: { type: 'string' },
    runs: { type: 'string' },
    'max-steps': { type: 'string' },
    param: { type: 'string', multiple: true },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('orderings takes one model');
  const model = findModel(models, positionals[0]!);
  const decl = model.orderings;
  if (decl === undefined) throw new UsageError(`model ${model.name} declares no orderings (add an \`orderings\` field to its defineModel)`);
  if (!(decl.param in model.params)) throw new UsageError(`model ${model.name}: orderings.param '${decl.param}' is not one of its parameters`);
  const strategy = values.strategy ?? 'auto';
  if (!(STRATEGIES as readonly string[]).includes(strategy)) throw new UsageError(`unknown strategy '${strategy}' (available: ${STRATEGIES.join(', ')})`);
  const base = values.variant ?? decl.variant ?? Object.entries(model.variants).find(([, v]) => v.expect === 'holds')?.[0] ?? Object.keys(model.variants)[0]!;
  if (!(base in model.variants)) throw new UsageError(`model ${model.name} has no variant '${base}' (it has: ${Object.keys(model.variants).join(', ')})`);
  const params = modelParams(values.param, model.params, model.name);
  if (decl.param in params) throw new UsageError(`--param ${decl.param} is what orderings varies; use --order`);
  const seed = seedOf(values.seed);
  const runs = integer('runs', values.runs, DEFAULTS.runs, 1);
  const maxSteps = integer('max-steps', values['max-steps'], DEFAULTS.maxSteps, 1);
  const out = values.out ?? DEFAULT_OUT;

  const proposed = [...(values.order ?? []).map(parseOrder), ...(values.orders !== undefined ? readOrders(values.orders) : [])];
  const judging = proposed.length > 0;
  let orders: Order[];
  try {
    orders = judging ? proposed.map((o) => validateOrder(decl, o)) : enumerateOrders(decl);
  } catch (e) {
    if (e instanceof OrderError) throw new UsageError(`${model.name}: ${e.message}`);
    throw e;
  }

  const opts: CheckOptions = { runs, seed, maxSteps, params };
  // auto: bfs, exhaustive, when the order's states fit the budget; otherwise random with
  // the budget stated. A model error is reported for its order, as any strategy would.
  const auto = strategy === 'auto';
  const bfs = { ...opts, strategy: 'bfs', exhaustive: { maxStates: AUTO_MAX_STATES } } as CheckOptions;
  const sampled: CheckOptions = { ...opts, strategy: auto ? 'random' : (strategy as Strategy) };
  const checks: OrderCheck[] = orders.map((order) => {
    if (!auto) return checkOrder(model, base, order, sampled);
    const c = checkOrder(model, base, order, bfs);
    return c.check.result.kind === 'incomplete' ? checkOrder(model, base, order, sampled) : c;
  });
  const rows = checks.map((c, i) => toRow(c, i + 1, model.name, base, seed, out));
  const rules = judging ? [] : inferRules(checks);
  const unexplainedRows = judging ? [] : unexplained(checks, rules).map((c) => checks.indexOf(c) + 1);

  const used = [...new Set(rows.map((r) => r.strategy))];
  const budget = used
    .map((st) => {
      const n = rows.filter((r) => r.strategy === st).length;
      const how = st === 'random' || st === 'pct' ? `${st}, ${runs} runs of up to ${maxSteps} steps, seed ${seed}` : `${st}, exhaustive`;
      return used.length === 1 ? how : `${n} by ${how}`;
    })
    .join('; ');
  if (values.json) {
    io.out(JSON.stringify({ model: model.name, variant: base, params, strategies: used, runs, seed, maxSteps, orders: rows, rules, unexplained: unexplainedRows }, null, 2) + '\n');
  } else {
    io.out(renderOrderings(model.name, base, budget, rows, rules, unexplainedRows, judging));
  }

  // Judging proposed orders, an unsafe one fails; listing them all, unsafe orders are the point.
  if (rows.some((r) => r.verdict === 'error' || (judging && r.verdict === 'violates'))) return EXIT.unexpected;
  if (rows.some((r) => r.verdict === 'incomplete')) return EXIT.incomplete;
  return EXIT.ok;
}

function toRow(c: OrderCheck, index: number, modelName: string, base: string, seed: number, out: string): OrderRow {
  const { result, system } = c.check;
  const row: OrderRow = {
    index,
    alternative: c.alternative,
    order: c.blocks,
    verdict: c.check.verdict,
    strategy: result.coverage.strategy,
    exhaustive: result.coverage.exhaustive,
  };
  match(result)
    .with({ kind: 'violation' }, (r) => {
      row.property = r.violation.property;
      row.message = r.violation.message;
      row.length = r.path.length;
      const trace = recordTrace(system, r.path, r.violation, result.coverage.strategy, seed);
      const base_ = `${modelName.replaceAll('/', '.')}.${base}.order${index}.${r.violation.property}.seed${seed}`;
      row.trace = writeNew(out, base_, encodeTrace(trace)).path;
    })
    .with({ kind: 'incomplete' }, (r) => void (row.note = `stopped by ${r.bound}`))
    .with({ kind: 'error' }, (r) => void (row.note = r.message))
    .with({ kind: 'ok' }, () => undefined)
    .exhaustive();
  return row;
}

const VERDICT_WORD: Record<string, string> = { holds: 'safe', violates: 'UNSAFE', incomplete: 'unknown', error: 'error' };

/** The table: one row per order, the order itself last so the columns stay aligned. */
export function renderOrderings(modelName: string, base: string, budget: string, rows: readonly OrderRow[], rules: readonly Rule[], unexplainedRows: readonly number[], judging: boolean): string {
  const alternatives = new Set(rows.map((r) => r.alternative)).size;
  const lines = [`${modelName}: ${rows.length} order${rows.length === 1 ? '' : 's'} of ${alternatives} block set${alternatives === 1 ? '' : 's'}, judged as variant ${base} (${budget})`, ''];
  const head = ['#', 'verdict', 'property', 'steps', 'trace', 'order'];
  const cells = rows.map((r) => [
    String(r.index),
    VERDICT_WORD[r.verdict] ?? r.verdict,
    r.property ?? (r.note ? r.note : '-'),
    r.length === undefined ? '-' : String(r.length),
    r.trace === undefined ? '-' : basename(r.trace),
    r.order.join(','),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === c.length - 1 ? x : i === 0 || i === 3 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  lines.push(line(head), ...cells.map(line));
  const safe = rows.filter((r) => r.verdict === 'holds').length;
  const unsafe = rows.filter((r) => r.verdict === 'violates').length;
  const dir = rows.find((r) => r.trace !== undefined)?.trace;
  lines.push('', `${safe} safe, ${unsafe} unsafe, ${rows.length - safe - unsafe} unknown${dir === undefined ? '' : `; traces in ${dirname(dir)}/ (kmc replay <trace>)`}`);
  if (!judging) {
    for (const alt of new Set(rows.map((r) => r.alternative))) {
      const of = rows.filter((r) => r.alternative === alt);
      if (of.every((r) => r.verdict === 'violates')) lines.push(`no order of block set ${alt} is safe (${of.length} orders: ${of[0]!.order.join(',')} and its permutations)`);
    }
    if (rules.length === 0) {
      lines.push('no before/after rule separates the safe orders from the unsafe ones');
    } else {
      lines.push('', 'rules (hold in every safe order, broken by some unsafe one):');
      const w = Math.max(...rules.map((r) => r.before.length));
      for (const r of rules) {
        lines.push(`  ${r.before.padEnd(w)}  before  ${r.after}   (all ${r.safe} safe orders; broken by ${r.unsafe} unsafe)`);
      }
      lines.push(
        unexplainedRows.length === 0
          ? 'every unsafe order breaks at least one of these rules'
          : `unsafe orders that keep every rule (unsafe for another reason): ${unexplainedRows.map((n) => `#${n}`).join(', ')}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
