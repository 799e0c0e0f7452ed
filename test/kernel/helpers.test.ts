// The helper table (model/kernel/helpers.ts): a tool wraps a kernel helper by name and
// every caller (model steps, racers, other helpers) sees the wrapper, with no model file
// edited; restoring puts the original back.

import { afterEach, describe, expect, it } from 'vitest';
import { checkVariant, compile, exploreBfs } from '../../src/index.ts';
import { kernelHelpers, restoreHelpers, wrapHelper } from '../../model/kernel/helpers.ts';
import { allocAndRead } from '../../model/dma-heap/alloc-and-read.ts';
import '../../model/kernel/index.ts'; // every kernel file loaded: a helper is in the table once its file is

afterEach(() => restoreHelpers());

describe('kernel helpers through one table', () => {
  it('lists the helpers by name', () => {
    expect(kernelHelpers()).toEqual(
      expect.arrayContaining([
        'fput',
        'fget',
        'fd_install',
        'get_unused_fd_flags',
        'dma_buf_release',
        'memfd_pin_folios',
        'do_mmap',
        'copy_process',
        'mutex_lock',
        'folio_lock',
      ]),
    );
    expect(() => wrapHelper('no_such_helper', (f) => f)).toThrow(/no helper 'no_such_helper'/);
  });

  it("counts calls: the posted ioctl's plain run calls fput for the file, the heap fd and the closer's close", () => {
    let calls = 0;
    wrapHelper(
      'fput',
      (fput) =>
        (...args) => ((calls += 1), fput(...args)),
    );
    const sys = compile(allocAndRead, 'posted', { guessers: 0 });
    let s = sys.initial();
    for (let e = sys.enabled(s); e.length > 0; e = sys.enabled(s)) s = sys.apply(s, e[0]!).state;
    // deinit_dma_heap_file, the fdput of the heap fd, and close_fd of fd 0 by the closer
    expect(calls).toBe(3);
  });

  it('makes fput a no-op: the posted ioctl, which holds, then leaks; restored, it holds again', () => {
    expect(checkVariant(allocAndRead, 'posted', { strategy: 'bfs' })[0]!.verdict).toBe('holds');
    const restore = wrapHelper('fput', () => () => undefined);
    const r = exploreBfs(compile(allocAndRead, 'posted'), {});
    expect(r.kind === 'violation' ? r.violation.property : r.kind).toBe('leak');
    restore();
    expect(exploreBfs(compile(allocAndRead, 'posted'), {}).kind).toBe('ok');
  });
});
