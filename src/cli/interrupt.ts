// Ctrl-C (SIGINT) and SIGTERM while a command runs: the first aborts the command's signal,
// so the search in progress stops at its next pause (about every 50 ms: bounds.ts,
// drive.ts) with what it covered, and the command prints that, says it was interrupted and
// exits 130. A second one exits at once (130). Files are written synchronously and
// atomically (output.ts), so neither can leave a partial file.

import { EXIT } from './errors.ts';

export interface Interrupt {
  signal: AbortSignal;
  /** the handlers are removed (the command is over) */
  dispose(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function onInterrupt(): Interrupt {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort(name);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}

/** The line saying so, with what was covered: `kmc: interrupted (SIGINT) ...`. */
export function interruptedLine(signal: AbortSignal, covered: string): string {
  return `kmc: interrupted (${String(signal.reason)}): ${covered}\n`;
}

/** What a search covered, in words: `bfs: 29,364 distinct states, 74,293 transitions, depth 7`. */
export function coveredBy(c: { strategy: string; runs: number; states: number; steps: number; depth: number }): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const what = c.runs > 0 ? `${n(c.runs)} runs` : `${n(c.states)} distinct states`;
  return `${c.strategy}: ${what}, ${n(c.steps)} transitions, depth ${c.depth}`;
}

/** Whether a result is the stop an interruption gives. */
export const wasInterrupted = (r: { kind: string; bound?: string }) =>
  r.kind === 'incomplete' && r.bound?.startsWith('interrupted') === true;
