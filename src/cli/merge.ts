// kmc merge <shard.json ...>: the --json documents of `kmc check --shard i/n` (or `kmc
// orderings --shard i/n`) jobs joined into the one run they split: the verdict table in the
// run's order (for orderings, with the before/after rules inferred over every order), the
// combined exit code, and --junit / --json as the command gives them (--github for check).

import { flag, str, type Command, type Parsed } from './args.ts';
import { CHECK_SCHEMA, exitCode, showRow, summary, type Row } from './check.ts';
import { checkAnnotations, checkJunit, githubOn, orderingsJunit } from './ci.ts';
import { checkOutFile, writeOutFile } from './output.ts';
import {
  budgetOf,
  ORDERINGS_SCHEMA,
  renderOrderings,
  rulesOf,
  type OrderingsDoc,
  type OrderRow,
} from './orderings-table.ts';
import { colourOn, paint } from './colour.ts';
import { UsageError } from './errors.ts';
import { jsonError, readInput } from './input.ts';
import { stdio, type Io } from './io.ts';

interface CheckDoc {
  schema: string;
  seed: number;
  checks: number;
  shard: { index: number; count: number } | null;
  results: Row[];
}

function readJson(path: string): unknown {
  const text = readInput(path, 'shard document');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `cannot read ${path}: not JSON (${jsonError(e, text)}; expected the --json output of kmc check or kmc orderings)`,
    );
  }
}

/** A field's kind in a shard document: `?` optional, `|null` may be null. */
type Kind =
  | 'string'
  | 'string?'
  | 'number'
  | 'number?'
  | 'number|null'
  | 'index'
  | 'boolean'
  | 'verdict'
  | 'strings'
  | 'object'
  | 'shard'
  | 'reductions'
  | 'cache';
const VERDICTS = ['holds', 'violates', 'sampled', 'incomplete', 'error'];
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const KINDS: Record<Kind, (x: unknown) => boolean> = {
  string: (x) => typeof x === 'string',
  'string?': (x) => x === undefined || typeof x === 'string',
  number: (x) => typeof x === 'number',
  'number?': (x) => x === undefined || typeof x === 'number',
  'number|null': (x) => x === null || typeof x === 'number',
  index: (x) => Number.isSafeInteger(x) && (x as number) >= 0,
  boolean: (x) => typeof x === 'boolean',
  verdict: (x) => typeof x === 'string' && VERDICTS.includes(x),
  strings: (x) => Array.isArray(x) && x.every((e) => typeof e === 'string'),
  object: isObject,
  shard: (x) => x === null || (isObject(x) && KINDS.index(x.index) && KINDS.index(x.count)),
  reductions: (x) => x === null || (isObject(x) && typeof x.por === 'boolean' && typeof x.symmetry === 'boolean'),
  cache: (x) => x === null || (isObject(x) && typeof x.hits === 'number' && typeof x.parts === 'number'),
};
/** The first field of `x` that is not of its kind, or undefined. */
const badField = (x: unknown, fields: Record<string, Kind>): string | undefined =>
  isObject(x) ? Object.entries(fields).find(([k, kind]) => !KINDS[kind](x[k]))?.[0] : '(the whole entry)';

const FOUND: Record<string, Kind> = {
  property: 'string?',
  message: 'string?',
  length: 'number?',
  trace: 'string?',
  counterexample: 'string?',
  note: 'string?',
};
const CHECK_ROW: Record<string, Kind> = {
  index: 'index',
  model: 'string',
  variant: 'string',
  strategy: 'string',
  verdict: 'verdict',
  expected: 'string',
  asExpected: 'boolean',
  stats: 'object',
  source: 'string?',
  line: 'number?',
  ...FOUND,
};
const STATS: Record<string, Kind> = {
  runs: 'number',
  steps: 'number',
  states: 'number',
  depth: 'number',
  exhaustive: 'boolean',
  milliseconds: 'number',
  statesPerSecond: 'number|null',
  bytesPerState: 'number|null',
  visitedBytesPerState: 'number|null',
  collisionProbability: 'number|null',
  reductions: 'reductions',
  workers: 'number|null',
  cache: 'cache',
};
const ORDER_ROW: Record<string, Kind> = {
  index: 'index',
  alternative: 'string',
  order: 'strings',
  verdict: 'verdict',
  strategy: 'string',
  exhaustive: 'boolean',
  ...FOUND,
};
const ORDERINGS_DOC: Record<string, Kind> = {
  model: 'string',
  variant: 'string',
  judging: 'boolean',
  shard: 'shard',
  count: 'index',
  params: 'object',
  runs: 'number',
  seed: 'number',
  maxSteps: 'number',
};

