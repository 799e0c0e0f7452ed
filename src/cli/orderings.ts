// kmc orderings <model> [--order "a,b,c" ...] [--orders file.json] [--variant v]
//   [--strategy s (kmc check --help lists them)] [--runs n] [--seed n] [--max-steps n] [--timeout s] [--param k=v]
//   [--out dir] [--json] [--from-patch x.patch ... [--base path]]
//
// Without --order: every order the model's constraints allow, judged, in a table, with the
// before/after rules the table supports. With --order/--orders: just those; exit 0 when all
// are safe, 1 when one is not (a CI gate for a proposed patch). With --from-patch: the order
// each patch gives the blocks, read from its C (src/patch/), judged as --order would be.

import { DEFAULTS, type CheckOptions } from '../check/check.ts';
import {
  checkOrderAsync,
  enumerateOrders,
  OrderError,
  parseOrder,
  validateOrder,
  type Order,
  type OrderCheck,
} from '../check/orderings.ts';
import {
  integer,
  list,
  flag,
  MAX_STEPS,
  modelParams,
  seconds,
  seedOf,
  str,
  variantOf,
  type Command,
  type Parsed,
} from './args.ts';
import { DEFAULT_OUT, exitCode, honoured, shardOf, strategyArg } from './check.ts';
import { STRATEGY_NAMES } from '../explore/strategies.ts';
import { githubOn, orderingsAnnotations, orderingsJunit } from './ci.ts';
import { checkOutDir, checkOutFile, writeOutFile } from './output.ts';
import { EXIT, UsageError } from './errors.ts';
import { coveredBy, interruptedLine, onInterrupt, wasInterrupted } from './interrupt.ts';
import { jsonError, readInput } from './input.ts';
import { stdio, type Io } from './io.ts';
import { colourOn, paint } from './colour.ts';
import type { Project } from './project.ts';
import { budgetOf, ORDERINGS_SCHEMA, renderOrderings, rulesOf, toRow, type OrderingsDoc } from './orderings-table.ts';

