// A double fetch (TOCTOU) of a user-supplied length in an ioctl, raced by another thread of
// the calling process rewriting the header in user memory between the two fetches.
//
//   ioctl (struct foo_msg __user *umsg: { u32 len; u8 data[]; }; kbuf = kmalloc(FOO_MAX)):
//     1. get_user        len = umsg->len; len > FOO_MAX - sizeof(hdr): return -EINVAL
//     2. copy_from_user  copy_from_user(kbuf, umsg, sizeof(hdr) + len): the header again
//     3. memcpy          memcpy(dev->ring, kbuf->data, kbuf->len): trusts the copied len
//   racer (a userspace thread of the same process):
//     1. store_len       umsg->len = 4096
//
// Pattern of CVE-2016-6480: aacraid's ioctl_send_fib() fetched the fib header to check its
// Size, then copied the whole fib again; fixed by "aacraid: Check size values after
// double-fetch from user", which compares the two.
// Variant `double-fetch` uses kbuf->len, fetched the second time: the racer's store between
// steps 1 and 2 makes memcpy read past kbuf (slab-out-of-bounds, as KASAN reports it).
// Fixed: `fetch-once` (the default) copies only the data at step 2 and keeps the checked len;
// `recheck` (the aacraid fix) returns -EINVAL when kbuf->len differs from len.
// Property: slab-out-of-bounds (in-step). 9 states (fetch-once, the default).

import { defineModel, DONE, thread, violation } from 'kmcheck';

interface World {
  /** umsg->len in user memory: the racer can change it at any time */
  userLen: number;
}

const FOO_MAX = 64;
const HDR = 4;

export default defineModel({
  name: 'example/double-fetch',
  title: 'an ioctl fetching a user header twice (pattern of CVE-2016-6480, aacraid)',
  params: { fix: 'fetch-once' },
  schema: { fix: { values: ['none', 'fetch-once', 'recheck'] } },
  world: (): World => ({ userLen: 16 }),
  threads: (p) => [
    thread<World, { len: number; kbufLen: number }>({
      name: 'ioctl',
      locals: { len: -1, kbufLen: -1 },
      steps: {
        get_user: {
          run: (k) => {
            k.local.len = k.world.userLen;
            return k.local.len > FOO_MAX - HDR ? DONE : 'copy_from_user'; // -EINVAL
          },
        },
        copy_from_user: {
          run: (k) => {
            // fetch-once: copy_from_user(kbuf->data, umsg->data, len); kbuf->len = len
            k.local.kbufLen = p.fix === 'fetch-once' ? k.local.len : k.world.userLen;
            if (p.fix === 'recheck' && k.local.kbufLen !== k.local.len) return DONE; // -EINVAL
            return 'memcpy';
          },
        },
        memcpy: {
          run: (k) => {
            if (HDR + k.local.kbufLen > FOO_MAX) {
              violation(
                'slab-out-of-bounds',
                `memcpy reads ${k.local.kbufLen} bytes of kbuf->data, which holds ${FOO_MAX - HDR} (get_user checked len ${k.local.len})`,
              );
            }
            return DONE;
          },
        },
      },
    }),
    thread<World, {}>({
      name: 'racer',
      locals: {},
      steps: {
        store_len: { run: (k) => ((k.world.userLen = 4096), DONE) },
      },
    }),
  ],
  properties: () => [],
  bugs: { 'slab-out-of-bounds': 'an access past the end of the kmalloc()ed kbuf' },
  variants: {
    'fetch-once': { description: 'fetch the header once, keep the checked len', expect: 'holds' },
    recheck: {
      description: 'fetch twice, -EINVAL unless both lens agree (the aacraid fix)',
      params: { fix: 'recheck' },
      expect: 'holds',
    },
    'double-fetch': {
      description: 'use the len of the second fetch',
      params: { fix: 'none' },
      expect: { violates: 'slab-out-of-bounds' },
    },
  },
});
