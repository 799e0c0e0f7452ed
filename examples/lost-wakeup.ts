// A lost wakeup: a kthread sleeps until a flag is set, the flag's setter wakes it with
// wake_up_process(). The sleeper tests the flag before it marks itself as sleeping.
//
//   sleeper (variant check-then-sleep):          sleeper (variant set-state-first, the fix):
//     1. READ_ONCE          if (dev->done) return       1. set_current_state(TASK_UNINTERRUPTIBLE)
//     2. set_current_state  (TASK_UNINTERRUPTIBLE)      2. READ_ONCE: if (dev->done) goto 4
//     3. schedule           off the runqueue until      3. schedule, then goto 1
//                           woken, then goto 1          4. __set_current_state(TASK_RUNNING)
//   waker:
//     1. WRITE_ONCE         dev->done = 1
//     2. wake_up_process    sleeper->__state = TASK_RUNNING unless it is already running
//
// Pattern of the lost wake-up problem (Kedar Sovani, "Kernel Korner - Sleeping in the
// Kernel", Linux Journal, 2005), and the loop documented above set_current_state() in
// include/linux/sched.h, which prepare_to_wait()/wait_event() implement. In
// `check-then-sleep` the waker runs between steps 1 and 2: its wakeup finds the sleeper
// running and does nothing, then the sleeper sets TASK_UNINTERRUPTIBLE and schedules
// forever (no thread can move: kmc reports deadlock, the kernel a hung task). In
// `set-state-first` (the default) a wakeup after step 1 sets TASK_RUNNING back, so schedule()
// returns. Property: deadlock. 15 states (set-state-first).

import { defineModel, DONE, thread, type Step } from 'kmcheck';

type TaskState = 'TASK_RUNNING' | 'TASK_UNINTERRUPTIBLE';

interface World {
  done: boolean;
  /** the sleeper's task_struct->__state */
  state: TaskState;
}

export default defineModel({
  name: 'example/lost-wakeup',
  title: 'a kthread testing its wakeup condition before set_current_state() (lost wakeup)',
  params: { setStateFirst: true },
  world: (): World => ({ done: false, state: 'TASK_RUNNING' }),
  threads: (p) => {
    const READ_ONCE: Step<World, {}> = {
      run: (k) => {
        if (k.world.done) return p.setStateFirst ? '__set_current_state' : DONE;
        return p.setStateFirst ? 'schedule' : 'set_current_state';
      },
    };
    const set_current_state: Step<World, {}> = {
      run: (k) => ((k.world.state = 'TASK_UNINTERRUPTIBLE'), p.setStateFirst ? 'READ_ONCE' : 'schedule'),
    };
    // schedule() with __state != TASK_RUNNING takes the task off the runqueue until a wakeup
    const schedule: Step<World, {}> = {
      enabled: (w) => w.state === 'TASK_RUNNING',
      run: () => (p.setStateFirst ? 'set_current_state' : 'READ_ONCE'),
    };
    const __set_current_state: Step<World, {}> = { run: (k) => ((k.world.state = 'TASK_RUNNING'), DONE) };
    return [
      thread<World, {}>({
        name: 'sleeper',
        locals: {},
        // the first step is the entry point
        steps: p.setStateFirst
          ? { set_current_state, READ_ONCE, schedule, __set_current_state }
          : { READ_ONCE, set_current_state, schedule },
      }),
      thread<World, {}>({
        name: 'waker',
        locals: {},
        steps: {
          WRITE_ONCE: { run: (k) => ((k.world.done = true), 'wake_up_process') },
          wake_up_process: { run: (k) => ((k.world.state = 'TASK_RUNNING'), DONE) },
        },
      }),
    ];
  },
  properties: () => [],
  variants: {
    'set-state-first': { description: 'set_current_state, then test the condition (the fix)', expect: 'holds' },
    'check-then-sleep': {
      description: 'test the condition, then set_current_state',
      params: { setStateFirst: false },
      expect: { violates: 'deadlock' },
    },
  },
});
