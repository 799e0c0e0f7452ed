// `kmc orderings <model> --from-patch x.patch`: the order a patch (or each patch of a series,
// each applied on the previous) gives the model's blocks. The texts patched are the model's
// excerpts (the one whose blob a diff's `index` line names, else the first of its kernel
// file) or the user's kernel tree (`--base`); each is read with the C parser before and
// after each patch, so the reading can say what the patch changed: the order, the calls it
// adds that no block models, the blocks whose call it removes.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Model, OrderingsSource } from '../core/model.ts';
import { applyHunks, hunksOf } from './apply.ts';
import { readC } from './c-reader.ts';
import { patches as patchesFile, readExcerpt, sameBlob, type Excerpt } from './excerpt.ts';
import { PatchError, type Patch } from './mail.ts';
import {
  isMacro,
  readPath,
  type BlockAt,
  type Functions,
  type Ops,
  type OtherCall,
  type PathRead,
} from './read-order.ts';

/** A kernel file as it stands: which text it came from, and the blob its text is. */
interface Current {
  path: string;
  text: string;
  /** the excerpt or base file it started from */
  from: string;
  blob?: string;
}

export interface PatchReading {
  /** 1-based, in the series */
  index: number;
  subject: string;
  quoted: boolean;
  /** per kernel file patched: what it was applied to, and its hunks */
  files: { path: string; appliedTo: string; hunks: number; outside: string[] }[];
  /** files of the patch that mirror nothing of the model (headers, other drivers) */
  otherFiles: string[];
  /** the order after this patch */
  order: BlockAt[];
  /** the order before it, if the text before it held the entry function */
  before?: BlockAt[];
  /** calls the patch adds on the main path that no block models */
  notModelled: OtherCall[];
  /** blocks found before the patch whose call it removes */
  removed: BlockAt[];
}

/** The source declaration of a model with orderings, or bad input naming what is missing. */
export function sourceOf(model: Model): OrderingsSource {
  const s = model.orderings?.source;
  if (s === undefined)
    throw new PatchError(
      `model ${model.name} declares no C for its blocks (add orderings.source: the .c excerpts, the functions, the calls of each block)`,
    );
  return s;
}

