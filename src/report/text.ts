// The text rendering of a trace: one numbered line per step (thread, the call as the step
// shows it or with its choice) with the state changes it made, and the violated property
// with its message at the end; a deadlock with a cycle of waits, as lockdep's "possible
// unsafe locking scenario" after it.

import type { Trace } from '../trace/trace.ts';
import type { ReplayedStep } from '../trace/replay.ts';
import { changesOf, showChange } from './changes.ts';
import { callOf } from './view.ts';
import { lockScenario } from './lock-scenario.ts';

export function renderText(trace: Trace, steps: readonly ReplayedStep[], threadNames: readonly string[]): string {
  const seed = trace.seed === null ? '' : `, seed ${trace.seed}`;
  const out = [
    `${trace.model} (variant ${trace.variant}): ${trace.violation.property}, ${steps.length} steps (${trace.strategy}${seed})`,
  ];
  const tw = Math.max(6, ...steps.map((s) => s.thread.length));
  const sw = Math.max(4, ...steps.map((s) => callOf(s).length));
  const nw = String(steps.length).length;
  steps.forEach((s, i) => {
    const call = callOf(s);
    const changes = changesOf(s.patches, s.before, s.after, threadNames).map(showChange).join('; ');
    out.push(`${String(i + 1).padStart(nw + 2)}  ${s.thread.padEnd(tw)}  ${call.padEnd(sw)}  ${changes}`.trimEnd());
  });
  out.push(`violated: ${trace.violation.property}: ${trace.violation.message}`);
  if (trace.violation.cycle) out.push('', ...lockScenario(trace.violation.cycle));
  return out.join('\n') + '\n';
}
