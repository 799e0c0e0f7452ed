// Exit codes and the one error the CLI turns into "one line, exit 2".

export const EXIT = {
  /** every verdict as expected */
  ok: 0,
  /** a verdict differs from its expectation */
  unexpected: 1,
  /** bad input: unknown model, bad flag, unreadable or mismatched trace */
  badInput: 2,
  /** a bound stopped an exhaustive check */
  incomplete: 3,
} as const;

/** Bad input from the user; printed as `kmc: <message>` with exit code 2. */
export class UsageError extends Error {}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}
