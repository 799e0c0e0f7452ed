// The udmabuf/create suite: every variant gets its expected verdict in both directions (the
// known-bad designs and unfixed versions are caught by the property named, the fixed ones
// hold), with a fixed seed; plus checks that the default parameters exercise what they
// claim to (a folio pinned twice, an item starting inside a multi-page folio), and that
// the extra racers do not break the fixed designs; and what the orders kmc orderings judges
// do to the model (the fd installed before the list loop, the export before it).

import { describe, expect, it } from 'vitest';
import { compile, exploreBfs, exploreRandom, type State } from '../src/index.ts';
import { checkModel } from '../src/vitest.ts';
import { FD_BEFORE_PIN, udmabufCreateModel } from '../model/udmabuf/create.ts';
import type { UdmabufWorld } from '../model/kernel/udmabuf.ts';

// sampled (kmc check proves the same exhaustively), seed KMC_SEED or 1, in the titles
const SEED = Number(process.env.KMC_SEED ?? 1);
checkModel(udmabufCreateModel, { strategy: 'random', seed: SEED, runs: 1000 });

/** Run the plain schedule (first enabled transition, no fault, no switch) and return every state. */
function plainRun(variant: string, params = {}): State<UdmabufWorld>[] {
  const sys = compile(udmabufCreateModel, variant, params);
  let state = sys.initial() as State<UdmabufWorld>;
  const states = [state];
  for (let n = 0; n < 200; n++) {
    const enabled = sys.enabled(state);
    if (enabled.length === 0) break;
    const applied = sys.apply(state, enabled[0]!);
    expect(applied.violation).toBeUndefined();
    state = applied.state as State<UdmabufWorld>;
    states.push(state);
  }
  return states;
}

describe('udmabuf/create', () => {
  it('unpin-list-fixed, folio-array-fixed, pinned-folios: the default items pin folio1 twice and start 4096 bytes into the 2-page folio0', () => {
    for (const variant of ['unpin-list-fixed', 'folio-array-fixed', 'pinned-folios']) {
      const states = plainRun(variant);
      const maxPins = Math.max(...states.map((s) => s.world.folios[1]!.pincount));
      expect(maxPins, variant).toBe(2);
      const ubuf = states.at(-1)!.world.udmabufs[0]!;
      expect(ubuf.pages, variant).toEqual([
        { folio: 0, offset: 4096 },
        { folio: 1, offset: 0 },
        { folio: 1, offset: 0 },
        { folio: 2, offset: 0 },
      ]);
      // the application closed its fd: release_udmabuf ran and every pin is gone
      expect(ubuf.freedBy, variant).toBe('release_udmabuf');
      expect(
        states.at(-1)!.world.folios.map((f) => f.pincount),
        variant,
      ).toEqual([0, 0, 0]);
    }
  });

  it('unpin-list-fixed, folio-array-fixed, pinned-folios: a folio pinned twice is recorded twice (unpin list nodes, folios[], pinned_folios[])', () => {
    const before = (variant: string) => plainRun(variant).find((s) => s.world.dmabufs.length > 0)!.world.udmabufs[0]!;
    expect(before('unpin-list-fixed').unpin_list).toEqual([0, 1, 1, 2]);
    expect(before('folio-array-fixed').folios).toEqual([0, 1, 1, 2]);
    expect(before('pinned-folios').pinned_folios).toEqual([0, 1, 1, 2]);
  });

  it('no-inode-lock vs pinned-folios: the seal race is found with F_SEAL_WRITE alone, and the inode lock closes it', () => {
    const only = { sealChoices: 'F_SEAL_WRITE' };
    const race = exploreRandom(compile(udmabufCreateModel, 'no-inode-lock', only), {
      runs: 1000,
      seed: SEED,
      maxSteps: 300,
      target: 'sealed-memfd-writable',
    });
    expect(race.kind).toBe('violation');
    const fixed = exploreRandom(compile(udmabufCreateModel, 'pinned-folios', only), {
      runs: 1000,
      seed: SEED,
      maxSteps: 300,
    });
    expect(fixed.kind).toBe('ok');
  });

  it('folio-array-fixed, pinned-folios with a memfd writer, a truncater and an fd-table filler racing: no violation sampled', () => {
    for (const variant of ['folio-array-fixed', 'pinned-folios']) {
      const sys = compile(udmabufCreateModel, variant, { memfdWriters: 1, truncaters: 1, fillers: 1, closers: 0 });
      const r = exploreRandom(sys, { runs: 500, seed: SEED, maxSteps: 300 });
      expect(r.kind === 'violation' ? `${r.violation.property}: ${r.violation.message}` : r.kind, variant).toBe('ok');
    }
  });

  it('pinned-folios validation: an unaligned item, an item over size_limit_mb and an empty list fail with -EINVAL and pin nothing', () => {
    for (const params of [{ items: '100+4096' }, { items: '0+8192', sizeLimitMb: 0 }, { items: '0+0' }]) {
      const final = plainRun('pinned-folios', params).at(-1)!.world;
      expect(final.returned[0]!.ret, JSON.stringify(params)).toBe(-22);
      expect(final.folios.every((f) => f.pins.length === 0)).toBe(true);
    }
  });

  it('pinned-folios with the fd installed before the list loop: a writer faults on ubuf->folios[] not set yet, a close runs release_udmabuf under the loop', () => {
    const sys = compile(udmabufCreateModel, 'pinned-folios', { order: FD_BEFORE_PIN });
    const shortest = (target: string) => {
      const r = exploreBfs(sys, { target });
      return r.kind === 'violation' ? `${r.path.length}: ${r.violation.message}` : r.kind;
    };
    expect(shortest('fd-exposes-unpinned-buffer')).toBe(
      '10: fd 2 refers to dmabuf0 (ubuf0), of which 0 of 4 pages are pinned',
    );
    expect(shortest('uninit-value')).toMatch(
      /^12: writer0 writes page 0 of its udmabuf mapping: udmabuf_vm_fault reads ubuf->folios\[0\], not set yet/,
    );
    expect(shortest('pin-leak')).toMatch(/^15: folio0 stays pinned for ubuf0, which release_udmabuf freed/);
    expect(shortest('fd-installed-on-error')).toMatch(/^14: UDMABUF_CREATE_LIST returned -77 but fd 2 \(dmabuf0\)/);
  });

  it('pinned-folios vs folio-array-fixed exported before the list loop: pinned_folios[] counts each pin as taken and holds; folio-array publishes foliocount after the loop and leaks', () => {
    const early = { order: 'dma_buf_export,pin_items,dma_buf_fd' };
    expect(exploreBfs(compile(udmabufCreateModel, 'pinned-folios', early), {}).kind).toBe('ok');
    // a closed memfd fails the second item: dma_buf_put, release_udmabuf unpins foliocount (0) folios
    const r = exploreBfs(compile(udmabufCreateModel, 'folio-array-fixed', early), { target: 'pin-leak' });
    expect(r.kind === 'violation' && `${r.path.length}: ${r.violation.message}`).toBe(
      '16: folio0 stays pinned for ubuf0, which release_udmabuf freed: a pin never undone (pincount 1)',
    );
  });
});
