// A search that gives way: the exhaustive explorers are generators that yield when their
// bounds say so (bounds.ts, `pause`, about every 50 ms of work) and return their result.
// The library API drives them synchronously (`drive`: a yield costs nothing); the CLI
// drives them asynchronously (`driveAsync`: each yield lets the event loop run), so a
// Ctrl-C handler can abort the search's signal and get what it covered.

import type { Bounds } from './bounds.ts';
import type { ExploreResult } from './result.ts';

export type Stepwise = Generator<void, ExploreResult, void>;

/** Run a search to its end on this thread. */
export function drive(search: Stepwise): ExploreResult {
  for (;;) {
    const r = search.next();
    if (r.done) return r.value;
  }
}

const giveWay = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Run a search, letting the event loop run (timers, signals) each time it gives way. */
export async function driveAsync(search: Stepwise): Promise<ExploreResult> {
  for (;;) {
    const r = search.next();
    if (r.done) return r.value;
    await giveWay();
  }
}

/** Whether a search should yield now; resets the request (once per yield). */
export function pauseDue(bounds: Bounds): boolean {
  if (!bounds.pause) return false;
  bounds.pause = false;
  return true;
}
