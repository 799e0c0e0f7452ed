// Exhaustive BFS on worker threads. The workers share one visited set in shared memory
// (shared-fingerprint-set.ts): a successor belongs to the worker that stored its
// fingerprint first, so no state crosses threads while a layer is expanded. Layers are
// synchronous: every worker expands its share of layer d; when the set passes its load
// limit the workers pause, the main thread grows it, and they go on; when the layer is
// done, states are moved from the longest shares of layer d+1 to the shortest (vectors,
// with the text of the parts they use), so the workers stay equally busy. The verdict and
// the distinct-state count are those of one-thread BFS. A layer in which a violation is
// met is finished before one is chosen, and the counterexample is then the one one-thread
// BFS gives (a one-thread BFS bounded to that depth chooses it): the same trace, byte for
// byte, with any number of workers and on every run. The state and transition counts of
// such a result are those of every depth up to the finished layer (so the same on every
// run, and more than one-thread BFS, which stops at the violation). Sleep sets are not
// carried across workers: --workers turns POR off in the workers (it cuts transitions,
// not states, so the state count is unchanged).
//
// The workers rebuild the transition system from the model's module (the system's
// `source`, which the CLI sets to the file it loaded the model from), since functions
// cannot be sent to a worker.

import { Worker } from 'node:worker_threads';
import type { TransitionSystem } from '../core/system.ts';
import { ModelError, type Violation } from '../core/violation.ts';
import { Bound, interrupted } from './bounds.ts';
import { collisionProbability, GROWTH, MIN_GROWTH } from './fingerprint-set.ts';
import { Memory } from './memory.ts';
import type { ExhaustiveOptions } from './exhaustive.ts';
import type { Coverage, ExploreResult } from './result.ts';
import { MAX_WORKERS, SharedFingerprintSet } from './shared-fingerprint-set.ts';
import type { Found, FromWorker, Handed, ToWorker, WorkerInit } from './worker.ts';

export interface ParallelOptions extends ExhaustiveOptions {
  /** URL of a module whose default export (a model or a list) or `models` export holds the system's model (default: system.source) */
  source?: string;
  /** @internal tests: slots of the first visited-set table (default 2^20, 8 MiB: growing pauses every worker) */
  tableSlots?: number;
}

