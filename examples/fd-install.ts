// An ioctl that hands out a buffer as an fd, raced by a thread that guesses the fd number.
//
//   1. alloc       kzalloc the buffer (may fail: -ENOMEM)
//   2. fill        copy the file into it
//   3. fd_install  the fd is live: any thread of the process can use it
//
// Variant `fd-early` installs the fd before the fill (the question of seed 000: can another
// thread see a half-filled buffer?). Property: no-unfilled-buffer-seen. 6 states (posted).

import { always, defineModel, DONE, thread } from 'kmcheck';

interface World {
  /** fd 3 of the process: the buffer's number once installed */
  fd: number | null;
  filled: boolean;
  /** what the guesser saw through fd 3 */
  seen: 'nothing' | 'filled' | 'unfilled';
}

export default defineModel({
  name: 'example/fd-install',
  title: 'an ioctl that installs an fd for a buffer it fills',
  params: { fdEarly: false },
  world: (): World => ({ fd: null, filled: false, seen: 'nothing' }),
  threads: (p) => [
    thread<World, { buf: number }>({
      name: 'ioctl',
      locals: { buf: -1 },
      steps: {
        alloc: {
          fails: ['-ENOMEM'],
          run: (k, c) => (c === 'ok' ? ((k.local.buf = 0), p.fdEarly ? 'fd_install' : 'fill') : DONE),
        },
        fill: { run: (k) => ((k.world.filled = true), p.fdEarly ? DONE : 'fd_install') },
        fd_install: { run: (k) => ((k.world.fd = k.local.buf), p.fdEarly ? 'fill' : DONE) },
      },
    }),
    thread<World, {}>({
      name: 'guesser',
      locals: {},
      steps: {
        read_fd: {
          enabled: (w) => w.fd !== null,
          run: (k) => ((k.world.seen = k.world.filled ? 'filled' : 'unfilled'), DONE),
        },
      },
    }),
  ],
  properties: () => [
    always<World>('no-unfilled-buffer-seen', 'no thread reads the buffer through its fd before it is filled', (s) =>
      s.world.seen === 'unfilled' ? 'the guesser read fd 3 before fill' : undefined,
    ),
  ],
  // the guesser never runs when alloc fails: that is not a deadlock
  deadlock: false,
  variants: {
    posted: { description: 'fill, then fd_install', expect: 'holds' },
    'fd-early': {
      description: 'fd_install before fill',
      params: { fdEarly: true },
      expect: { violates: 'no-unfilled-buffer-seen' },
    },
  },
});
