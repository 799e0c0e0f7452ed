// The exit codes of every kmc command (DESIGN.md, "CLI contract"), and the one error the
// CLI turns into "one line, exit 2".

export const EXIT = {
  /** every verdict as expected */
  ok: 0,
  /** a verdict differs from its expectation (an unexpected violation, a known-bad variant no longer caught) */
  unexpected: 1,
  /** bad input: unknown model, variant or flag, a bad value, an unreadable or mismatched trace */
  badInput: 2,
  /** incomplete: a bound the user set stopped the check, or --exhaustive and the check only sampled */
  incomplete: 3,
  /** a bug in the model: an exception in a step, an undeclared property or label */
  modelError: 4,
  /** interrupted (SIGINT) */
  interrupted: 130,
} as const;

/** Bad input from the user; printed as `kmc: <message>` with exit code 2. */
export class UsageError extends Error {}

/** The longest an error line gets: a name the user gave (50 MB of it, say) is cut in its middle. */
export const MAX_LINE = 400;

/**
 * A message as exactly one line of stderr: newlines and other control characters escaped
 * as JSON escapes them, and a message longer than MAX_LINE shortened in its middle, saying
 * by how much.
 */
export function oneLine(message: string): string {
  const escaped = (c: string) =>
    ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  // eslint-disable-next-line no-control-regex
  const flat = message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, escaped);
  if (flat.length <= MAX_LINE) return flat;
  const keep = MAX_LINE - 40;
  const head = Math.ceil(keep * 0.7);
  const tail = keep - head;
  return `${flat.slice(0, head)} [... ${flat.length - keep} characters ...] ${flat.slice(flat.length - tail)}`;
}
