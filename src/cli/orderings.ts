// kmc orderings <model> [--order "a,b,c" ...] [--orders file.json] [--variant v]
//   [--strategy s (kmc check --help lists them)] [--runs n] [--seed n] [--max-steps n] [--timeout s] [--param k=v]
//   [--out dir] [--json] [--from-patch x.patch ... [--base path]]
//
// Without --order: every order the model's constraints allow, judged, in a table, with the
// before/after rules the table supports. With --order/--orders: just those; exit 0 when all
// are safe, 1 when one is not (a CI gate for a proposed patch). With --from-patch: the order
// each patch gives the blocks, read from its C (src/patch/), judged as --order would be.

import { basename, dirname } from 'node:path';
import { match } from 'ts-pattern';
import { DEFAULTS, type CheckOptions } from '../check/check.ts';
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
} from '../check/orderings.ts';
import type { Plain } from '../core/model.ts';
import { integer, list, flag, MAX_STEPS, modelParams, seconds, seedOf, str, variantOf, type Command, type Parsed } from './args.ts';
import { saveTrace } from '../trace/save.ts';
import { DEFAULT_OUT, exitCode, honoured, shardOf, strategyArg } from './check.ts';
import { STRATEGY_NAMES } from '../explore/strategies.ts';
import { counterexampleText, githubOn, orderingsAnnotations, orderingsJunit } from './ci.ts';
import { checkOutDir, checkOutFile, writeOutFile } from './output.ts';
import { UsageError } from './errors.ts';
import { jsonError, readInput } from './input.ts';
import { stdio, type Io } from './io.ts';
import { colourOn, paint, type Paint } from './colour.ts';
import type { Project } from './project.ts';

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
  /** the counterexample in columns (for --junit) */
  counterexample?: string;
  note?: string;
  strategy: string;
  exhaustive: boolean;
}

