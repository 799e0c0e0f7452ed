// The order of a model's blocks in C: walk the entry function's statements in order, the
// main path only (up to its top-level `return`; what follows is reached by `goto`, the error
// labels), reading a call of another mirrored function where it stands (its own main path,
// up to its return; an ops member's call is read as the function its ops table assigns) and
// mapping each call the model declares to its block. A block is placed where its first call is.

import type { OrderingsSource } from '../core/model.ts';
import type { CFunction } from './c-reader.ts';
import { PatchError } from './mail.ts';

/** A block as found in C. */
export interface BlockAt {
  block: string;
  /** the call that marks it, as written (`heap->ops->allocate`) */
  call: string;
  /** the function it is called in, and the line there */
  function: string;
  line: number;
  /** the excerpt (or base file) holding that function */
  file: string;
}

/** A call on the main path that marks no block and is no mirrored function. */
export interface OtherCall {
  call: string;
  function: string;
  line: number;
  file: string;
}

export interface PathRead {
  blocks: BlockAt[];
  others: OtherCall[];
}

/** The functions found in the texts read, with the file each is in. */
export type Functions = Map<string, CFunction & { file: string }>;

/** Ops tables' members, and the functions assigned to them. */
export type Ops = Map<string, string[]>;

/** The mirrored function a call reaches: by name, or through an ops member (`heap->ops->allocate_async_read`). */
function reached(source: OrderingsSource, fns: Functions, ops: Ops, callee: string): string | undefined {
  if (source.functions.includes(callee)) return fns.has(callee) ? callee : undefined;
  const member = /(?:->|\.)(\w+)$/.exec(callee)?.[1];
  if (member === undefined) return undefined;
  return ops.get(member)?.find((f) => source.functions.includes(f) && fns.has(f));
}

/** The block a call marks, if any: the declared calls, spaces ignored. */
export function blockOf(source: OrderingsSource, callee: string): string | undefined {
  for (const [block, calls] of Object.entries(source.calls)) {
    if (calls.some((c) => c.replace(/\s+/g, '') === callee)) return block;
  }
  return undefined;
}

/** Read the main path from `source.functions[0]`. */
export function readPath(source: OrderingsSource, fns: Functions, ops: Ops = new Map()): PathRead {
  const entry = source.functions[0];
  if (entry === undefined) throw new PatchError('orderings.source.functions is empty');
  if (!fns.has(entry))
    throw new PatchError(`function ${entry} is not in the text read (${[...fns.keys()].join(', ') || 'no function'})`);
  const blocks: BlockAt[] = [];
  const others: OtherCall[] = [];
  const walk = (name: string, stack: string[]) => {
    const f = fns.get(name)!;
    for (const st of f.statements) {
      for (const c of st.calls) {
        const block = blockOf(source, c.callee);
        if (block !== undefined) {
          if (!blocks.some((b) => b.block === block))
            blocks.push({ block, call: c.callee, function: name, line: c.line, file: f.file });
          continue;
        }
        const next = reached(source, fns, ops, c.callee);
        if (next !== undefined && !stack.includes(next)) {
          walk(next, [...stack, next]);
        } else if (c.checks === undefined || blockOf(source, c.checks) === undefined) {
          // (a call in the error check of a block's call is that block's)
          others.push({ call: c.callee, function: name, line: c.line, file: f.file });
        }
      }
      // the main path ends here; what follows is reached by goto (the error labels)
      if (st.kind === 'return' || st.kind === 'goto') return;
    }
  };
  walk(entry, [entry]);
  return { blocks, others };
}

/** Macros (IS_ERR, PTR_ERR, WARN_ON): not calls a model would have a block for. */
export const isMacro = (callee: string) => /^[A-Z][A-Z0-9_]*$/.test(callee);
