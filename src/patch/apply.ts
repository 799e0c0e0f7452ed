// Applying one file's diff to a text, hunk by hunk, with the fuzz `patch` allows (jsdiff's
// applyPatch: context found at an offset, up to FUZZ lines of context differing). The
// text may be an excerpt of the kernel file (a model's `.c`): a hunk that applies nowhere
// in it and names none of the functions read is outside the excerpt and set aside; one
// that touches a function read and does not apply is bad input.
//
// jsdiff is loaded when a patch is first applied, so commands without --from-patch do not
// pay for it.

import { PatchError, type FileDiff } from './mail.ts';

/** Context lines that may differ, as `patch`'s default fuzz factor. */
export const FUZZ = 2;

export interface Hunk {
  /** the hunk's `@@ -a,b +c,d @@ heading` line */
  header: string;
  /** the function git named after the @@ (may be empty) */
  heading: string;
  /** its lines, each with its ' ', '-' or '+' */
  lines: string[];
}

export interface Applied {
  text: string;
  /** hunks applied */
  applied: Hunk[];
  /** hunks outside the excerpt: none of their lines names a function read */
  outside: Hunk[];
}

type Jsdiff = typeof import('diff');
let jsdiff: Promise<Jsdiff> | undefined;
const loadDiff = () => (jsdiff ??= import('diff'));

/** The hunks of one file's diff, parsed by jsdiff (which checks the line counts). */
export async function hunksOf(d: FileDiff, name: string): Promise<Hunk[]> {
  const { parsePatch } = await loadDiff();
  let parsed: ReturnType<Jsdiff['parsePatch']>;
  try {
    parsed = parsePatch(d.text);
  } catch (e) {
    throw new PatchError(
      `${name}: ${d.path}: ${(e instanceof Error ? e.message : String(e)).replace(/\.$/, '')} (a malformed or re-wrapped diff)`,
    );
  }
  const headers = d.text.split('\n').filter((l) => l.startsWith('@@ '));
  const hunks = parsed.flatMap((p) => p.hunks);
  if (hunks.length === 0) throw new PatchError(`${name}: ${d.path}: a diff without hunks`);
  return hunks.map((h, i) => {
    const header = headers[i] ?? `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
    return { header, heading: /^@@ [^@]* @@ ?(.*)$/.exec(header)?.[1] ?? '', lines: h.lines };
  });
}

/**
 * Apply `hunks` to `text` in order. `names`: the functions read; a hunk that applies nowhere
 * and whose lines or heading name none of them is left out as outside the excerpt.
 */
export async function applyHunks(
  text: string,
  hunks: readonly Hunk[],
  names: readonly string[],
  where: string,
): Promise<Applied> {
  const { applyPatch, parsePatch } = await loadDiff();
  const applied: Hunk[] = [];
  const outside: Hunk[] = [];
  let current = text;
  for (const h of hunks) {
    const one = parsePatch(`--- a\n+++ b\n${h.header.replace(/ @@.*$/, ' @@')}\n${h.lines.join('\n')}\n`)[0]!;
    const next = applyPatch(current, one, { fuzzFactor: FUZZ });
    if (next !== false) {
      current = next;
      applied.push(h);
      continue;
    }
    const mentions = [h.heading, ...h.lines].some((l) => names.some((n) => new RegExp(`\\b${n}\\b`).test(l)));
    if (mentions)
      throw new PatchError(
        `hunk ${h.header} does not apply to ${where} (its context is not there, even with fuzz ${FUZZ})`,
      );
    outside.push(h);
  }
  return { text: current, applied, outside };
}
