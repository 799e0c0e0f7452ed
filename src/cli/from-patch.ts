// kmc orderings <model> --from-patch x.patch [--from-patch y.patch ...] [--base path]
//
// Reads the order each patch gives the model's blocks from its C (src/patch/), judges each
// as --order would, and says it in the patch's terms: each block with the call and line that
// place it, the verdict, and for an unsafe order the before/after rule it breaks ("dma_buf_fd()
// (line 125) now runs before dma_heap_read_file_sync() (line 131)"), read off every order of
// its block set. A series gives one row per patch, each applied on the previous. Loaded only
// when --from-patch is given, with the diff library and the C parser behind it.

import { readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import type { Model, Plain } from '../core/model.ts';
import { validateModel } from '../core/validate.ts';
import type { CheckOptions } from '../check/check.ts';
import {
  checkOrder,
  enumerateOrders,
  inferRules,
  OrderError,
  validateOrder,
  type OrderCheck,
  type Rule,
} from '../check/orderings.ts';
import { PatchError, splitPatches, type Patch } from '../patch/mail.ts';
import { readPatches, type PatchReading } from '../patch/read-patches.ts';
import type { BlockAt } from '../patch/read-order.ts';
import { exitCode } from './check.ts';
import { githubOn, orderingsAnnotations, orderingsJunit } from './ci.ts';
import { colourOn, paint } from './colour.ts';
import { UsageError } from './errors.ts';
import { readInput } from './input.ts';
import { stdio, type Io } from './io.ts';
import { writeOutFile } from './output.ts';
import {
  budgetOf,
  ORDERINGS_SCHEMA,
  renderOrderings,
  toRow,
  type OrderingsDoc,
  type OrderRow,
} from './orderings-table.ts';
import type { Project } from './project.ts';

export interface FromPatchRun {
  model: Model;
  /** the variant whose world the orders are judged in */
  base: string;
  opts: CheckOptions;
  /** --from-patch values, in order ('-': stdin) */
  files: string[];
  /** --base: a kernel tree, or the one file */
  kernelBase: string | undefined;
  out: string;
  junit: string | undefined;
  /** --force: the --junit file may be replaced */
  force: boolean;
  json: boolean;
  github: boolean;
  io: Io;
  project: Project;
}

/** A rule an order breaks, with the C that places each side. */
export interface Broken {
  before: string;
  after: string;
  /** the text: "`dma_buf_fd()` (line 125) now runs before `dma_heap_read_file_sync()` (line 131)" */
  text: string;
}

/** What --json adds to kmc-orderings/1: each patch as read. */
export interface PatchDoc {
  index: number;
  subject: string;
  quoted: boolean;
  files: PatchReading['files'];
  otherFiles: string[];
  order: BlockAt[];
  notModelled: PatchReading['notModelled'];
  removed: BlockAt[];
  /** rules of the block set this order breaks (an unsafe order only) */
  breaks: Broken[];
}

/** A patch file through input.ts (a regular file, size-capped); '-' reads stdin. */
function readPatchFile(file: string): string {
  if (file !== '-') return readInput(file, 'patch');
  try {
    return readFileSync(0, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read stdin: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export async function runFromPatch(r: FromPatchRun): Promise<number> {
  const { model, base, opts, io, project } = r;
  // (a model given as an object, not loaded from a file, is checked here: its source declaration too)
  validateModel(model);
  const decl = model.orderings!;
  const seed = opts.seed!;
  const params = (opts.params ?? {}) as Record<string, Plain>;
  let series: Patch[];
  let readings: PatchReading[];
  try {
    series = r.files.flatMap((f) => splitPatches(readPatchFile(f), f === '-' ? 'stdin' : f));
    readings = await readPatches(model, series, r.kernelBase);
  } catch (e) {
    if (e instanceof PatchError) throw new UsageError(`${model.name}: ${e.message}`);
    throw e;
  }

  const orders = readings.map((rd) => {
    const blocks = rd.order.map((b) => b.block);
    try {
      return validateOrder(decl, blocks);
    } catch (e) {
      if (!(e instanceof OrderError)) throw e;
      const lost =
        rd.removed.length > 0
          ? `; the patch removes ${rd.removed.map((b) => `${b.call}() (${b.block})`).join(', ')}`
          : '';
      throw new UsageError(
        `${model.name}: ${where(rd, readings.length)} gives ${blocks.join(',') || 'no block'}: ${e.message.replace(/^order \S+ /, '')}${lost}`,
      );
    }
  });
  const checks = orders.map((o) => checkOrder(model, base, o, opts));
  // a trace is named after the order's number in the whole table (kmc orderings), so the same order gives the same file
  const all = enumerateOrders(decl).map((o) => o.blocks.join());
  const rows = checks.map((c, k) =>
    toRow(c, k + 1, base, seed, r.out, project, params, decl.param, `order${all.indexOf(c.blocks.join()) + 1}`),
  );
  // the rules an unsafe order breaks: read off every order of its block set, judged alike
  const tables = new Map<string, OrderCheck[]>();
  const breaks = checks.map((c, k) => {
    if (c.check.verdict !== 'violates') return [];
    let table = tables.get(c.alternative);
    if (table === undefined) {
      table = enumerateOrders(decl)
        .filter((o) => o.alternative === c.alternative)
        .map((o) => (o.blocks.join() === c.blocks.join() ? c : checkOrder(model, base, o, opts)));
      tables.set(c.alternative, table);
    }
    return brokenRules(inferRules(table), readings[k]!.order);
  });

  const docs: PatchDoc[] = readings.map((rd, k) => ({
    index: rd.index,
    subject: rd.subject,
    quoted: rd.quoted,
    files: rd.files,
    otherFiles: rd.otherFiles,
    order: rd.order,
    notModelled: rd.notModelled,
    removed: rd.removed,
    breaks: breaks[k]!,
  }));
  if (r.junit !== undefined) writeOutFile(r.junit, orderingsJunit(model.name, base, rows, true), 'junit', r.force);
  if (githubOn(r.github, r.json)) io.err(orderingsAnnotations(model, base, rows, true));
  if (r.json) {
    const used = [...new Set(rows.map((x) => x.strategy))];
    const doc: OrderingsDoc & { patches: PatchDoc[] } = {
      schema: ORDERINGS_SCHEMA,
      model: model.name,
      variant: base,
      judging: true,
      shard: null,
      count: rows.length,
      params,
      strategies: used,
      runs: opts.runs!,
      seed,
      maxSteps: opts.maxSteps!,
      orders: rows,
      rules: [],
      unexplained: [],
      patches: docs,
    };
    io.out(JSON.stringify(doc, null, 2) + '\n');
  } else {
    const colour = paint(colourOn(process.stdout, io.out === stdio.out));
    const parts = docs.map((d, k) => renderPatch(d, rows[k]!, readings.length, project.root));
    io.out(
      parts.join('\n') +
        '\n' +
        renderOrderings(model.name, base, budgetOf(rows, opts.runs!, opts.maxSteps!, seed), rows, [], [], true, colour),
    );
  }
  return exitCode(rows.map((x) => ({ verdict: x.verdict, asExpected: x.verdict !== 'violates' })));
}

const where = (rd: PatchReading, n: number) => (n === 1 ? 'the patch' : `patch ${rd.index}/${n}`);

/** The rules `order` breaks, in C words. */
export function brokenRules(rules: readonly Rule[], order: readonly BlockAt[]): Broken[] {
  const at = (b: string) => order.find((x) => x.block === b);
  return rules.flatMap((rule) => {
    const before = at(rule.before);
    const after = at(rule.after);
    if (before === undefined || after === undefined || order.indexOf(after) > order.indexOf(before)) return [];
    return [
      {
        before: rule.before,
        after: rule.after,
        text: `\`${after.call}()\` (${lineOf(after, before)}) now runs before \`${before.call}()\` (${lineOf(before, after)})`,
      },
    ];
  });
}

/** "line 42", or "dma_heap_ioctl, line 277" when the other side is in another function. */
const lineOf = (b: BlockAt, other: BlockAt) =>
  b.function === other.function ? `line ${b.line}` : `${b.function}, line ${b.line}`;

/** One patch as read and judged. */
function renderPatch(d: PatchDoc, row: OrderRow, n: number, root: string): string {
  const lines = [`patch ${d.index}/${n}: ${d.subject}${d.quoted ? ' (read through its quotes)' : ''}`];
  for (const f of d.files) {
    const outside =
      f.outside.length > 0
        ? `; ${f.outside.length} outside the excerpt (${f.outside.map((h) => h.replace(/ @@.*$/, ' @@')).join(', ')})`
        : '';
    lines.push(
      `  applied ${f.hunks} hunk${f.hunks === 1 ? '' : 's'} of ${f.path} to ${shown(f.appliedTo, root)}${outside}`,
    );
  }
  if (d.otherFiles.length > 0) lines.push(`  not mirrored by the model: ${d.otherFiles.join(', ')}`);
  lines.push('  order read (the main path, error labels apart):');
  const w = Math.max(...d.order.map((b) => b.block.length));
  const wc = Math.max(...d.order.map((b) => b.call.length + 2));
  d.order.forEach((b, i) =>
    lines.push(
      `    ${String(i + 1).padStart(2)}  ${b.block.padEnd(w)}  ${(b.call + '()').padEnd(wc)}  ${b.function}, line ${b.line}`,
    ),
  );
  for (const c of d.notModelled)
    lines.push(
      `  not modelled: ${c.call}() (${c.function}, line ${c.line}), a call the patch adds that no block stands for`,
    );
  for (const b of d.removed)
    lines.push(`  removed: ${b.call}() (block ${b.block}), which the text before the patch called`);
  if (row.verdict === 'violates') {
    const steps = `${row.property}, ${row.length} steps`;
    if (d.breaks.length === 0) lines.push(`  UNSAFE: ${steps} (no before/after rule of this block set explains it)`);
    for (const b of d.breaks) lines.push(`  UNSAFE: ${b.text}: ${steps}`);
    if (row.message !== undefined) lines.push(`    ${row.property}: ${row.message}`);
    if (row.trace !== undefined) lines.push(`    replay: npx kmc replay ${shown(row.trace, process.cwd())}`);
  } else {
    lines.push(`  ${row.verdict === 'holds' ? 'safe' : row.verdict}${row.note !== undefined ? ` (${row.note})` : ''}`);
  }
  return lines.join('\n') + '\n';
}

const shown = (file: string, root: string) => {
  const rel = relative(root, file);
  return rel === '' || rel.startsWith('..') ? (file.includes('/') ? file : basename(file)) : rel;
};
