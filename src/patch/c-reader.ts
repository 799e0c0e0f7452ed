// Reading C with a real parser: tree-sitter's C grammar, run as WebAssembly through
// web-tree-sitter (no native build on install). For each function defined in a text: its
// top-level statements in order, each with the calls it makes (in source order, nested ones
// included) and whether it is a `return` or a `goto`, and the labels before it; and the
// functions its ops tables assign to each member, so `heap->ops->allocate_async_read(...)`
// can be read as the function behind it. Lines are 1-based lines of the text.
//
// The parser (the runtime's and the grammar's .wasm) is loaded on first use, so commands
// that read no C do not pay for it.

import { createRequire } from 'node:module';
import type { Node as SyntaxNode, Parser as TsParser } from 'web-tree-sitter';

export interface CCall {
  /** what is called, spaces removed: `dma_buf_fd`, `heap->ops->allocate` */
  callee: string;
  line: number;
  /** in the branch of an `if` whose condition calls this (`if (dma_heap_end_file_read(t)) { dma_buf_put(...) }`): its error check */
  checks?: string;
}

export interface CStatement {
  line: number;
  /** how the statement leaves the main path: `return x;`, `goto label;`, or not at all */
  kind: 'return' | 'goto' | 'other';
  /** the labels in front of it (`error_put:`) */
  labels: string[];
  calls: CCall[];
}

export interface CFunction {
  name: string;
  line: number;
  statements: CStatement[];
}

/**
 * Kernel annotations the C grammar does not know (sparse's address spaces, section markers):
 * blanked, same length, before parsing, so a cast like `(void __user *)arg` parses.
 */
const ANNOTATIONS =
  /\b(__user|__iomem|__rcu|__percpu|__force|__kernel|__must_check|__init|__exit|__always_inline|noinline)\b/g;

let parser: Promise<TsParser> | undefined;

async function loadParser(): Promise<TsParser> {
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const require = createRequire(import.meta.url);
  const language = await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'));
  const p = new Parser();
  p.setLanguage(language);
  return p;
}

/** What a C text defines: its functions by name, and its ops tables' members (`.allocate = system_heap_allocate`). */
export interface CText {
  functions: Map<string, CFunction>;
  /** member name -> the functions designated initializers assign to it */
  ops: Map<string, string[]>;
}

/** The functions defined in a C text, and the functions its ops tables name. */
export async function readC(text: string): Promise<CText> {
  const p = await (parser ??= loadParser());
  const tree = p.parse(text.replace(ANNOTATIONS, (m) => ' '.repeat(m.length)));
  if (tree === null) throw new Error('tree-sitter returned no tree');
  const out = new Map<string, CFunction>();
  for (const def of tree.rootNode.descendantsOfType('function_definition')) {
    if (def === null) continue;
    const name = functionName(def);
    const body = def.childForFieldName('body');
    if (name === undefined || body === null) continue;
    out.set(name, { name, line: def.startPosition.row + 1, statements: statementsOf(body) });
  }
  const ops = new Map<string, string[]>();
  for (const pair of tree.rootNode.descendantsOfType('initializer_pair')) {
    const member = pair?.childForFieldName('designator')?.text.replace(/^\./, '');
    const value = pair?.childForFieldName('value');
    if (member === undefined || value?.type !== 'identifier') continue;
    ops.set(member, [...(ops.get(member) ?? []), value.text]);
  }
  tree.delete();
  return { functions: out, ops };
}

function functionName(def: SyntaxNode): string | undefined {
  let d = def.childForFieldName('declarator');
  // `static struct dma_buf *export_udmabuf(...)`: pointer declarators around the function's
  while (d !== null && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  const id = d?.childForFieldName('declarator');
  return id?.type === 'identifier' ? id.text : undefined;
}

/** A compound statement's statements, labels folded onto the statement they label. */
function statementsOf(body: SyntaxNode): CStatement[] {
  const out: CStatement[] = [];
  let labels: string[] = [];
  const add = (n: SyntaxNode) => {
    if (n.type === 'comment' || n.type === '{' || n.type === '}') return;
    if (n.type === 'labeled_statement') {
      const label = n.childForFieldName('label');
      if (label !== null) labels.push(label.text);
      // the labelled statement: the named child after the label
      for (const c of n.namedChildren) if (c !== null && c !== label && c.type !== 'statement_identifier') add(c);
      return;
    }
    out.push({
      line: n.startPosition.row + 1,
      kind: n.type === 'return_statement' ? 'return' : n.type === 'goto_statement' ? 'goto' : 'other',
      labels,
      calls: callsIn(n),
    });
    labels = [];
  };
  for (const c of body.namedChildren) if (c !== null) add(c);
  return out;
}

/** Every call in a node, in source order (an outer call before the calls in its arguments). */
function callsIn(n: SyntaxNode): CCall[] {
  const calls = n.type === 'call_expression' ? [n] : [];
  calls.push(...n.descendantsOfType('call_expression').filter((c): c is SyntaxNode => c !== null && c.id !== n.id));
  return calls
    .sort((a, b) => a.startIndex - b.startIndex)
    .flatMap((c) => {
      const f = c.childForFieldName('function');
      if (f === null) return [];
      const call: CCall = { callee: calleeOf(f), line: c.startPosition.row + 1 };
      const checked = checkedBy(c, n);
      if (checked !== undefined) call.checks = checked;
      return [call];
    });
}

const calleeOf = (f: SyntaxNode) => f.text.replace(/\s+/g, '');

/** The first call in the condition of the nearest `if` (inside `top`) whose branch holds `c`. */
function checkedBy(c: SyntaxNode, top: SyntaxNode): string | undefined {
  for (let child = c, p = c.parent; p !== null; child = p, p = p.parent) {
    if (p.type === 'if_statement' && p.childForFieldName('condition')?.id !== child.id) {
      const cond = p.childForFieldName('condition');
      const first = cond
        ?.descendantsOfType('call_expression')
        .find((x) => x !== null)
        ?.childForFieldName('function');
      if (first !== null && first !== undefined) return calleeOf(first);
    }
    if (p.id === top.id) break;
  }
  return undefined;
}
