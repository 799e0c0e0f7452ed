// One worker of the parallel BFS (parallel.ts). All workers insert into one visited set
// in shared memory (shared-fingerprint-set.ts); a worker keeps the states it was first to
// insert, in its share of the next layer, with their parents in its parent log. State ids
// are global: local id * n + worker index. Between layers the main thread moves states
// from the longer shares to the shorter ones, ids and all. A worker's share is a frontier
// (frontier.ts): its own successors in the order it stored them, then those handed to it,
// so the parents it logs go back at most once a layer (parent-log.ts takes that).

import { parentPort, workerData } from 'node:worker_threads';
import { importModule } from '../core/import-module.ts';
import { modelsOf, type Model } from '../core/model.ts';
import { compile, type TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import { ParentLog } from './parent-log.ts';
import { SharedFingerprintSet, TableFull, type SharedTable } from './shared-fingerprint-set.ts';
import { plainNode, VectorFrontier } from './frontier.ts';
import type { Node } from './exhaustive.ts';
import { UNDEFINED } from './parts.ts';
import { StateObject, StateSpace, type Vec } from './state-space.ts';

export interface WorkerInit {
  module: string;
  model: string;
  variant: string;
  params: Record<string, unknown>;
  symmetry: boolean;
  target?: string;
  index: number;
  workers: number;
  table: SharedTable;
}

/**
 * States handed from one worker to another between layers: their vectors and global ids,
 * with the text of each part they use (part numbers are each worker's own).
 */
export interface Handed {
  parts: [part: number, json: string][];
  states: [vec: Vec, id: number][];
}

export type ToWorker =
  /** begin: the layer starts (the share of the next layer becomes the one to expand) */
  | { type: 'expand'; begin?: boolean }
  | { type: 'table'; table: SharedTable }
  | { type: 'give'; count: number }
  | { type: 'take'; batches: Handed[] }
  /** deadline: the --timeout clock, which starts once every worker is up (Date.now() ms) */
  | { type: 'count'; deadline?: number }
  | { type: 'parent'; id: number }
  | { type: 'stop' };

/** A violation met in a layer: a state's own (no decision), or the first a state's transitions raised. */
export interface Found {
  violation: Violation;
  /** the global id of the state */
  id: number;
  decision?: number;
}

export type FromWorker =
  | { type: 'ready' }
  /**
   * done: the layer is expanded; false: paused (the set is full, the deadline); found: violations met since the
   * last reply; cache: this worker's transition cache so far (its hits, its distinct parts)
   */
  | {
      type: 'expanded';
      done: boolean;
      steps: number;
      next: number;
      bytes: number;
      cache: { hits: number; parts: number };
      found?: Found[];
      timeout?: boolean;
    }
  | { type: 'ok'; next: number; bytes: number }
  | { type: 'given'; batch: Handed }
  | { type: 'parent'; parent: number; decision: number }
  | { type: 'error'; message: string };

async function run(init: WorkerInit): Promise<void> {
  const port = parentPort!;
  const mod = (await importModule(init.module)) as { default?: unknown; models?: Model[] };
  const model = [...(modelsOf(mod) ?? []), ...(mod.models ?? [])].find((m) => m.name === init.model);
  if (!model) throw new Error(`worker: no model ${init.model} in ${init.module}`);
  const system: TransitionSystem = compile(model, init.variant, init.params as never);
  const space = new StateSpace(system, init.symmetry);
  const n = init.workers;
  const me = init.index;
  let set = new SharedFingerprintSet(init.table);
  const log = new ParentLog();
  /** this worker's share of the layer being expanded, and of the next one */
  let layer = new VectorFrontier(space.width);
  let next = new VectorFrontier(space.width);
  const reply = (m: FromWorker) => port.postMessage(m);
  const ok = () => reply({ type: 'ok', next: next.length, bytes: log.bytes });
  let deadline: number | undefined;

  /** where the expansion of the layer stands: the state taken from it (if any), and its next decision */
  let taken: Node | undefined;
  let decision = 0;
  /** each successor, copied into the next layer's frontier (under symmetry), and its fingerprint */
  const after: Vec = new Array(space.width).fill(0);
  const c = { hi: 0, lo: 0 };
  const plain = !space.symmetry.on;
  let expanded = 0;
  /** violations met and not reported yet; the first in-step one of the state being expanded */
  let found: Found[] = [];
  let inStep: Found | undefined;
  const expand = (): FromWorker => {
    let steps = 0;
    const report = (done: boolean, more: { timeout?: boolean } = {}): FromWorker => {
      const f = found;
      found = [];
      const bytes = log.bytes;
      return {
        type: 'expanded',
        done,
        steps,
        next: next.length,
        bytes,
        cache: { hits: space.hits, parts: space.parts.size },
        ...(f.length > 0 ? { found: f } : {}),
        ...more,
      };
    };
    for (;;) {
      if (set.full) return report(false); // past the load limit probes grow long: let the table grow (TableFull is the hard stop)
      if (taken === undefined) {
        if (layer.length === 0) break;
        taken = layer.shift();
        decision = 0;
        inStep = undefined;
        if (deadline !== undefined && (++expanded & 255) === 0 && Date.now() > deadline)
          return report(false, { timeout: true });
      }
      const { id, vec } = taken;
      const expansion = space.enter(vec, taken.fingerprint);
      const of = new StateObject(space, vec);
      const enabled = space.enabled(vec, of);
      if (decision === 0) {
        const v = space.check(vec, of, enabled.length, init.target);
        if (v) {
          // a broken state is not expanded (one-thread BFS stops there); the layer goes on
          found.push({ violation: v, id });
          taken = undefined;
          continue;
        }
      }
      for (; decision < enabled.length; decision++) {
        // without symmetry, a successor is looked up before it is made (as ExhaustiveSearch.expandPlain)
        const o = plain
          ? space.outcome(vec, of, enabled[decision]!)
          : space.successor(vec, of, enabled[decision]!, after);
        if (o.violation) {
          steps++;
          const violation = o.violation;
          if (init.target === undefined || violation.property === init.target) inStep ??= { violation, id, decision };
          continue;
        }
        if (plain) space.successorFingerprint(expansion, o, c);
        else {
          const f = space.child(expansion, after, o);
          c.hi = f.hi;
          c.lo = f.lo;
        }
        try {
          if (set.insert(c.hi, c.lo)) {
            const at = log.push(id, decision) * n + me;
            if (plain) next.pushSuccessor(vec, o, at, 0, c.hi, c.lo);
            else next.push(plainNode(after, at, 0, c.hi, c.lo));
          }
        } catch (e) {
          if (e instanceof TableFull) return report(false); // this transition again once the set has grown
          throw e;
        }
        steps++;
      }
      if (inStep) found.push(inStep);
      taken = undefined;
    }
    return report(true);
  };

  port.on('message', (msg: ToWorker) => {
    try {
      switch (msg.type) {
        case 'expand':
          if (msg.begin === true) {
            layer = next;
            next = new VectorFrontier(space.width);
            taken = undefined;
          }
          return reply(expand());
        case 'table':
          set = new SharedFingerprintSet(msg.table);
          return ok();
        case 'give': {
          const states: [Vec, number][] = [];
          const parts = new Map<number, string>();
          for (let i = 0; i < msg.count && next.length > 0; i++) {
            const { vec: v, id } = next.shift();
            states.push([v, id]);
            for (let k = 1; k < v.length; k++)
              if (!parts.has(v[k]!)) parts.set(v[k]!, JSON.stringify(space.parts.values[v[k]!] ?? null));
          }
          return reply({ type: 'given', batch: { parts: [...parts], states } });
        }
        case 'take':
          for (const batch of msg.batches) {
            const mine = new Map<number, number>(
              batch.parts.map(([part, json]) => [
                part,
                part === UNDEFINED ? UNDEFINED : space.parts.intern(JSON.parse(json)),
              ]),
            );
            for (const [theirs, id] of batch.states) {
              const v = theirs.map((x, k) => (k === 0 ? x : mine.get(x)!));
              const { hi, lo } = space.fingerprint(v);
              next.push(plainNode(v, id, 0, hi, lo));
            }
          }
          return ok();
        case 'count':
          if (msg.deadline !== undefined) deadline = msg.deadline;
          return ok();
        case 'parent': {
          const { parent, decision } = log.entry(Math.floor(msg.id / n));
          return reply({ type: 'parent', parent, decision });
        }
        case 'stop':
          return port.close();
      }
    } catch (e) {
      reply({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  });

  // the initial state is worker 0's, id 0
  if (me === 0) {
    const s0 = space.initial();
    const { hi, lo } = space.fingerprint(s0);
    set.insert(hi, lo);
    next.push(plainNode(s0, log.push(-1, 0) * n, 0, hi, lo));
  }
  reply({ type: 'ready' });
}

if (parentPort && workerData) {
  run(workerData as WorkerInit).catch((e) =>
    parentPort!.postMessage({
      type: 'error',
      message: e instanceof Error ? e.message : String(e),
    } satisfies FromWorker),
  );
}
