// A Mermaid sequence diagram of a trace (renders on GitHub): one participant per thread
// that takes a step; each step is a message of its thread to itself (the call it made),
// with the shared-state changes it made as a note beside that thread, so every note sits
// by the thread that made it; the violation is a note across all of them.

import { changesOf, showChange } from './changes.ts';
import { activeThreads, callOf, type TraceView } from './view.ts';

/** Mermaid treats `;` and `#` in message text specially; write them as entity codes. */
function escapeMermaid(s: string): string {
  return s.replaceAll('#', '#35;').replaceAll(';', '#59;').replaceAll('\n', ' ');
}

const cut = (s: string, w: number) => (s.length <= w ? s : `${s.slice(0, w - 1)}…`);

export function renderMermaid(view: TraceView): string {
  const threads = activeThreads(view);
  const id = (t: string) => `t${threads.indexOf(t)}`;
  const { trace } = view;
  const out = [
    'sequenceDiagram',
    `  %% ${trace.model} (variant ${trace.variant}): ${trace.violation.property}, ${view.steps.length} steps`,
  ];
  for (const t of threads) out.push(`  participant ${id(t)} as ${escapeMermaid(t)}`);
  view.steps.forEach((s, i) => {
    out.push(`  ${id(s.thread)}->>${id(s.thread)}: ${i + 1}. ${escapeMermaid(callOf(s))}`);
    // Shared-state changes only: a thread's own locals are its business.
    const shared = changesOf(s.patches, s.before, s.after, view.threadNames).filter((c) => c.at[0] === 'world');
    if (shared.length > 0) {
      const shown = shared.slice(0, 2).map((c) => cut(showChange(c), 60));
      if (shared.length > 2) shown.push(`and ${shared.length - 2} more`);
      out.push(`  Note right of ${id(s.thread)}: ${shown.map(escapeMermaid).join('<br/>')}`);
    }
  });
  const span =
    threads.length > 1
      ? `${id(threads[0]!)},${id(threads.at(-1)!)}`
      : threads.length === 1
        ? id(threads[0]!)
        : undefined;
  const violated = escapeMermaid(`violated: ${trace.violation.property}: ${cut(trace.violation.message, 120)}`);
  out.push(span === undefined ? `  %% ${violated}` : `  Note over ${span}: ${violated}`);
  return out.join('\n') + '\n';
}
