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
