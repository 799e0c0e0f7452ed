// The orderings table: a judged order as a row, the before/after rules the rows support,
// the text table and the --json document (kmc orderings, --from-patch and kmc merge).

import { basename, dirname } from 'node:path';
import { match } from 'ts-pattern';
import { inferRules, unexplained, type OrderCheck, type Rule } from '../check/orderings.ts';
import type { Plain } from '../core/model.ts';
import { saveTrace } from '../trace/save.ts';
import { counterexampleText } from './ci.ts';
import { paint, type Paint } from './colour.ts';
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
  const checks = rows.map(
    (r) => ({ alternative: r.alternative, blocks: r.order, check: { verdict: r.verdict } }) as unknown as OrderCheck,
  );
  const rules = inferRules(checks);
  return { rules, unexplainedRows: unexplained(checks, rules).map((c) => rows[checks.indexOf(c)]!.index) };
}

/** The head line's account of how the orders were judged. */
export function budgetOf(rows: readonly OrderRow[], runs: number, maxSteps: number, seed: number): string {
  const used = [...new Set(rows.map((r) => r.strategy))];
  return used
    .map((st) => {
      const n = rows.filter((r) => r.strategy === st).length;
      const how =
        st === 'random' || st === 'pct'
          ? `${st}, ${runs} runs of up to ${maxSteps} steps, seed ${seed}`
          : `${st}, exhaustive`;
      return used.length === 1 ? how : `${n} by ${how}`;
    })
    .join('; ');
}

/** A judged order as a table row; its trace is named `<base>.<name>` (default `order<index>`). */
export function toRow(
  c: OrderCheck,
  index: number,
  base: string,
  seed: number,
  out: string,
  project: Project,
  params: Record<string, Plain>,
  orderParam: string,
  name = `order${index}`,
): OrderRow {
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
      row.trace = saveTrace(c.check, {
        root: project.root,
        overrides: { ...params, [orderParam]: c.blocks.join(',') },
        seed,
        out,
        name: `${base}.${name}`,
      });
      const text = counterexampleText(c.check);
      if (text !== undefined) row.counterexample = text;
    })
    .otherwise(() => undefined);
  if (c.check.note !== undefined && result.kind !== 'violation') row.note = c.check.note;
  return row;
}

const VERDICT_WORD: Record<string, string> = {
  holds: 'safe',
  sampled: 'sampled',
  violates: 'UNSAFE',
  incomplete: 'unknown',
  error: 'error',
};
const VERDICT_COLOUR: Record<string, 'green' | 'red' | 'yellow'> = {
  safe: 'green',
  sampled: 'green',
  UNSAFE: 'red',
  error: 'red',
  unknown: 'yellow',
};

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
  const lines = [
    `${modelName}: ${rows.length} order${rows.length === 1 ? '' : 's'} of ${alternatives} block set${alternatives === 1 ? '' : 's'}, judged as variant ${base} (${budget})`,
    '',
  ];
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
  lines.push(
    '',
    `${safe} safe, ${sampled > 0 ? `${sampled} sampled (no violation found, not exhaustive), ` : ''}${unsafe} unsafe, ${rows.length - safe - sampled - unsafe} unknown${dir === undefined ? '' : `; traces in ${dirname(dir)}/ (kmc replay <trace>)`}`,
  );
  if (!judging) {
    for (const alt of new Set(rows.map((r) => r.alternative))) {
      const of = rows.filter((r) => r.alternative === alt);
      if (of.every((r) => r.verdict === 'violates'))
        lines.push(
          `no order of block set ${alt} is safe (${of.length} orders: ${of[0]!.order.join(',')} and its permutations)`,
        );
    }
    if (rules.length === 0) {
      lines.push('no before/after rule separates the safe orders from the unsafe ones');
    } else {
      lines.push('', 'rules (hold in every safe order, broken by some unsafe one):');
      const w = Math.max(...rules.map((r) => r.before.length));
      for (const r of rules) {
        lines.push(
          `  ${r.before.padEnd(w)}  before  ${r.after}   (all ${r.safe} safe orders; broken by ${r.unsafe} unsafe)`,
        );
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
