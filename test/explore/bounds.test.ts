// --timeout over a whole check (bounds.ts `since`): ample sets run a search again (a property
// read what an ample step changed, or a violation searched without them), and the rerun gets
// what is left of the user's --timeout, not a fresh one.

import { describe, expect, it } from 'vitest';
import { Bound, Bounds } from '../../src/explore/bounds.ts';

const at = () => ({ steps: 0, states: 0, queue: 0, depth: 0 });

/** Tick a search's bounds through one time check (they look at the clock every 256 expansions). */
function ticks(bounds: Bounds): unknown {
  try {
    for (let i = 0; i < 256; i++) bounds.tick(at);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('Bounds: --timeout', () => {
  it('counts from `since` when the check began before this search: 2 s ago with a 1 s timeout stops at once', () => {
    const e = ticks(new Bounds({ timeoutMs: 1000, since: performance.now() - 2000 }));
    expect(e).toBeInstanceOf(Bound);
    expect((e as Bound).message).toBe('timeout (1 s)');
  });

  it('counts from the search itself without `since`: a fresh 1 s timeout does not stop', () => {
    expect(ticks(new Bounds({ timeoutMs: 1000 }))).toBeUndefined();
  });

  it('a `since` within the timeout does not stop either', () => {
    expect(ticks(new Bounds({ timeoutMs: 60_000, since: performance.now() - 2000 }))).toBeUndefined();
  });
});
