// The BEEM ports (bench/beem/): each explores, without reductions, exactly the states and
// transitions SPIN's pan stores and takes from its Promela (spin -o1, -DNOREDUCE), on the
// small size; the properties each model is known to hold hold, and each known-bad variant
// is caught breaking the property named. The SPIN checks are skipped, saying why, on a
// machine without spin or gcc; the rest needs nothing but kmc.

import { describe, expect, it } from 'vitest';
import { compile, exploreBfs } from '../src/index.ts';
import { PORTS, panOptions, portParams } from './beem/ports.ts';
import { runSpin, spinMissing } from './peers/spin/run.ts';
import { referenceCount } from './reference.ts';

const why = spinMissing();

for (const port of PORTS) {
  describe(`BEEM ${port.name} (${port.model.name})`, () => {
    const small = port.sizes[0]!;
    const system = () => compile(port.model as never, port.variant, small.params as never);

    it(`${port.variant} at ${JSON.stringify(small.params)} has ${small.states} states, kmc's explorer and the plain reference search alike`, () => {
      const raw = exploreBfs(system(), { por: false, symmetry: false });
      expect(raw.kind).toBe('ok');
      expect(raw.coverage.exhaustive).toBe(true);
      expect(raw.coverage.states).toBe(small.states);
      const ref = referenceCount(system());
      expect(ref.states).toBe(small.states);
      expect(ref.transitions).toBe(raw.coverage.steps);
      expect(ref.violations).toBe(0);
    });

    const held = [
      ...compile(port.model as never, port.variant, small.params as never).properties.map((p) => p.name),
      ...(port.model.deadlock === false ? [] : ['deadlock']),
    ];
    it(`${port.variant} holds ${held.join(', ')} with kmc's default reductions and with ample sets`, () => {
      for (const opts of [{}, { por: 'ample' as const }]) {
        const r = exploreBfs(system(), opts);
        expect(r.kind).toBe('ok');
        expect(r.coverage.exhaustive).toBe(true);
        expect(r.coverage.states).toBeLessThanOrEqual(small.states);
      }
    });

    for (const bad of port.bad) {
      it(`known-bad ${bad.variant} is caught breaking ${bad.property}, with and without reductions`, () => {
        for (const opts of [{}, { por: 'ample' as const }, { por: false, symmetry: false }]) {
          const params = portParams(port, bad.variant, small);
          const r = exploreBfs(compile(port.model as never, bad.variant, params as never), opts);
          expect(r.kind).toBe('violation');
          if (r.kind === 'violation') expect(r.violation.property).toBe(bad.property);
        }
      });
      if (bad.alsoBreaks !== undefined) {
        const also = bad.alsoBreaks;
        it(`known-bad ${bad.variant} breaks ${also} too: caught with ${also} as the target, with and without reductions`, () => {
          for (const opts of [{}, { por: 'ample' as const }, { por: false, symmetry: false }]) {
            const params = portParams(port, bad.variant, small);
            const r = exploreBfs(compile(port.model as never, bad.variant, params as never), { ...opts, target: also });
            expect(r.kind).toBe('violation');
            if (r.kind === 'violation') expect(r.violation.property).toBe(also);
          }
        });
      }
    }

    it.skipIf(why !== undefined)(
      `SPIN -o1 -DNOREDUCE stores exactly kmc's states and takes its transitions at ${JSON.stringify(small.params)}${why ? ` (skipped: ${why})` : ''}`,
      () => {
        const raw = exploreBfs(system(), { por: false, symmetry: false });
        const spin = runSpin(port.promela, {
          ...panOptions(port, small, portParams(port, port.variant, small), true),
          optimize: '-O0',
        });
        expect(spin.complete).toBe(true);
        expect(spin.errors).toBe(0);
        expect(spin.states).toBe(raw.coverage.states);
        // pan counts stored + matched: one more than the transitions taken (the initial state is stored without one)
        expect(spin.transitions - 1).toBe(raw.coverage.steps);
      },
    );

    // pan checks a property by an assert under its macro (a counter the counts leave out): the
    // variant that holds passes it, the known-bad one is caught
    // (a variant that deadlocks first is checked with -E, so that pan goes past its invalid end states)
    for (const [property, macro] of Object.entries(port.spinChecks ?? {})) {
      const spinWith = (variant: string, ignoreDeadlock = false) => {
        const pan = panOptions(port, small, portParams(port, variant, small), true);
        const panFlags =
          ignoreDeadlock && !pan.panFlags?.includes('-E') ? [...(pan.panFlags ?? []), '-E'] : pan.panFlags;
        return runSpin(port.promela, { ...pan, panFlags, defines: { ...pan.defines, [macro]: true }, optimize: '-O0' });
      };
      const caught = port.bad.filter((b) => b.property === property || b.alsoBreaks === property);
      it.skipIf(why !== undefined)(
        `SPIN with -D${macro} checks ${property}: ${port.variant} passes, ${caught
          .map((b) => b.variant)
          .join(', ')} caught${why ? ` (skipped: ${why})` : ''}`,
        () => {
          const good = spinWith(port.variant);
          expect(good.complete).toBe(true);
          expect(good.errors).toBe(0);
          for (const bad of caught) {
            const spin = spinWith(bad.variant, bad.property === 'deadlock');
            expect(spin.errors, bad.variant).toBeGreaterThan(0);
            expect(spin.output).toMatch(/assertion violated/);
          }
        },
      );
    }

    // pan reports a deadlock (an invalid end state) by itself
    for (const bad of port.bad.filter((b) => b.property === 'deadlock')) {
      it.skipIf(why !== undefined)(`SPIN finds ${bad.variant}'s deadlock too${why ? ` (skipped: ${why})` : ''}`, () => {
        const spin = runSpin(port.promela, {
          ...panOptions(port, small, portParams(port, bad.variant, small), true),
          panFlags: [], // not the port's -E: pan reports the invalid end state
          optimize: '-O0',
        });
        expect(spin.errors).toBeGreaterThan(0);
        expect(spin.output).toMatch(/invalid end state/);
      });
    }
  });
}
if (why) it(`SPIN checks of the BEEM ports skipped: ${why}`, () => {});

