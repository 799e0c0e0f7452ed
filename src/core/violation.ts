// In-step violations: a step reports a bug the way the kernel would BUG() or KASAN would
// report a use-after-free, by calling violation(). It ends the path at that step.
//
// Both signals are recognised by a brand rather than instanceof, so a model that imports
// another copy of kmc (the installed package beside a checkout) is still understood.

import type { WaitEdge } from './lock-cycle.ts';

/** A broken property: its name and what happened. */
export interface Violation {
  property: string;
  message: string;
  /** a deadlock whose blocked steps name their locks: the cycle of waits (lock-cycle.ts) */
  cycle?: WaitEdge[];
}

const VIOLATION = Symbol.for('kmcheck.violation');
const MODEL_ERROR = Symbol.for('kmcheck.model-error');

/** Thrown by violation(); caught by the transition system, never escapes it. */
export class ViolationSignal extends Error {
  readonly [VIOLATION] = true;
  constructor(readonly violation: Violation) {
    super(`${violation.property}: ${violation.message}`);
  }
}

export function isViolationSignal(e: unknown): e is ViolationSignal {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[VIOLATION] === true;
}

/** Report a violated property from inside a step effect (or a kernel helper it calls). */
export function violation(property: string, message: string): never {
  throw new ViolationSignal({ property, message });
}

/**
 * A mistake in a model (an exception in a step, a jump to an unknown label, an undeclared
 * property name): not a verdict, the check cannot go on (exit 4).
 */
export class ModelError extends Error {
  readonly [MODEL_ERROR] = true;
}

export function isModelError(e: unknown): e is ModelError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MODEL_ERROR] === true;
}