/** Orders from a JSON file: a list of "a,b,c" strings or of lists of names (or { orders: [...] }). */
function readOrders(path: string): string[][] {
  const text = readInput(path, 'orders from');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--orders ${path} is not JSON (${jsonError(e, text)})`);
  }
  const list = Array.isArray(raw)
    ? raw
    : typeof raw === 'object' && raw !== null && Array.isArray((raw as { orders?: unknown }).orders)
      ? (raw as { orders: unknown[] }).orders
      : undefined;
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
  summary:
    "judge every order of a model's blocks its constraints allow (or just those given), and infer before/after rules",
  options: {
    order: { type: 'string', multiple: true, value: 'a,b,c', help: 'judge this order only (repeatable)' },
    orders: {
      type: 'string',
      value: 'file.json',
      help: 'judge the orders in this file (a list of "a,b,c" or of lists)',
    },
    'from-patch': {
      type: 'string',
      multiple: true,
      value: 'x.patch',
      help: "judge the order this diff, mail or mbox series gives the blocks, read from its C ('-': stdin; repeatable)",
    },
    base: {
      type: 'string',
      value: 'path',
      help: "with --from-patch: apply to this kernel tree (or file) instead of the model's .c excerpts",
    },
    variant: {
      type: 'string',
      value: 'v',
      help: "the world the orders are judged in (default: the orderings' variant, else the first that holds)",
    },
    strategy: { type: 'string', value: STRATEGY_NAMES.join('|'), help: 'how to judge each order (default auto)' },
    seed: { type: 'string', value: 'n', help: `random/pct seed (default KMC_SEED, else ${DEFAULTS.seed})` },
    runs: { type: 'string', value: 'n', help: `random/pct runs per order (default ${DEFAULTS.runs})` },
    'max-steps': { type: 'string', value: 'n', help: `steps per random/pct run (default ${DEFAULTS.maxSteps})` },
    timeout: {
      type: 'string',
      value: 's',
      help: "every strategy: stop each order's check after this many seconds (that order unknown, exit 3)",
    },
    param: { type: 'string', multiple: true, value: 'k=v', help: 'set a model parameter' },
    out: { type: 'string', value: 'dir', help: `where trace files go (default ${DEFAULT_OUT}/)` },
    json: { type: 'boolean', help: 'print one JSON document' },
    junit: { type: 'string', value: 'file', help: 'also write a JUnit XML report (a testcase per order)' },
    force: { type: 'boolean', help: 'replace an existing --junit file (kmc replaces no file without it)' },
    shard: {
      type: 'string',
      value: 'i/n',
      help: 'only orders k (from 0) with k mod n = i-1; no rules are inferred from a shard',
    },
    github: {
      type: 'boolean',
      help: 'GitHub Actions annotations on stderr for unsafe --order/--orders and model errors (default when GITHUB_ACTIONS=true, without --json)',
    },
  },
  more: 'exit codes: 0 every order judged (with --order: all safe), 1 an --order (or a --from-patch order) is unsafe, 2 bad input, 3 incomplete, 4 model error',
  run: (p, io, project) => runOrderings(p, io, project),
};

async function runOrderings(p: Parsed, io: Io, project: Project): Promise<number> {
  const values = {
    order: list(p, 'order'),
    orders: str(p, 'orders'),
    variant: str(p, 'variant'),
    strategy: str(p, 'strategy'),
    json: flag(p, 'json'),
  };
  if (p.positionals.length !== 1) throw new UsageError('orderings takes one model');
  const model = await project.model(p.positionals[0]!);
  const decl = model.orderings;
  if (decl === undefined)
    throw new UsageError(`model ${model.name} declares no orderings (add an \`orderings\` field to its defineModel)`);
  const strategy = strategyArg(values.strategy);
  honoured(p, strategy, ['runs', 'max-steps', 'timeout']);
  const timeoutMs = seconds('timeout', str(p, 'timeout'));
  const base = variantOf(
    model,
    values.variant ??
      decl.variant ??
      Object.entries(model.variants).find(([, v]) => v.expect === 'holds')?.[0] ??
      Object.keys(model.variants)[0]!,
  );
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
    if (values.order !== undefined || values.orders !== undefined)
      throw new UsageError('--from-patch reads the order from the patch; drop --order/--orders');
    if (str(p, 'shard') !== undefined)
      throw new UsageError('--from-patch judges each patch of the series in turn; --shard does not apply');
    const { runFromPatch } = await import('./from-patch.ts');
    const opts: CheckOptions = { runs, seed, maxSteps, params, strategy: strategy as CheckOptions['strategy'] };
    return runFromPatch({
      model,
      base,
      opts,
      files: fromPatch,
      kernelBase: str(p, 'base'),
      out,
      junit,
      force: flag(p, 'force'),
      json: values.json,
      github: flag(p, 'github'),
      io,
      project,
    });
  }

  const proposed = [
    ...(values.order ?? []).map(parseOrder),
    ...(values.orders !== undefined ? readOrders(values.orders) : []),
  ];
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
  // Ctrl-C: the order being checked stops with what it covered, the rest are not started
  const interrupt = onInterrupt();
  const opts: CheckOptions = {
    runs,
    seed,
    maxSteps,
    params,
    strategy,
    exhaustive: { signal: interrupt.signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
  };
  const shard = shardOf(str(p, 'shard'));
  const mine = orders
    .map((order, k) => ({ order, k }))
    .filter(({ k }) => shard === undefined || k % shard.count === shard.index - 1);
  const checks: OrderCheck[] = [];
  try {
    for (const { order } of mine) {
      checks.push(await checkOrderAsync(model, base, order, opts));
      if (interrupt.signal.aborted) break;
    }
  } finally {
    interrupt.dispose();
  }
  if (interrupt.signal.aborted) {
    // what was covered; no table, trace or --junit (part of the orders would pass for all of them)
    const last = checks.at(-1);
    const cut = last !== undefined && wasInterrupted(last.check.result);
    const cov = last?.check.result.coverage;
    const stopped =
      cut && cov !== undefined
        ? `order ${mine[checks.length - 1]!.k + 1} (${last.blocks.join(',')}) stopped after ${(cov.ms / 1000).toFixed(1)} s (${coveredBy(cov)}, not exhaustive)`
        : 'between orders';
    const done = checks.length - (cut ? 1 : 0);
    io.err(interruptedLine(interrupt.signal, `${stopped}; ${done} of ${mine.length} orders checked`));
    return EXIT.interrupted;
  }
  const rows = checks.map((c, i) => toRow(c, mine[i]!.k + 1, base, seed, out, project, params, decl.param));
  // rules need every order: a shard infers none (kmc merge does, over all of them)
  const whole = !judging && shard === undefined;
  const { rules, unexplainedRows } = whole ? rulesOf(rows) : { rules: [], unexplainedRows: [] };
  const used = [...new Set(rows.map((r) => r.strategy))];
  if (junit !== undefined)
    writeOutFile(junit, orderingsJunit(model.name, base, rows, judging), 'junit', flag(p, 'force'));
  if (githubOn(flag(p, 'github'), values.json)) io.err(orderingsAnnotations(model, base, rows, judging));
  if (values.json) {
    const doc: OrderingsDoc = {
      schema: ORDERINGS_SCHEMA,
      model: model.name,
      variant: base,
      judging,
      shard: shard ?? null,
      count: orders.length,
      params,
      strategies: used,
      runs,
      seed,
      maxSteps,
      orders: rows,
      rules,
      unexplained: unexplainedRows,
    };
    io.out(JSON.stringify(doc, null, 2) + '\n');
  } else {
    io.out(
      renderOrderings(
        model.name,
        base,
        budgetOf(rows, runs, maxSteps, seed),
        rows,
        rules,
        unexplainedRows,
        !whole,
        paint(colourOn(process.stdout, io.out === stdio.out)),
      ),
    );
  }

  // Judging proposed orders, an unsafe one fails; listing them all, unsafe orders are the point.
  return exitCode(rows.map((r) => ({ verdict: r.verdict, asExpected: r.verdict !== 'violates' || !judging })));
}
