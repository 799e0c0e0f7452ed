// In-step violations: a step reports a bug the way the kernel would BUG() or KASAN would
// report a use-after-free, by calling violation(). It ends the path at that step.

/** A broken property: its name and what happened. */
export interface Violation {
  property: string;
  message: string;
}

/** Thrown by violation(); caught by the transition system, never escapes it. */
export class ViolationSignal extends Error {
  constructor(readonly violation: Violation) {
    super(`${violation.property}: ${violation.message}`);
  }
}

/** Report a violated property from inside a step effect (or a kernel helper it calls). */
export function violation(property: string, message: string): never {
  throw new ViolationSignal({ property, message });
}

/** A mistake in a model (a jump to an unknown label, a bad choice): the check cannot go on. */
export class ModelError extends Error {}
