// The cost model: a discrete-event simulation of one run of a model. Every thread runs as
// early as its guard allows; a step with a cost occupies one unit of its resource (a CPU,
// an I/O queue) for its duration, and its effect happens when it ends (so a thread waiting
// for an I/O sees it complete at the right time). Steps without a cost are instant. Every
// fallible step takes 'ok' and every other choice its first option: the plain schedule.
// The simulator knows nothing about what the model stands for.

import type { Model, Plain, StepCost, Thread } from '../core/model.ts';
import { DONE } from '../core/model.ts';
import { compile } from '../core/system.ts';
import { ModelError } from '../core/violation.ts';

export type Resource = StepCost<unknown, unknown>['resource'];

export interface CostOptions {
  /** CPUs (default 2) and I/O queues (default 1) */
  cpus?: number;
  io?: number;
  params?: Record<string, Plain>;
  /** stop after this many steps (default 10 million) */
  maxSteps?: number;
}

/** One stretch of a thread's time on a resource: consecutive runs of the same step merged. */
export interface Segment {
  thread: string;
  step: string;
  resource: Resource;
  start: number;
  end: number;
  /** how many step executions it merges */
  count: number;
}

export interface ThreadCost {
  name: string;
  /** seconds spent per step label */
  busy: Record<string, number>;
  /** when the thread returned (or stopped, if it never did) */
  end: number;
  done: boolean;
  /** where it stopped, if it never returned */
  pc?: string;
}

export interface CostResult {
  model: string;
  variant: string;
  params: Record<string, Plain>;
  cpus: number;
  io: number;
  /** time at which the last thread returned (or the run stopped) */
  makespan: number;
  threads: ThreadCost[];
  segments: Segment[];
  /** every thread returned */
  complete: boolean;
  /** a step raised a violation: the plain schedule itself is broken */
  violation?: { property: string; message: string };
  steps: number;
}

function durationOf(cost: StepCost<any, any> | undefined, world: unknown, local: unknown): number {
  if (!cost) return 0;
  const s = typeof cost.seconds === 'function' ? cost.seconds(world, local) : cost.seconds;
  if (!Number.isFinite(s) || s < 0) throw new ModelError(`a step cost is ${s} seconds`);
  return s;
}

/** The parameters `kmc cost` uses: the model's costParams under the explicit overrides. */
export function costOverrides(model: Model, params: Record<string, Plain> = {}): Record<string, Plain> {
  return { ...((model.costParams ?? {}) as Record<string, Plain>), ...params };
}

export function simulate(model: Model, variant: string, opts: CostOptions = {}): CostResult {
  const cpus = opts.cpus ?? 2;
  const io = opts.io ?? 1;
  const maxSteps = opts.maxSteps ?? 10_000_000;
  const overrides = costOverrides(model, opts.params);
  const system = compile(model, variant, overrides);
  // the step definitions, for their costs (compile keeps its own copy; both are built from the same params)
  const threads: Thread<any>[] = model.threads(system.params as any);
  const free: Record<Resource, number> = { cpu: cpus, io };
  const n = threads.length;
  const busy: Record<string, number>[] = threads.map(() => ({}));
  const endAt = new Array<number>(n).fill(0);
  const segments: Segment[] = [];
  const open: (Segment | undefined)[] = new Array(n).fill(undefined);
  const running: ({ start: number; end: number; resource: Resource; step: string } | undefined)[] = new Array(n).fill(
    undefined,
  );

  let state = system.initial();
  let now = 0;
  let steps = 0;
  let violation: CostResult['violation'];

  const record = (i: number, step: string, resource: Resource, start: number, end: number) => {
    busy[i]![step] = (busy[i]![step] ?? 0) + (end - start);
    const seg = open[i];
    if (seg && seg.step === step && seg.resource === resource && Math.abs(seg.end - start) < 1e-12) {
      seg.end = end;
      seg.count += 1;
    } else {
      const s: Segment = { thread: threads[i]!.name, step, resource, start, end, count: 1 };
      segments.push(s);
      open[i] = s;
    }
  };

  /** Apply thread i's current step with its first choice; false when it raised a violation. */
  const fire = (i: number): boolean => {
    const applied = system.apply(state, { thread: i, choice: 0 });
    steps += 1;
    if (applied.violation) {
      violation = applied.violation;
      return false;
    }
    state = applied.state;
    if (state.threads[i]!.pc === DONE) endAt[i] = now;
    return true;
  };

  outer: while (true) {
    // start everything that can start now; instant steps run at once
    let progress = true;
    while (progress) {
      progress = false;
      if (steps > maxSteps) break outer;
      const enabled = system.enabled(state);
      for (let i = 0; i < n; i++) {
        if (running[i]) continue;
        if (!enabled.some((t) => t.thread === i && t.choice === 0)) continue;
        const pc = state.threads[i]!.pc;
        const step = threads[i]!.steps[pc]!;
        const d = durationOf(step.cost, state.world, state.threads[i]!.local);
        if (d === 0) {
          if (!fire(i)) break outer;
          progress = true;
          break; // the world changed: recompute what is enabled
        }
        const r = step.cost!.resource;
        if (free[r] === 0) continue;
        free[r] -= 1;
        running[i] = { start: now, end: now + d, resource: r, step: pc };
        progress = true;
      }
    }
    // advance to the next completion
    let next = Infinity;
    for (const r of running) if (r && r.end < next) next = r.end;
    if (next === Infinity) break;
    now = next;
    for (let i = 0; i < n; i++) {
      const r = running[i];
      if (!r || r.end !== next) continue;
      running[i] = undefined;
      free[r.resource] += 1;
      record(i, r.step, r.resource, r.start, r.end);
      if (!fire(i)) break outer;
    }
  }

  const complete = state.threads.every((t) => t.pc === DONE);
  return {
    model: model.name,
    variant,
    params: system.params,
    cpus,
    io,
    makespan: complete ? Math.max(0, ...endAt) : now,
    threads: threads.map((t, i) => ({
      name: t.name,
      busy: busy[i]!,
      end: state.threads[i]!.pc === DONE ? endAt[i]! : now,
      done: state.threads[i]!.pc === DONE,
      ...(state.threads[i]!.pc === DONE ? {} : { pc: state.threads[i]!.pc }),
    })),
    segments,
    complete,
    ...(violation ? { violation } : {}),
    steps,
  };
}