/** A call as written on a diff line: `name(` or `a->b->name(`. */
const CALL = /((?:\w+\s*(?:->|\.)\s*)*\w+)\s*\(/g;

/** Where --base points: a kernel tree (a folder) or, for a model mirroring one kernel file, that file. */
function baseText(base: string, path: string, only: boolean): string {
  if (!existsSync(base)) throw new PatchError(`--base ${base}: no such file or folder`);
  const file = statSync(base).isDirectory() ? join(base, path) : only ? base : undefined;
  if (file === undefined)
    throw new PatchError(`--base ${base}: the model mirrors several kernel files; give the kernel tree's folder`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new PatchError(`--base: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Read the orders a series of patches gives the model's blocks. */
export async function readPatches(model: Model, series: readonly Patch[], base?: string): Promise<PatchReading[]> {
  const source = sourceOf(model);
  const excerpts: Excerpt[] = source.files.map((f) => readExcerpt(f, model.source));
  const paths = [...new Set(excerpts.map((e) => e.path))];
  const current = new Map<string, Current>();
  for (const path of paths) {
    const first = excerpts.find((e) => e.path === path)!;
    const c: Current =
      base === undefined
        ? { path, text: first.text, from: first.file }
        : { path, text: baseText(base, path, paths.length === 1), from: base };
    if (base === undefined && first.blob !== undefined) c.blob = first.blob;
    current.set(path, c);
  }
  // the names a hunk must mention to be inside what the model reads
  const names = [
    ...source.functions,
    ...Object.values(source.calls)
      .flat()
      .filter((c) => /^\w+$/.test(c)),
  ];
  const readings: PatchReading[] = [];
  let before = await tryRead(source, current);
  for (const [k, patch] of series.entries()) {
    const where = `${series.length === 1 ? 'the patch' : `patch ${k + 1}/${series.length}`}${patch.quoted ? ' (read through its > quotes)' : ''}`;
    const reading: PatchReading = {
      index: k + 1,
      subject: patch.subject,
      quoted: patch.quoted,
      files: [],
      otherFiles: [],
      order: [],
      notModelled: [],
      removed: [],
    };
    const targets = patch.files.map((d) => ({
      d,
      c: [...current.values()].find((cur) =>
        excerpts.some((e) => e.path === cur.path && (patchesFile(d.path, e) || patchesFile(d.oldPath, e))),
      ),
    }));
    const added = new Set<string>();
    let switched = false;
    for (const { d, c } of targets) {
      // the excerpt the diff's index line names, unless the text is already that blob
      if (
        c === undefined ||
        base !== undefined ||
        d.preimage === undefined ||
        (c.blob !== undefined && sameBlob(c.blob, d.preimage))
      )
        continue;
      const named = excerpts.find((e) => e.path === c.path && e.blob !== undefined && sameBlob(e.blob, d.preimage!));
      if (named === undefined || named.text === c.text) continue;
      Object.assign(c, { text: named.text, from: named.file, blob: named.blob });
      switched = true;
    }
    if (switched) before = await tryRead(source, current);
    for (const { d, c } of targets) {
      if (c === undefined) {
        reading.otherFiles.push(d.path);
        continue;
      }
      const hunks = await hunksOf(d, where);
      const applied = await applyHunks(c.text, hunks, names, `${c.from} (${c.path})`).catch((e: unknown) => {
        throw e instanceof PatchError ? new PatchError(`${where}: ${e.message}`) : e;
      });
      if (applied.applied.length === 0) continue;
      reading.files.push({
        path: c.path,
        appliedTo: c.from,
        hunks: applied.applied.length,
        outside: applied.outside.map((h) => h.header),
      });
      for (const h of applied.applied)
        for (const l of h.lines)
          if (l.startsWith('+')) for (const m of l.matchAll(CALL)) added.add(m[1]!.replace(/\s+/g, ''));
      c.text = applied.text;
      if (d.postimage !== undefined) c.blob = d.postimage;
      else delete c.blob;
    }
    if (reading.files.length === 0) {
      const touched = reading.otherFiles.length > 0 ? ` (it patches ${reading.otherFiles.join(', ')})` : '';
      throw new PatchError(
        `${where} touches none of the functions ${model.name} mirrors (${source.functions.join(', ')} in ${paths.join(', ')})${touched}`,
      );
    }
    const after = await tryRead(source, current);
    if (after === undefined)
      throw new PatchError(`${where}: function ${source.functions[0]} is not in the patched text`);
    reading.order = after.blocks;
    // calls the patch adds (on its + lines) that the main path did not make before
    const had = new Set(before?.others.map((o) => o.call) ?? []);
    reading.notModelled = after.others.filter(
      (o) => added.has(o.call) && !had.has(o.call) && !isMacro(o.call) && !source.functions.includes(o.call),
    );
    if (before !== undefined) {
      reading.before = before.blocks;
      reading.removed = before.blocks.filter((b) => !after.blocks.some((a) => a.block === b.block));
    }
    readings.push(reading);
    before = after;
  }
  return readings;
}

/** The main path of the texts as they stand, or undefined if the entry function is not there yet. */
async function tryRead(source: OrderingsSource, current: Map<string, Current>): Promise<PathRead | undefined> {
  const fns: Functions = new Map();
  const ops: Ops = new Map();
  for (const c of current.values()) {
    const text = await readC(c.text);
    for (const [name, f] of text.functions) if (!fns.has(name)) fns.set(name, { ...f, file: c.from });
    for (const [member, fs] of text.ops) ops.set(member, [...(ops.get(member) ?? []), ...fs]);
  }
  if (!fns.has(source.functions[0] ?? '')) return undefined;
  return readPath(source, fns, ops);
}