/** Refuse a document whose rows (or head) kmc would choke on, naming the first bad field. */
function checkRows(
  path: string,
  rows: readonly unknown[],
  fields: Record<string, Kind>,
  nested: Record<string, Record<string, Kind>> = {},
): void {
  rows.forEach((r, i) => {
    const bad =
      badField(r, fields) ??
      Object.entries(nested)
        .map(([k, f]) =>
          badField((r as Record<string, unknown>)[k], f) === undefined
            ? undefined
            : `${k}.${badField((r as Record<string, unknown>)[k], f)}`,
        )
        .find((b) => b !== undefined);
    if (bad !== undefined) throw new UsageError(`${path}: result ${i + 1} has no valid field ${bad}`);
  });
}

function readDoc(path: string, raw: unknown): CheckDoc {
  const d = raw as Partial<CheckDoc> | null;
  if (
    typeof d !== 'object' ||
    d === null ||
    d.schema !== CHECK_SCHEMA ||
    !Array.isArray(d.results) ||
    !KINDS.index(d.checks) ||
    typeof d.seed !== 'number' ||
    !KINDS.shard(d.shard ?? null)
  ) {
    throw new UsageError(`${path}: not a ${CHECK_SCHEMA} document (the --json output of kmc check)`);
  }
  checkRows(path, d.results, CHECK_ROW, { stats: STATS });
  return d as CheckDoc;
}

function readOrderingsDoc(path: string, raw: unknown): OrderingsDoc {
  const bad = badField(raw, ORDERINGS_DOC);
  const orders = (raw as { orders?: unknown }).orders;
  if (bad !== undefined || !Array.isArray(orders))
    throw new UsageError(
      `${path}: not a ${ORDERINGS_SCHEMA} document (its field ${bad ?? 'orders'} is missing or wrong)`,
    );
  checkRows(path, orders, ORDER_ROW);
  return raw as OrderingsDoc;
}

/** The rows of the whole run, in its order; refuses shards that are not one run's, or a missing one. */
export function mergeDocs(docs: readonly { path: string; doc: CheckDoc }[]): { seed: number; rows: Row[] } {
  const [first] = docs;
  if (first === undefined)
    throw new UsageError('merge takes the --json documents of kmc check --shard i/n (e.g. kmc merge shard-*.json)');
  for (const { path, doc } of docs) {
    if (doc.checks !== first.doc.checks || doc.seed !== first.doc.seed || doc.shard?.count !== first.doc.shard?.count) {
      throw new UsageError(
        `${path} is not a shard of the same run as ${first.path} (its checks, seed or shard count differ)`,
      );
    }
  }
  return {
    seed: first.doc.seed,
    rows: joined(
      docs.map(({ path, doc }) => ({ path, shard: doc.shard, rows: doc.results })),
      first.doc.checks,
      'checks',
    ),
  };
}