describe('kmc --por ample on the BEEM ports', () => {
  const cuts = [
    {
      port: 'peterson',
      n: 3,
      none: 12_498,
      ample: 9_542,
      why: "its j = 1 steps touch only locals; mutual-exclusion reads the world's counter, not the pcs",
    },
    {
      port: 'szymanski',
      n: 3,
      none: 20_264,
      ample: 18_409,
      why: "its tests of j alone touch only locals; SPIN's reduction: 20,098",
    },
    {
      port: 'anderson',
      n: 4,
      none: 29_641,
      ample: 19_335,
      why: "p1's my_place != n-1 touches only the local; SPIN's reduction cuts none: 29,641",
    },
    {
      port: 'leader-filters',
      n: 3,
      none: 4_966,
      ample: 4_885,
      why: "p8 at level 0 reads only curr; one-leader reads the world's counter, not the pcs; SPIN's reduction: 4,810",
    },
    {
      port: 'lamport',
      n: 3,
      none: 29_242,
      ample: 29_097,
      why: "q4's j == n touches only the local; mutual-exclusion reads the world's counter, not the pcs; SPIN's reduction cuts none: 29,242",
    },
  ];
  it.each(cuts)('cuts $port n=$n from $none to $ample states ($why)', ({ port, n, none, ample }) => {
    const entry = PORTS.find((p) => p.name === port)!;
    const system = compile(entry.model as never, entry.variant, { n } as never);
    const without = exploreBfs(system, { por: 'none', symmetry: false });
    const reduced = exploreBfs(system, { por: 'ample', symmetry: false });
    expect([without.kind, reduced.kind]).toEqual(['ok', 'ok']);
    expect(without.coverage.states).toBe(none);
    expect(reduced.coverage.states).toBe(ample);
    expect(reduced.coverage.reductions?.partialOrder).toBe('ample');
  });
});