class Pool {
  private waiting: ((m: FromWorker | { type: 'stop'; bound: string }) => void)[][];
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
      this.waiting[i]!.push((m) =>
        m.type === 'error' ? reject(new Error(m.message)) : m.type === 'stop' ? reject(new Bound(m.bound)) : resolve(m),
      );
      if (msg) this.workers[i]!.postMessage(msg);
    });
  }
  /** Fail whoever waits on a worker with this bound (interrupted, out of memory). */
  stop(bound: string): void {
    for (const waiting of this.waiting) for (const next of waiting.splice(0)) next({ type: 'stop', bound });
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
  if (n > MAX_WORKERS) throw new RangeError(`at most ${MAX_WORKERS} workers (asked for ${n})`);
  const module = opts.source ?? system.source;
  if (module === undefined)
    throw new ModelError(
      `${system.modelName}: workers load the model from its module, which is not known: set the model's \`source\` (e.g. source: import.meta.url), or pass \`source\``,
    );
  const started = performance.now();
  const memory = new Memory(opts.maxMemoryBytes);
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
    bytesPerState: states === 0 ? 0 : memory.grown() / states,
    visitedBytesPerState: states === 0 ? 0 : bytes / states,
    collisionProbability: collisionProbability(states, steps + 1),
    reductions: { por: false, symmetry },
    workers: n,
    // each worker has a cache of its own: their hits summed, the most parts one stored
    cache: {
      hits: caches.reduce((a, c) => a + c.hits, 0),
      parts: Math.max(0, ...caches.map((c) => c.parts)),
    },
  });

  let set = SharedFingerprintSet.create(opts.tableSlots ?? 1 << 20);
  const memoryLimit = opts.maxMemoryBytes;
  const workers = Array.from({ length: n }, (_, index) => {
    const init: WorkerInit = {
      module,
      model: system.modelName,
      variant: system.variant,
      params: system.params,
      symmetry,
      index,
      workers: n,
      table: set.shared,
      ...(opts.target !== undefined ? { target: opts.target } : {}),
    };
    return new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: init,
      ...(memoryLimit !== undefined
        ? { resourceLimits: { maxOldGenerationSizeMb: Math.max(64, Math.floor(memoryLimit / n / 2 ** 20)) } }
        : {}),
    });
  });
  const pool = new Pool(workers);
  // while the workers expand: a Ctrl-C, the process's memory (RSS, and this thread's heap)
  const watch = (): void => {
    const why = opts.signal?.aborted ? interrupted(opts.signal) : memory.reached();
    if (why !== undefined) pool.stop(why);
  };
  const watching = setInterval(watch, 10);
  opts.signal?.addEventListener('abort', watch);
  const ask = (i: number, msg: ToWorker) => pool.ask(i, msg);
  /** each worker's share of the next layer (its length), and the bytes of its parent log */
  let shares: number[] = [];
  const logBytes = workers.map(() => 0);
  const caches = workers.map(() => ({ hits: 0, parts: 0 }));
  const count = (oks: FromWorker[]) => {
    const o = oks as Extract<FromWorker, { type: 'ok' }>[];
    shares = o.map((x) => x.next);
    o.forEach((x, i) => void (logBytes[i] = x.bytes));
    bytes = set.bytes + logBytes.reduce((a, b) => a + b, 0);
  };
  /** the --timeout clock: from when every worker is up (their start-up, ≈ 1 s under tsx, is not the search's) */
  let clock = started;

  /** violations met in the layer being expanded */
  let found: Found[] = [];
  /**
   * The counterexample, chosen once the layer that met violations is done: the one
   * one-thread BFS returns (its own order: each state's check, then its transitions by
   * decision), by a one-thread BFS bounded to the next depth; the worker that met one first
   * plays no part, so the same command gives the same trace with any number of workers.
   * Should that search stop short (a bound), the first found here, by its logged path.
   */
  const choose = async (layer: number): Promise<ExploreResult> => {
    const { exploreBfs } = await import('./bfs.ts');
    const left =
      opts.timeoutMs === undefined ? {} : { timeoutMs: Math.max(1, opts.timeoutMs - (performance.now() - clock)) };
    const one = exploreBfs(system, {
      ...opts,
      ...left,
      workers: 1,
      maxDepth: Math.min(opts.maxDepth ?? layer + 1, layer + 1),
      onProgress: undefined,
    });
    let path: number[];
    let violation: Violation;
    if (one.kind === 'violation') ({ path, violation } = one);
    else {
      const f = found.find((x) => x.decision === undefined) ?? found[0]!;
      path = await pathTo(pool, n, f.id);
      if (f.decision !== undefined) path.push(f.decision);
      violation = f.violation;
    }
    depth = path.length;
    return { kind: 'violation', violation, path, coverage: coverage(false) };
  };

  // move states from the shares longer than the mean to the shares shorter than it
  const balance = async () => {
    const mean = shares.reduce((a, b) => a + b, 0) / n;
    if (Math.max(...shares) - Math.min(...shares) <= Math.max(16, mean / 50)) return;
    const givers = shares.flatMap((p, i) => (p > mean ? [i] : []));
    const given = (await Promise.all(
      givers.map((i) => ask(i, { type: 'give', count: Math.floor(shares[i]! - mean) })),
    )) as Extract<FromWorker, { type: 'given' }>[];
    const moving = given.map((g) => g.batch);
    const total = moving.reduce((a, b) => a + b.states.length, 0);
    const takers = shares.flatMap((p, i) => (p < mean ? [i] : []));
    // each taker gets its share as slices of the givers' batches, with their parts
    let b = 0;
    let at = 0;
    let left = total;
    await Promise.all(
      takers.map((i, j) => {
        let want = j === takers.length - 1 ? left : Math.min(Math.ceil(mean - shares[i]!), left);
        left -= want;
        const batches: Handed[] = [];
        while (want > 0) {
          const batch = moving[b]!;
          const k = Math.min(want, batch.states.length - at);
          batches.push({ parts: batch.parts, states: batch.states.slice(at, at + k) });
          want -= k;
          at += k;
          if (at === batch.states.length) [b, at] = [b + 1, 0];
        }
        return ask(i, { type: 'take', batches });
      }),
    );
  };

  try {
    await pool.all(() => undefined); // ready
    clock = performance.now();
    const deadline = opts.timeoutMs === undefined ? {} : { deadline: Date.now() + opts.timeoutMs };
    count(await pool.all(() => ({ type: 'count', ...deadline })));
    for (let layer = 0; ; layer++) {
      await balance();
      // (the states moved by balance() leave the total as it was)
      const waiting = shares.reduce((a, b) => a + b, 0);
      if (waiting === 0) return { kind: 'ok', coverage: coverage(true) };
      depth = layer;
      opts.onProgress?.({
        steps,
        states,
        queue: waiting,
        depth,
        transitionsPerSecond: steps / ((performance.now() - started) / 1000),
        ms: performance.now() - started,
      });
      if (opts.maxDepth !== undefined && layer > opts.maxDepth)
        return { kind: 'incomplete', bound: `max-depth (${opts.maxDepth})`, coverage: coverage(false) };

      // expand the layer, in rounds: a round ends when every worker is done or paused on a full set
      let busy = workers.map((_, i) => i);
      found = [];
      // the first round begins the layer in every worker (no round trip of its own)
      let begin = true;
      while (busy.length > 0) {
        const round = (await Promise.all(busy.map((i) => ask(i, { type: 'expand', begin })))) as Extract<
          FromWorker,
          { type: 'expanded' }
        >[];
        begin = false;
        round.forEach((e, j) => {
          steps += e.steps;
          caches[busy[j]!] = e.cache;
          if (e.found) found.push(...e.found);
          logBytes[busy[j]!] = e.bytes;
        });
        bytes = set.bytes + logBytes.reduce((a, b) => a + b, 0);
        states = set.size;
        // a bound met after a violation: choose among what was found
        if (round.some((e) => e.timeout))
          return found.length > 0
            ? choose(layer)
            : { kind: 'incomplete', bound: `timeout (${(opts.timeoutMs ?? 0) / 1000} s)`, coverage: coverage(false) };
        if (opts.maxStates !== undefined && states >= opts.maxStates)
          return found.length > 0
            ? choose(layer)
            : { kind: 'incomplete', bound: `max-states (${opts.maxStates})`, coverage: coverage(false) };
        round.forEach((e, j) => void (shares[busy[j]!] = e.next));
        busy = busy.filter((_, j) => !round[j]!.done);
        if (set.full || busy.length > 0) {
          // it doubles, or grows by the least when doubling would not fit (fingerprint-set.ts)
          const factor = memory.fits(Math.ceil(set.bytes * GROWTH)) ? GROWTH : MIN_GROWTH;
          const growth = Math.ceil(set.bytes * factor);
          if (!memory.fits(growth))
            return {
              kind: 'incomplete',
              bound: memory.refused('the fingerprint set', growth),
              coverage: coverage(false),
            };
          set = set.grow(factor);
          count(await pool.all(() => ({ type: 'table', table: set.shared })));
        }
      }
      // the layer is done: every violation of this depth is known, whatever the workers' speed
      if (found.length > 0) return await choose(layer);
      if (opts.timeoutMs !== undefined && performance.now() - clock > opts.timeoutMs)
        return { kind: 'incomplete', bound: `timeout (${opts.timeoutMs / 1000} s)`, coverage: coverage(false) };
    }
  } catch (e) {
    if (e instanceof Bound) {
      states = set.size; // the workers stopped mid-round: what the shared set holds
      return { kind: 'incomplete', bound: e.message, coverage: coverage(false) };
    }
    const message = e instanceof Error ? e.message : String(e);
    if (/memory/i.test(message))
      return { kind: 'incomplete', bound: `max-memory (${message})`, coverage: coverage(false) };
    return { kind: 'error', message, coverage: coverage(false) };
  } finally {
    clearInterval(watching);
    opts.signal?.removeEventListener('abort', watch);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function pathTo(pool: Pool, n: number, id: number): Promise<number[]> {
  const path: number[] = [];
  for (let at = id; ; ) {
    if (at === 0) break; // the initial state
    const r = (await pool.ask(at % n, { type: 'parent', id: at })) as Extract<FromWorker, { type: 'parent' }>;
    path.push(r.decision);
    at = r.parent;
  }
  return path.reverse();
}