/** The shards' rows as the one run's, in its order: each index once, none missing. */
function joined<R extends { index: number }>(
  shards: readonly { path: string; shard: { index: number; count: number } | null; rows: readonly R[] }[],
  total: number,
  what: string,
): R[] {
  const byIndex = new Map<number, R>();
  for (const { path, rows } of shards) {
    for (const r of rows) {
      if (byIndex.has(r.index))
        throw new UsageError(`${path}: ${what.replace(/s$/, '')} ${r.index} is in two documents`);
      byIndex.set(r.index, r);
    }
  }
  if (byIndex.size !== total) {
    const count = shards[0]?.shard?.count ?? 1;
    const have = new Set(shards.map((d) => d.shard?.index ?? 1));
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !have.has(i));
    throw new UsageError(
      `${total - byIndex.size} of ${total} ${what} missing${missing.length > 0 ? ` (no shard ${missing.map((i) => `${i}/${count}`).join(', ')})` : ''}`,
    );
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

export const merge: Command = {
  name: 'merge',
  args: '<shard.json ...>',
  summary:
    'join the --json documents of kmc check (or kmc orderings) --shard i/n jobs: the table and exit code of the one run',
  options: {
    json: { type: 'boolean', help: 'print the joined document (kmc-check/2)' },
    junit: { type: 'string', value: 'file', help: 'also write a JUnit XML report' },
    force: { type: 'boolean', help: 'replace an existing --junit file (kmc replaces no file without it)' },
    github: {
      type: 'boolean',
      help: 'GitHub Actions annotations on stderr (default when GITHUB_ACTIONS=true, without --json)',
    },
  },
  more: 'exit codes: those of kmc check over all the checks (0 every verdict as expected, 1 a verdict differs, 3 incomplete, 4 model error); 2 bad input',
  run: async (p: Parsed, io: Io) => {
    const junit = str(p, 'junit');
    const force = flag(p, 'force');
    if (junit !== undefined) checkOutFile(junit, 'junit', force);
    const json = flag(p, 'json');
    const raws = p.positionals.map((path) => ({ path, raw: readJson(path) }));
    if (raws.length > 0 && raws.every(({ raw }) => (raw as { schema?: unknown } | null)?.schema === ORDERINGS_SCHEMA)) {
      return mergeOrderingsRun(
        raws.map(({ path, raw }) => ({ path, doc: readOrderingsDoc(path, raw) })),
        io,
        json,
        junit,
        force,
      );
    }
    const { seed, rows } = mergeDocs(raws.map(({ path, raw }) => ({ path, doc: readDoc(path, raw) })));
    if (junit !== undefined) writeOutFile(junit, checkJunit(rows), 'junit', force);
    if (githubOn(flag(p, 'github'), json)) io.err(checkAnnotations(rows));
    if (json) {
      io.out(
        JSON.stringify({ schema: CHECK_SCHEMA, seed, checks: rows.length, shard: null, results: rows }, null, 2) + '\n',
      );
    } else {
      const colour = paint(colourOn(process.stdout, io.out === stdio.out));
      io.out(rows.map((r) => showRow(r, colour)).join('') + summary(rows));
    }
    return exitCode(rows);
  },
};

/** Orderings shards joined: every order once, in the run's order, and the rules over all of them. */
export function mergeOrderings(docs: readonly { path: string; doc: OrderingsDoc }[]): OrderingsDoc {
  const [first] = docs;
  if (first === undefined) throw new UsageError('merge takes the --json documents of kmc orderings --shard i/n');
  const f = first.doc;
  for (const { path, doc } of docs) {
    if (
      !Array.isArray(doc.orders) ||
      doc.model !== f.model ||
      doc.variant !== f.variant ||
      doc.count !== f.count ||
      doc.seed !== f.seed ||
      doc.judging !== f.judging ||
      doc.shard?.count !== f.shard?.count
    ) {
      throw new UsageError(
        `${path} is not a shard of the same orderings run as ${first.path} (its model, variant, orders, seed or shard count differ)`,
      );
    }
  }
  const orders: OrderRow[] = joined(
    docs.map(({ path, doc }) => ({ path, shard: doc.shard, rows: doc.orders })),
    f.count,
    'orders',
  );
  const { rules, unexplainedRows } = f.judging ? { rules: [], unexplainedRows: [] } : rulesOf(orders);
  const strategies = [...new Set(orders.map((r) => r.strategy))];
  return { ...f, shard: null, strategies, orders, rules, unexplained: unexplainedRows };
}

function mergeOrderingsRun(
  docs: readonly { path: string; doc: OrderingsDoc }[],
  io: Io,
  json: boolean,
  junit: string | undefined,
  force: boolean,
): number {
  const d = mergeOrderings(docs);
  if (junit !== undefined) writeOutFile(junit, orderingsJunit(d.model, d.variant, d.orders, d.judging), 'junit', force);
  if (json) io.out(JSON.stringify(d, null, 2) + '\n');
  else
    io.out(
      renderOrderings(
        d.model,
        d.variant,
        budgetOf(d.orders, d.runs, d.maxSteps, d.seed),
        d.orders,
        d.rules,
        d.unexplained,
        d.judging,
        paint(colourOn(process.stdout, io.out === stdio.out)),
      ),
    );
  return exitCode(d.orders.map((r) => ({ verdict: r.verdict, asExpected: r.verdict !== 'violates' || !d.judging })));
}
