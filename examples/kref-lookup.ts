// An object looked up by id in an idr and refcounted with a kref, raced by its destruction:
// the lookup ioctl takes its reference after dropping the lock that protects the idr.
//
//   lookup (e.g. a FOO_IOCTL_GET(id) handler):
//     1. mutex_lock     dev->lock (sleeps while another thread holds it)
//     2. idr_find       obj = idr_find(&dev->idr, id); NULL: unlock, return -ENOENT
//     3. mutex_unlock
//     4. kref_get       kref_get(&obj->ref)
//     5. foo_use        touch the object
//     6. kref_put       kref_put(&obj->ref, foo_release): the last one kfree()s it
//   destroy (FOO_IOCTL_DESTROY(id)): the idr holds the creation reference
//     1. mutex_lock  2. idr_remove  3. mutex_unlock  4. kref_put (the idr's reference)
//
// Pattern of rule 3 of Documentation/core-api/kref.rst: "If the code attempts to gain a
// reference to a kref-ed structure without already holding a valid pointer, it must
// serialize access where a kref_put() cannot occur during the kref_get()". Variant
// `get-after-unlock` takes the reference at step 4, after mutex_unlock: destroy can remove
// the object and drop the last reference in between (use-after-free, as KASAN reports it in
// kref_get). Variant `get-under-lock` (the default, the fix) does kref_get between idr_find
// and mutex_unlock: while the object is in the idr, the idr's reference keeps it alive.
// Properties: use-after-free (in-step), leak (at the end). 29 states (get-under-lock).

import { atEnd, defineModel, DONE, thread, violation } from 'kmcheck';

interface World {
  locked: boolean;
  inIdr: boolean;
  refcount: number;
  freed: boolean;
}

/** kref_put(&obj->ref, foo_release) */
const kref_put = (w: World): void => {
  if (w.freed) violation('use-after-free', 'kref_put on the freed object');
  if (--w.refcount === 0) w.freed = true;
};

export default defineModel({
  name: 'example/kref-lookup',
  title: 'idr_find + kref_get racing the last kref_put (Documentation/core-api/kref.rst, rule 3)',
  params: { getUnderLock: true },
  world: (): World => ({ locked: false, inIdr: true, refcount: 1, freed: false }),
  threads: (p) => [
    thread<World, { found: boolean }>({
      name: 'lookup',
      locals: { found: false },
      steps: {
        mutex_lock: { enabled: (w) => !w.locked, run: (k) => ((k.world.locked = true), 'idr_find') },
        idr_find: {
          run: (k) => {
            k.local.found = k.world.inIdr;
            return k.local.found && p.getUnderLock ? 'kref_get' : 'mutex_unlock';
          },
        },
        mutex_unlock: {
          run: (k) => ((k.world.locked = false), !k.local.found ? DONE : p.getUnderLock ? 'foo_use' : 'kref_get'),
        },
        kref_get: {
          run: (k) => {
            if (k.world.freed)
              violation('use-after-free', 'kref_get on the object destroy freed after lookup dropped dev->lock');
            k.world.refcount++;
            return p.getUnderLock ? 'mutex_unlock' : 'foo_use';
          },
        },
        foo_use: {
          run: (k) => (k.world.freed ? violation('use-after-free', 'lookup used the freed object') : 'kref_put'),
        },
        kref_put: { run: (k) => (kref_put(k.world), DONE) },
      },
    }),
    thread<World, {}>({
      name: 'destroy',
      locals: {},
      steps: {
        mutex_lock: { enabled: (w) => !w.locked, run: (k) => ((k.world.locked = true), 'idr_remove') },
        idr_remove: { run: (k) => ((k.world.inIdr = false), 'mutex_unlock') },
        mutex_unlock: { run: (k) => ((k.world.locked = false), 'kref_put') },
        kref_put: { run: (k) => (kref_put(k.world), DONE) },
      },
    }),
  ],
  properties: () => [
    atEnd<World>('leak', 'the object is freed once both threads have returned', (s) =>
      s.world.freed ? undefined : `the object is never freed (refcount ${s.world.refcount})`,
    ),
  ],
  bugs: { 'use-after-free': 'an access to the object after the last kref_put freed it' },
  variants: {
    'get-under-lock': { description: 'kref_get before mutex_unlock (the fix)', expect: 'holds' },
    'get-after-unlock': {
      description: 'mutex_unlock, then kref_get',
      params: { getUnderLock: false },
      expect: { violates: 'use-after-free' },
    },
  },
});
