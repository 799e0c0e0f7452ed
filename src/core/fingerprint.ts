// Fingerprints of model code that do not depend on the loader that compiled it.
//
// `String(fn)` is the transpiler's output, not the model's source: tsx prints it minified,
// vitest (vite SSR) pretty-printed with imports rewritten to `(0,__vite_ssr_import_3__.f)`,
// tsx in CJS mode as `(0,import_page.f)`, tsc as the original text. normalizeSource tokenizes
// that text and prints it back in one canonical form, so the same source gives the same
// string under each, while any change to a token (a label, an operator, a number) shows.

import { hashHex } from './hash.ts';

type Kind = 'id' | 'num' | 'str' | 're' | 'tpl' | 'p';
interface Tok {
  k: Kind;
  v: string;
}

const SKIP = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\//y;
const STR = /(["'])((?:\\[\s\S]|(?!\1)[^\\])*)\1/y;
const TPL = /((?:\\[\s\S]|\$(?!\{)|[^`\\$])*)(`|\$\{)/y; // a template chunk, after its opening ` or }
const NUM = /(?:0[xX][\da-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)n?/y;
const ID = /#?[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$]*/uy;
const REGEX = /\/(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\[\n])+\/[a-z]*/y;
const PUNCT =
  /\.\.\.|>>>=?|===|!==|\*\*=|<<=|>>=|&&=|\|\|=|\?\?=|=>|[=!<>]=|&&|\|\||\?\?|\?\.(?!\d)|\+\+|--|[-+*/%&|^]=|\*\*|<<|>>|\S/y;
/** Module namespaces that loaders put in front of imported names. */
const NAMESPACE = /^(?:import_\w+|__vite_ssr_import_\d+__|__vi_import_\d+__)$/;
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);
/** Tokens after which `( x )` is a whole assignment expression, and before which one ends. */
const BEFORE_WHOLE = new Set([
  '=>',
  'return',
  'throw',
  '(',
  '[',
  ',',
  ':',
  '?',
  '...',
  '=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '**=',
  '<<=',
  '>>=',
  '>>>=',
  '&=',
  '|=',
  '^=',
  '&&=',
  '||=',
  '??=',
]);
const AFTER_WHOLE = new Set([')', ']', '}', ',', ';', ':']);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', 0: '\0' };

/** The value of the text between the quotes of a string literal or a template chunk. */
function cook(raw: string): string {
  return raw.replace(/\\(u\{[\da-fA-F]+\}|u[\da-fA-F]{4}|x[\da-fA-F]{2}|\r\n|[\s\S])/g, (_, e: string) =>
    /^[ux]./.test(e)
      ? String.fromCodePoint(parseInt(e.replace(/[ux{}]/g, ''), 16))
      : /^(?:\r\n|[\n\r\u2028\u2029])$/.test(e)
        ? ''
        : (ESCAPES[e] ?? e),
  );
}

/** True when a `/` or `(` after this token starts an expression (not a division or a call). */
function expectsExpression(prev: Tok | undefined): boolean {
  if (prev === undefined) return true;
  if (prev.k === 'p') return !/^[)\]}]$/.test(prev.v);
  if (prev.k === 'tpl') return prev.v.endsWith('${');
  return prev.k === 'id' && KEYWORDS_BEFORE_EXPRESSION.has(prev.v);
}

/** True when a `(` after this token opens a call's arguments (after `)` it is taken not to: `if (c) (0, ns.f)()`). */
const isCallee = (prev: Tok | undefined) =>
  prev !== undefined && ((prev.k === 'id' && !KEYWORDS_BEFORE_EXPRESSION.has(prev.v)) || prev.v === ']');
const opens = (t: Tok | undefined) => t !== undefined && (/^[([{]$/.test(t.v) || (t.k === 'tpl' && t.v.endsWith('${')));
const closes = (t: Tok | undefined) =>
  t !== undefined && (/^[)\]}]$/.test(t.v) || (t.k === 'tpl' && t.v.startsWith('}')));

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  const inTemplate: boolean[] = []; // per open `{`: did it open a template's ${ }?
  const match = (re: RegExp, at: number) => ((re.lastIndex = at), re.exec(src));
  let m: RegExpExecArray | null;
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    const prev = toks.at(-1);
    if ((m = match(SKIP, i))) {
      i += m[0].length;
      continue;
    }
    if (c === '`' || (c === '}' && inTemplate.at(-1))) {
      if (c === '}') inTemplate.pop();
      const [chunk = src.slice(i + 1), raw = chunk, end = '`'] = match(TPL, i + 1) ?? [];
      const cooked = JSON.stringify(cook(raw));
      if (end === '${') inTemplate.push(true);
      if (c === '`' && end === '`' && expectsExpression(prev))
        toks.push({ k: 'str', v: cooked }); // untagged, no ${}: a string
      else toks.push({ k: 'tpl', v: (c === '`' ? '`' : '}') + cooked + end });
      i += 1 + chunk.length;
    } else if ((m = match(STR, i))) {
      toks.push({ k: 'str', v: JSON.stringify(cook(m[2]!)) });
      i += m[0].length;
    } else if (/[\d.]/.test(c) && (m = match(NUM, i))) {
      const digits = m[0].replace(/_/g, '');
      toks.push({ k: 'num', v: digits.endsWith('n') ? `${BigInt(digits.slice(0, -1))}n` : String(Number(digits)) });
      i += m[0].length;
    } else if ((m = match(ID, i))) {
      toks.push({ k: 'id', v: m[0] });
      i += m[0].length;
    } else if (c === '/' && expectsExpression(prev) && (m = match(REGEX, i))) {
      toks.push({ k: 're', v: m[0] });
      i += m[0].length;
    } else {
      m = match(PUNCT, i)!;
      if (m[0] === '{') inTemplate.push(false);
      if (m[0] === '}') inTemplate.pop();
      toks.push({ k: 'p', v: m[0] });
      i += m[0].length;
    }
  }
  return toks;
}

/** Index of the token closing the bracket opened at toks[i]. */
function matching(toks: readonly Tok[], i: number): number {
  for (let j = i, depth = 0; j < toks.length; j++) {
    depth += Number(opens(toks[j])) - Number(closes(toks[j]));
    if (depth === 0) return j;
  }
  return toks.length;
}

function hasTopLevelComma(toks: readonly Tok[], from: number, to: number): boolean {
  for (let j = from, depth = 0; j < to; j++) {
    depth += Number(opens(toks[j])) - Number(closes(toks[j]));
    if (depth === 0 && toks[j]!.v === ',') return true;
  }
  return false;
}

/** After `}`, a `;` before this token cannot change the meaning (vite adds one after `if (c) {}`). */
const harmlessAfterBlock = (t: Tok | undefined) =>
  t === undefined ||
  t.k === 'str' ||
  t.k === 'num' ||
  (t.k === 'id' && !/^(?:in|instanceof|of)$/.test(t.v)) ||
  /^(?:!|~|\+\+|--|\{)$/.test(t.v);

/** Undo what loaders add: namespace prefixes on imported names, __name() wrappers. */
function unwrapLoaders(toks: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const v = (d: number) => toks[i + d]?.v;
    const isNs = (d: number) =>
      toks[i + d]?.k === 'id' && NAMESPACE.test(v(d)!) && v(d + 1) === '.' && toks[i + d + 2]?.k === 'id';
    if (t.v === '(' && v(1) === '0' && v(2) === ',' && isNs(3) && v(6) === ')' && !isCallee(out.at(-1))) {
      out.push(toks[i + 5]!); // (0, NS.name) -> name (unless it is a call f(0, NS.name))
      i += 6;
    } else if (isNs(0) && !/^\??\.$/.test(out.at(-1)?.v ?? '')) {
      out.push(toks[i + 2]!); // NS.name -> name
      i += 2;
    } else if (t.v === '__name' && v(1) === '(') {
      const j = matching(toks, i + 1); // __name(fn, "name") -> fn, then look at fn
      if (toks[j - 1]?.k === 'str' && toks[j - 2]?.v === ',') {
        toks.splice(i, j - i + 1, ...toks.slice(i + 2, j - 2));
        i--;
      } else out.push(t);
    } else if (t.v === '__vite_ssr_dynamic_import__') out.push({ k: 'id', v: 'import' });
    else if (t.v === 'void' && v(1) === '0') {
      out.push({ k: 'id', v: 'undefined' }); // esbuild prints undefined as void 0
      i++;
    } else if (t.v === '__vite_ssr_import_meta__')
      out.push({ k: 'id', v: 'import' }, { k: 'p', v: '.' }, { k: 'id', v: 'meta' });
    else out.push(t);
  }
  return out;
}

/**
 * Drop what printers disagree on: redundant parentheses around a whole expression, `(k) =>`,
 * a `;` or `,` before a closing bracket, `{ x: x }` (loaders expand `{ x }` when x is an import).
 */
function canonical(toks: Tok[]): Tok[] {
  const out: Tok[] = [];
  const dropped = new Set<number>();
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const prev = out.at(-1);
    if (dropped.has(i)) continue;
    if (
      t.k === 'id' &&
      toks[i + 1]?.v === ':' &&
      toks[i + 2]?.v === t.v &&
      /^[{,]$/.test(prev?.v ?? '') &&
      /^[,}]$/.test(toks[i + 3]?.v ?? '')
    ) {
      out.push(t);
      i += 2;
      continue;
    }
    if (t.v === '(' && toks[i + 1]?.k === 'id' && toks[i + 2]?.v === ')' && toks[i + 3]?.v === '=>') {
      dropped.add(i + 2); // (k) => -> k =>
      continue;
    }
    if (
      t.v === '(' &&
      (prev === undefined || BEFORE_WHOLE.has(prev.v) || (prev.k === 'tpl' && prev.v.endsWith('${')))
    ) {
      const j = matching(toks, i);
      const after = toks[j + 1];
      const commaOk = prev?.v === 'return' || prev?.v === 'throw' || !hasTopLevelComma(toks, i + 1, j);
      if (
        (after === undefined || AFTER_WHOLE.has(after.v) || closes(after)) &&
        commaOk &&
        !(prev?.v === '=>' && toks[i + 1]?.v === '{')
      ) {
        dropped.add(j); // = (a ? b : c); -> = a ? b : c;
        continue;
      }
    }
    if (closes(t) && (prev?.v === ';' || prev?.v === ',')) out.pop();
    if (t.v === ';' && prev?.v === '}' && harmlessAfterBlock(toks[i + 1])) continue;
    out.push(t);
  }
  return out;
}

/** The source text of a function (or any code) in a canonical form that does not depend on the loader. */
export function normalizeSource(text: string): string {
  let s = '';
  let last = '';
  for (const { v } of canonical(unwrapLoaders(tokenize(text)))) {
    s += (/[\w$]$/.test(last) && /^[\w$#]/.test(v)) || (/[+-]$/.test(last) && /^[+-]/.test(v)) ? ' ' + v : v; // keep `a b`, `+ +` apart
    last = v;
  }
  return s;
}

/** 16 hex digits identifying a function by its normalised source, or any other value by its JSON. */
export function fingerprintOf(value: unknown): string {
  return hashHex(typeof value === 'function' ? normalizeSource(String(value)) : (JSON.stringify(value) ?? 'undefined'));
}
