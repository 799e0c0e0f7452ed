// Reading a file the user names (a trace, --orders, a shard document): a regular file only,
// up to a size cap, opened so that a FIFO or a device never blocks kmc and /dev/zero never
// fills its memory; and a JSON syntax error said in one line, without quoting the file.

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from './errors.ts';

/** The largest file kmc reads: far above any trace it writes (the largest stored one is under 100 KB). */
export const MAX_INPUT_BYTES = 64 * 1024 ** 2;

/** The text of a regular file of at most `maxBytes`; anything else is a UsageError naming `what` and why. */
export function readInput(path: string, what: string, maxBytes = MAX_INPUT_BYTES): string {
  const refuse = (why: string): never => {
    throw new UsageError(`cannot read ${what} ${path}: ${why}`);
  };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return refuse((e as NodeJS.ErrnoException).code ?? String(e));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) refuse('it is a folder');
    if (!st.isFile()) refuse('not a regular file (a FIFO, device or socket)');
    if (st.size > maxBytes) refuse(`${st.size} bytes, more than the ${maxBytes} kmc reads`);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got).toString('utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return refuse((e as NodeJS.ErrnoException).code ?? String(e));
  } finally {
    closeSync(fd);
  }
}

/** Why JSON.parse refused a text, in one line: V8's reason and where, never the text itself. */
export function jsonError(e: unknown, text: string): string {
  const message = e instanceof Error ? e.message : String(e);
  // V8 quotes the text after a comma: `Unexpected token 'x', "{ ... }" is not valid JSON`
  const reason = message.replace(/, (\.\.\.)?".*$/s, '').replace(/ in JSON at position \d+.*$/s, '');
  const at = / at position (\d+)/.exec(message);
  if (at === null) return reason;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  return `${reason} at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}
