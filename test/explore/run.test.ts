// The run loop (run.ts) and its choosers, on the lost-update fixture: the enabled
// transitions of its initial state are [t0.load, t1.load], and a run of 4 decisions
// [0, 1, 0, 0] is t0.load, t1.load, t0.store, t1.store: the lost update (x = 1).

import { describe, expect, it } from 'vitest';
import { compile, decisionChooser, pathChooser, run, type Chooser } from '../../src/index.ts';
import { lostUpdate, twoByTwo } from '../fixtures/counter.ts';

const racy = () => compile(lostUpdate, 'racy');

describe('run: one loop, choosers decide', () => {
  it('a path chooser over [0, 1, 0, 0] ends in the lost update after 4 steps', () => {
    const r = run(racy(), pathChooser([0, 1, 0, 0]), { maxSteps: 10 });
    expect(r.path).toEqual([0, 1, 0, 0]);
    expect(r.violation?.property).toBe('no-lost-update');
    expect(r.final.world).toEqual({ x: 1 });
  });

  it('the plain schedule (always decision 0) runs t0 to the end first: no violation, x = 2', () => {
    const r = run(racy(), decisionChooser([]), { maxSteps: 10 });
    expect(r).toMatchObject({ path: [0, 0, 0, 0], truncated: false });
    expect(r.violation).toBeUndefined();
    expect(r.final.world).toEqual({ x: 2 });
  });

  it('decisions are taken modulo the number of enabled transitions: [3] is [1]', () => {
    expect(run(racy(), decisionChooser([3]), { maxSteps: 10 }).path).toEqual(
      run(racy(), decisionChooser([1]), { maxSteps: 10 }).path,
    );
  });

  it('maxSteps cuts a run with transitions left: truncated, no violation', () => {
    const r = run(racy(), pathChooser([0, 1, 0, 0]), { maxSteps: 3 });
    expect(r).toMatchObject({ path: [0, 1, 0], truncated: true });
    expect(r.violation).toBeUndefined();
  });

  it('a chooser that stops ends the run with its reason, before the step', () => {
    const stopAt2: Chooser = { choose: (_s, _e, at) => (at === 2 ? { stop: 'enough' } : 0) };
    expect(run(racy(), stopAt2, { maxSteps: 10 })).toMatchObject({ path: [0, 0], stopped: 'enough' });
    expect(run(racy(), pathChooser([0, 5]), { maxSteps: 10 }).stopped).toBe('path index 5 out of range at step 2');
  });

  it('onStep sees every step with the state before it, and can stop the run after it', () => {
    const seen: number[] = [];
    const r = run(racy(), pathChooser([0, 1, 0, 0]), {
      maxSteps: 10,
      onStep: (s) => {
        seen.push(s.at, s.transition.thread);
        return s.at === 1 ? 'after two' : undefined;
      },
    });
    expect(seen).toEqual([0, 0, 1, 1]);
    expect(r).toMatchObject({ path: [0, 1], stopped: 'after two' });
  });

  it('with check: false the end state is not judged (the caller does)', () => {
    const r = run(racy(), pathChooser([0, 1, 0, 0]), { maxSteps: 4, check: false });
    expect(r.violation).toBeUndefined();
    expect(r.final.world).toEqual({ x: 1 });
  });

  it('patches are recorded only when asked', () => {
    const patches: number[] = [];
    run(
      compile(twoByTwo, 'default' in twoByTwo.variants ? 'default' : Object.keys(twoByTwo.variants)[0]!),
      decisionChooser([]),
      {
        maxSteps: 10,
        patches: true,
        onStep: (s) => void patches.push(s.applied.patches?.length ?? -1),
      },
    );
    expect(patches).toHaveLength(4);
    expect(patches.every((n) => n > 0)).toBe(true);
  });
});
