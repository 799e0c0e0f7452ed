// Exhaustive BFS on worker threads. States are partitioned by fingerprint: worker
// hi mod n stores and expands the states whose fingerprint's high word gives its index.
// Layers are synchronous: every worker expands its part of layer d, successors owned by
// another worker are routed to it, and layer d+1 starts when all have been received, so
// the verdict, the distinct-state count and the counterexample length are those of
// one-thread BFS. Sleep sets are not carried across workers: --workers turns POR off
// (it cuts transitions, not states, so the state count is unchanged).
//
// The workers rebuild the transition system from the model's module (`source`, a module
// exporting `models`), since functions cannot be sent to a worker.

import { Worker } from 'node:worker_threads';
import type { TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import { collisionProbability } from './fingerprint-set.ts';
import type { ExhaustiveOptions } from './exhaustive.ts';
import type { Coverage, ExploreResult } from './result.ts';
import type { Arrival, FromWorker, ToWorker, WorkerInit } from './worker.ts';

export interface ParallelOptions extends ExhaustiveOptions {
  /** URL of a module exporting `models` that holds the system's model (default: the repository's model/index.ts) */
  source?: string;
}

export const DEFAULT_SOURCE = new URL('../../model/index.ts', import.meta.url).href;

class Pool {
  private waiting: ((m: FromWorker) => void)[][];
  constructor(readonly workers: Worker[]) {
    this.waiting = workers.map(() => []);
    workers.forEach((w, i) => {
      w.on('message', (m: FromWorker) => {
        const next = this.waiting[i]!.shift();
        next?.(m);
      });
      // a crash (out of memory, a load error) fails whoever waits on this worker
      w.on('error', (e) => {
        for (const next of this.waiting[i]!.splice(0)) next({ type: 'error', message: e.message });
      });
    });
  }
  ask(i: number, msg: ToWorker | undefined): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.waiting[i]!.push((m) => (m.type === 'error' ? reject(new Error(m.message)) : resolve(m)));
      if (msg) this.workers[i]!.postMessage(msg);
    });
  }
  all(msg: (i: number) => ToWorker | undefined): Promise<FromWorker[]> {
    return Promise.all(this.workers.map((_, i) => this.ask(i, msg(i))));
  }
}

export async function exploreBfsParallel(system: TransitionSystem, opts: ParallelOptions = {}): Promise<ExploreResult> {
  const n = opts.workers ?? 2;
  if (n <= 1) {
    const { exploreBfs } = await import('./bfs.ts');
    return exploreBfs(system, opts);
  }
  const started = performance.now();
  const symmetry = opts.symmetry ?? true;
  let steps = 0;
  let states = 0;
  let bytes = 0;
  let depth = 0;
  const coverage = (exhaustive: boolean): Coverage => ({
    strategy: 'bfs',
    runs: 0,
    steps,
    states,
    depth,
    exhaustive,
    ms: performance.now() - started,
    bytesPerState: states === 0 ? 0 : bytes / states,
    collisionProbability: collisionProbability(states, steps + 1),
    reductions: { por: false, symmetry },
    workers: n,
  });

  const workers = Array.from({ length: n }, (_, index) => {
    const init: WorkerInit = {
      module: opts.source ?? DEFAULT_SOURCE,
      model: system.modelName,
      variant: system.variant,
      params: system.params,
      symmetry,
      index,
      workers: n,
      ...(opts.target !== undefined ? { target: opts.target } : {}),
      ...(opts.timeoutMs !== undefined ? { deadline: Date.now() + opts.timeoutMs } : {}),
    };
    return new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: init,
      ...(opts.maxMemoryBytes !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: Math.max(64, Math.floor(opts.maxMemoryBytes / n / 2 ** 20)) } } : {}),
    });
  });
  const pool = new Pool(workers);
  try {
    await pool.all(() => undefined); // ready
    let layer = 1;
    for (;;) {
      const expanded = (await pool.all(() => ({ type: 'expand' }))) as Extract<FromWorker, { type: 'expanded' }>[];
      for (const e of expanded) steps += e.steps;
      if (expanded.some((e) => e.timeout)) return { kind: 'incomplete', bound: `timeout (${(opts.timeoutMs ?? 0) / 1000} s)`, coverage: coverage(false) };
      const found = expanded.map((e) => e.found).filter((f) => f !== undefined);
      if (found.length > 0) {
        // a state property broken in this layer is shorter than an in-step violation of its successors
        const f = found.find((x) => x.move === undefined) ?? found[0]!;
        const path = await pathTo(pool, n, f.id);
        if (f.move !== undefined) path.push(f.move);
        depth = path.length;
        return { kind: 'violation', violation: f.violation as Violation, path, coverage: coverage(false) };
      }
      const received = (await pool.all((i) => ({ type: 'receive', arrivals: expanded.flatMap((e) => e.outboxes[i]!) as Arrival[] }))) as Extract<FromWorker, { type: 'received' }>[];
      states = received.reduce((a, r) => a + r.states, 0);
      bytes = received.reduce((a, r) => a + r.bytes, 0);
      const waiting = received.reduce((a, r) => a + r.layer, 0);
      if (waiting === 0) return { kind: 'ok', coverage: coverage(true) };
      depth = layer;
      opts.onProgress?.({ steps, states, queue: waiting, depth, statesPerSecond: states / ((performance.now() - started) / 1000), ms: performance.now() - started });
      if (opts.maxStates !== undefined && states >= opts.maxStates) return { kind: 'incomplete', bound: `max-states (${opts.maxStates})`, coverage: coverage(false) };
      if (opts.maxDepth !== undefined && layer > opts.maxDepth) return { kind: 'incomplete', bound: `max-depth (${opts.maxDepth})`, coverage: coverage(false) };
      if (opts.timeoutMs !== undefined && performance.now() - started > opts.timeoutMs) return { kind: 'incomplete', bound: `timeout (${opts.timeoutMs / 1000} s)`, coverage: coverage(false) };
      layer++;
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/memory/i.test(message)) return { kind: 'incomplete', bound: `max-memory (${message})`, coverage: coverage(false) };
    return { kind: 'error', message, coverage: coverage(false) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function pathTo(pool: Pool, n: number, id: number): Promise<number[]> {
  const path: number[] = [];
  for (let at = id; ; ) {
    const r = (await pool.ask(at % n, { type: 'parent', id: at })) as Extract<FromWorker, { type: 'parent' }>;
    if (r.parent < 0) break;
    path.push(r.move);
    at = r.parent;
  }
  return path.reverse();
}