/** Orders from a JSON file: a list of "a,b,c" strings or of lists of names (or { orders: [...] }). */
function readOrders(path: string): string[][] {
  const text = readInput(path, 'orders from');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--orders ${path} is not JSON (${jsonError(e, text)})`);
  }
  const list = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null && Array.isArray((raw as { orders?: unknown }).orders) ? (raw as { orders: unknown[] }).orders : undefined;
  if (list === undefined) throw new UsageError(`${path}: expected a JSON list of orders ("a,b,c" or ["a","b","c"])`);
  return list.map((o, i) => {
    if (typeof o === 'string') return parseOrder(o);
    if (Array.isArray(o) && o.every((b) => typeof b === 'string')) return o as string[];
    throw new UsageError(`${path}: order ${i + 1} is neither "a,b,c" nor a list of block names`);
  });
}

export const orderings: Command = {
  name: 'orderings',
  args: '<model|file>',
  summary: "judge every order of a model's blocks its constraints allow (or just those given), and infer before/after rules",
  options: {
    order: { type: 'string', multiple: true, value: 'a,b,c', help: 'judge this order only (repeatable)' },
    orders: { type: 'string', value: 'file.json', help: 'judge the orders in this file (a list of "a,b,c" or of lists)' },
    'from-patch': { type: 'string', multiple: true, value: 'x.patch', help: "judge the order this diff, mail or mbox series gives the blocks, read from its C ('-': stdin; repeatable)" },
    base: { type: 'string', value: 'path', help: "with --from-patch: apply to this kernel tree (or file) instead of the model's .c excerpts" },
    variant: { type: 'string', value: 'v', help: "the world the orders are judged in (default: the orderings' variant, else the first that holds)" },
    strategy: { type: 'string', value: STRATEGY_NAMES.join('|'), help: 'how to judge each order (default auto)' },
    seed: { type: 'string', value: 'n', help: `random/pct seed (default KMC_SEED, else ${DEFAULTS.seed})` },
    runs: { type: 'string', value: 'n', help: `random/pct runs per order (default ${DEFAULTS.runs})` },
    'max-steps': { type: 'string', value: 'n', help: `steps per random/pct run (default ${DEFAULTS.maxSteps})` },
    timeout: { type: 'string', value: 's', help: "every strategy: stop each order's check after this many seconds (that order unknown, exit 3)" },
    param: { type: 'string', multiple: true, value: 'k=v', help: 'set a model parameter' },
    out: { type: 'string', value: 'dir', help: `where trace files go (default ${DEFAULT_OUT}/)` },
    json: { type: 'boolean', help: 'print one JSON document' },
    junit: { type: 'string', value: 'file', help: 'also write a JUnit XML report (a testcase per order)' },
    force: { type: 'boolean', help: 'replace an existing --junit file (kmc replaces no file without it)' },
    shard: { type: 'string', value: 'i/n', help: 'only orders k (from 0) with k mod n = i-1; no rules are inferred from a shard' },
    github: { type: 'boolean', help: 'GitHub Actions annotations on stderr for unsafe --order/--orders and model errors (default when GITHUB_ACTIONS=true, without --json)' },
  },
  more: 'exit codes: 0 every order judged (with --order: all safe), 1 an --order (or a --from-patch order) is unsafe, 2 bad input, 3 incomplete, 4 model error',
  run: (p, io, project) => runOrderings(p, io, project),
};

async function runOrderings(p: Parsed, io: Io, project: Project): Promise<number> {
  const values = { order: list(p, 'order'), orders: str(p, 'orders'), variant: str(p, 'variant'), strategy: str(p, 'strategy'), json: flag(p, 'json') };
  if (p.positionals.length !== 1) throw new UsageError('orderings takes one model');
  const model = await project.model(p.positionals[0]!);
  const decl = model.orderings;
  if (decl === undefined) throw new UsageError(`model ${model.name} declares no orderings (add an \`orderings\` field to its defineModel)`);
  const strategy = strategyArg(values.strategy);
  honoured(p, strategy, ['runs', 'max-steps', 'timeout']);
  const timeoutMs = seconds('timeout', str(p, 'timeout'));
  const base = variantOf(model, values.variant ?? decl.variant ?? Object.entries(model.variants).find(([, v]) => v.expect === 'holds')?.[0] ?? Object.keys(model.variants)[0]!);
  const params = modelParams(list(p, 'param'), model);
  if (decl.param in params) throw new UsageError(`--param ${decl.param} is what orderings varies; use --order`);
  // A fixed default seed: the table is something people paste and compare.
  const seed = seedOf(str(p, 'seed'), () => DEFAULTS.seed);
  const runs = integer('runs', str(p, 'runs'), DEFAULTS.runs, 1);
  const maxSteps = integer('max-steps', str(p, 'max-steps'), DEFAULTS.maxSteps, 1, MAX_STEPS);
  const out = str(p, 'out') ?? DEFAULT_OUT;
  checkOutDir(out, 'out');
  const junit = str(p, 'junit');
  if (junit !== undefined) checkOutFile(junit, 'junit', flag(p, 'force'));

  const fromPatch = list(p, 'from-patch');
  if (fromPatch === undefined && str(p, 'base') !== undefined) throw new UsageError('--base goes with --from-patch');
  if (fromPatch !== undefined) {
    if (values.order !== undefined || values.orders !== undefined) throw new UsageError('--from-patch reads the order from the patch; drop --order/--orders');
    if (str(p, 'shard') !== undefined) throw new UsageError('--from-patch judges each patch of the series in turn; --shard does not apply');
    const { runFromPatch } = await import('./from-patch.ts');
    const opts: CheckOptions = { runs, seed, maxSteps, params, strategy: strategy as CheckOptions['strategy'] };
    return runFromPatch({ model, base, opts, files: fromPatch, kernelBase: str(p, 'base'), out, junit, force: flag(p, 'force'), json: values.json, github: flag(p, 'github'), io, project });
  }

  const proposed = [...(values.order ?? []).map(parseOrder), ...(values.orders !== undefined ? readOrders(values.orders) : [])];
  const judging = proposed.length > 0;
  let orders: Order[];
  try {
    orders = judging ? proposed.map((o) => validateOrder(decl, o)) : enumerateOrders(decl);
  } catch (e) {
    if (e instanceof OrderError) throw new UsageError(`${model.name}: ${e.message}`);
    throw e;
  }

  // auto: bfs, exhaustive, when the order's states fit the budget; otherwise random with
  // the budget stated. A model error is reported for its order, as any strategy would.
  const opts: CheckOptions = { runs, seed, maxSteps, params, strategy, ...(timeoutMs !== undefined ? { exhaustive: { timeoutMs } } : {}) };
  const shard = shardOf(str(p, 'shard'));
  const mine = orders.map((order, k) => ({ order, k })).filter(({ k }) => shard === undefined || k % shard.count === shard.index - 1);
  const checks: OrderCheck[] = mine.map(({ order }) => checkOrder(model, base, order, opts));
  const rows = checks.map((c, i) => toRow(c, mine[i]!.k + 1, base, seed, out, project, params, decl.param));
  // rules need every order: a shard infers none (kmc merge does, over all of them)
  const whole = !judging && shard === undefined;
  const { rules, unexplainedRows } = whole ? rulesOf(rows) : { rules: [], unexplainedRows: [] };
  const used = [...new Set(rows.map((r) => r.strategy))];
  if (junit !== undefined) writeOutFile(junit, orderingsJunit(model.name, base, rows, judging), 'junit', flag(p, 'force'));
  if (githubOn(flag(p, 'github'), values.json)) io.err(orderingsAnnotations(model, base, rows, judging));
  if (values.json) {
    const doc: OrderingsDoc = { schema: ORDERINGS_SCHEMA, model: model.name, variant: base, judging, shard: shard ?? null, count: orders.length, params, strategies: used, runs, seed, maxSteps, orders: rows, rules, unexplained: unexplainedRows };
    io.out(JSON.stringify(doc, null, 2) + '\n');
  } else {
    io.out(renderOrderings(model.name, base, budgetOf(rows, runs, maxSteps, seed), rows, rules, unexplainedRows, !whole, paint(colourOn(process.stdout, io.out === stdio.out))));
  }

  // Judging proposed orders, an unsafe one fails; listing them all, unsafe orders are the point.
  return exitCode(rows.map((r) => ({ verdict: r.verdict, asExpected: r.verdict !== 'violates' || !judging })));
}

