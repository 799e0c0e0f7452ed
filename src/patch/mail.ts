// What `kmc orderings --from-patch` is given: a plain unified diff, a `git format-patch`
// mail, or an mbox holding a series. This file splits it into patches (one per mail, in
// order) and each patch into its per-file diffs, with the git `index` line that names the
// blob a diff applies to. A reply that quotes a patch (`> ` before every line) is read
// through its quotes; whether the quoted diff still parses is apply.ts's to say.

/** Bad input in a patch: printed as one line, exit 2. */
export class PatchError extends Error {}

/** One file's part of a patch. */
export interface FileDiff {
  /** the path it patches, without git's a/ b/ prefixes (the new name) */
  path: string;
  /** the old name (`diff -u old new` gives two) */
  oldPath: string;
  /** the blob it applies to (`index 2298ca5e112e..f19b944d4eaa`), when git wrote one */
  preimage?: string;
  postimage?: string;
  /** the unified diff of this file (headers and hunks) */
  text: string;
}

/** One patch: a mail of a series, or a whole plain diff. */
export interface Patch {
  /** the mail's Subject (unfolded), or the file name for a plain diff */
  subject: string;
  files: FileDiff[];
  /** the diff was quoted in a reply (`> `) and read through the quotes */
  quoted: boolean;
}

const MBOX_FROM = /^From \S+ .*\d{4}$|^From [0-9a-f]{40} /;
const HEADER = /^[A-Za-z][A-Za-z0-9-]*: /;

/** Split the text given to --from-patch into its patches, in order. `name` names the input. */
export function splitPatches(text: string, name: string): Patch[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  // an mbox: mails each opened by a "From <sender> <date>" line
  const starts = lines.flatMap((l, i) => (MBOX_FROM.test(l) && (i === 0 || lines[i - 1] === '') ? [i] : []));
  const mails = starts.length > 0 ? starts.map((s, k) => lines.slice(s + 1, starts[k + 1] ?? lines.length)) : [lines];
  const patches = mails.map((m) => readMail(m, name)).filter((p): p is Patch => p !== undefined);
  if (patches.length === 0)
    throw new PatchError(`${name}: no diff found (expected a unified diff, a git format-patch mail or an mbox)`);
  return patches;
}

/** A mail (headers, a blank line, the body) or a bare diff; undefined for a mail without a diff (a cover letter). */
function readMail(lines: string[], name: string): Patch | undefined {
  let subject = name;
  let body = lines;
  const end = lines.indexOf('');
  const headers = lines.slice(0, end < 0 ? lines.length : end);
  // a mail's headers, not a diff's own (`Index: x.c`, `===`, `--- a/x.c`) before its hunks
  if (
    lines.length > 0 &&
    HEADER.test(lines[0]!) &&
    !headers.some((l) => /^(--- |\+\+\+ |@@ |diff |Index: |====)/.test(l))
  ) {
    body = end < 0 ? [] : lines.slice(end + 1);
    const at = headers.findIndex((h) => /^subject: /i.test(h));
    if (at >= 0) {
      const folded = [headers[at]!.replace(/^subject: /i, '')];
      for (let i = at + 1; i < headers.length && /^[ \t]/.test(headers[i]!); i++) folded.push(headers[i]!.trim());
      subject = folded.join(' ');
    }
  }
  let quoted = false;
  if (!body.some(isDiffStart) && body.some((l) => isDiffStart(l.replace(/^> ?/, '')))) {
    quoted = true;
    body = body.filter((l) => l.startsWith('>')).map((l) => l.replace(/^> ?/, ''));
  }
  const files = fileDiffs(body);
  if (files.length === 0) return undefined;
  return { subject, files, quoted };
}

const isDiffStart = (l: string) => l.startsWith('diff --git ') || l.startsWith('--- ');

/** The per-file diffs of a body: git's `diff --git` sections, else `---`/`+++` pairs. */
function fileDiffs(body: string[]): FileDiff[] {
  // git format-patch ends the diff with "-- " and the git version: not a removed line
  const sig = body.lastIndexOf('-- ');
  const lines = sig >= 0 && body.slice(sig + 1).filter((l) => l.trim() !== '').length <= 2 ? body.slice(0, sig) : body;
  const starts: number[] = [];
  const git = lines.some((l) => l.startsWith('diff --git '));
  lines.forEach((l, i) => {
    if (git ? l.startsWith('diff --git ') : l.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) starts.push(i);
  });
  return starts.map((s, k) => {
    const part = lines.slice(s, starts[k + 1] ?? lines.length);
    const plus = part.find((l) => l.startsWith('+++ '));
    const minus = part.find((l) => l.startsWith('--- '));
    const header = part[0]!.startsWith('diff --git ') ? / b\/(\S+)$/.exec(part[0]!)?.[1] : undefined;
    const path = stripPrefix(plus?.slice(4) ?? '') ?? stripPrefix(minus?.slice(4) ?? '') ?? header ?? '';
    const index = part.map((l) => /^index ([0-9a-f]+)\.\.([0-9a-f]+)/.exec(l)).find((m) => m !== null);
    const oldPath = stripPrefix(minus?.slice(4) ?? '') ?? path;
    const d: FileDiff = { path, oldPath, text: part.join('\n') + '\n' };
    if (index) {
      d.preimage = index[1]!;
      d.postimage = index[2]!;
    }
    return d;
  });
}

/** `a/drivers/x.c\t2024-...` -> `drivers/x.c`; /dev/null -> undefined. */
function stripPrefix(name: string): string | undefined {
  const file = name.split('\t')[0]!.trim();
  if (file === '' || file === '/dev/null') return undefined;
  return file.replace(/^[ab]\//, '');
}
