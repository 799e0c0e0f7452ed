// What the real-binary tests of memory and Ctrl-C run: kmc's bin, the repo's root, and issue
// 19's reproducer, a bfs of more than 2.7 million states (far more heap than a small
// --max-old-space-size, and seconds of search to interrupt).

export const BIN = new URL('../../bin/kmc.mjs', import.meta.url).pathname;
export const ROOT = new URL('../..', import.meta.url).pathname;

export const REPRODUCER = [
  'check',
  'udmabuf/create',
  '--variant',
  'pinned-folios',
  '--param',
  'memfdWriters=1',
  '--param',
  'truncaters=1',
  '--param',
  'fillers=1',
  '--param',
  'closers=2',
];