export const ORDERINGS_SCHEMA = 'kmc-orderings/1';

/** What kmc orderings --json prints (and kmc merge reads back). */
export interface OrderingsDoc {
  schema: string;
  model: string;
  variant: string;
  /** proposed orders (--order, --orders): an unsafe one fails; else every allowed order */
  judging: boolean;
  shard: { index: number; count: number } | null;
  /** orders in the whole run */
  count: number;
  params: Record<string, Plain>;
  strategies: string[];
  runs: number;
  seed: number;
  maxSteps: number;
  orders: OrderRow[];
  rules: Rule[];
  unexplained: number[];
}

/** The before/after rules the rows support, and the unsafe rows they leave unexplained (by index). */
export function rulesOf(rows: readonly OrderRow[]): { rules: Rule[]; unexplainedRows: number[] } {
  // the rules read only each order's blocks and verdict
  const checks = rows.map((r) => ({ alternative: r.alternative, blocks: r.order, check: { verdict: r.verdict } }) as unknown as OrderCheck);
  const rules = inferRules(checks);
  return { rules, unexplainedRows: unexplained(checks, rules).map((c) => rows[checks.indexOf(c)]!.index) };
}

/** The head line's account of how the orders were judged. */
export function budgetOf(rows: readonly OrderRow[], runs: number, maxSteps: number, seed: number): string {
  const used = [...new Set(rows.map((r) => r.strategy))];
  return used
    .map((st) => {
      const n = rows.filter((r) => r.strategy === st).length;
      const how = st === 'random' || st === 'pct' ? `${st}, ${runs} runs of up to ${maxSteps} steps, seed ${seed}` : `${st}, exhaustive`;
      return used.length === 1 ? how : `${n} by ${how}`;
    })
    .join('; ');
}

/** A judged order as a table row; its trace is named `<base>.<name>` (default `order<index>`). */
export function toRow(c: OrderCheck, index: number, base: string, seed: number, out: string, project: Project, params: Record<string, Plain>, orderParam: string, name = `order${index}`): OrderRow {
  const { result } = c.check;
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
      row.trace = saveTrace(c.check, { root: project.root, overrides: { ...params, [orderParam]: c.blocks.join(',') }, seed, out, name: `${base}.${name}` });
      const text = counterexampleText(c.check);
      if (text !== undefined) row.counterexample = text;
    })
    .otherwise(() => undefined);
  if (c.check.note !== undefined && result.kind !== 'violation') row.note = c.check.note;
  return row;
}

const VERDICT_WORD: Record<string, string> = { holds: 'safe', sampled: 'sampled', violates: 'UNSAFE', incomplete: 'unknown', error: 'error' };
const VERDICT_COLOUR: Record<string, 'green' | 'red' | 'yellow'> = { safe: 'green', sampled: 'green', UNSAFE: 'red', error: 'red', unknown: 'yellow' };

/** The table: one row per order, the order itself last so the columns stay aligned. */
export function renderOrderings(
  modelName: string,
  base: string,
  budget: string,
  rows: readonly OrderRow[],
  rules: readonly Rule[],
  unexplainedRows: readonly number[],
  judging: boolean,
  colour: Paint = paint(false),
): string {
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
      .map((x, i) => (i === 1 && VERDICT_COLOUR[x.trim()] !== undefined ? colour(VERDICT_COLOUR[x.trim()]!, x) : x))
      .join('  ')
      .trimEnd();
  lines.push(line(head), ...cells.map(line));
  const safe = rows.filter((r) => r.verdict === 'holds').length;
  const sampled = rows.filter((r) => r.verdict === 'sampled').length;
  const unsafe = rows.filter((r) => r.verdict === 'violates').length;
  const dir = rows.find((r) => r.trace !== undefined)?.trace;
  lines.push('', `${safe} safe, ${sampled > 0 ? `${sampled} sampled (no violation found, not exhaustive), ` : ''}${unsafe} unsafe, ${rows.length - safe - sampled - unsafe} unknown${dir === undefined ? '' : `; traces in ${dirname(dir)}/ (kmc replay <trace>)`}`);
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
