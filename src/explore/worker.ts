// One worker of the parallel BFS (parallel.ts): it owns the states whose fingerprint falls
// in its partition (hi mod n), keeps their fingerprints and parent pointers, expands its
// part of the current layer, and sends successors it does not own to their owner through
// the main thread. State ids are global: local id * n + worker index.

import { parentPort, workerData } from 'node:worker_threads';
import type { Model, State } from '../core/model.ts';
import { compile, type TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import { FingerprintSet, U16List } from './fingerprint-set.ts';
import { canonicaliser } from './symmetry.ts';

export interface WorkerInit {
  module: string;
  model: string;
  variant: string;
  params: Record<string, unknown>;
  symmetry: boolean;
  target?: string;
  index: number;
  workers: number;
  deadline?: number;
}

/** A successor sent to its owner: its text, parent's global id, the move, and its fingerprint. */
export type Arrival = [json: string, parent: number, move: number, hi: number, lo: number];

export type ToWorker = { type: 'expand' } | { type: 'receive'; arrivals: Arrival[] } | { type: 'parent'; id: number } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'expanded'; outboxes: Arrival[][]; steps: number; found?: { violation: Violation; id: number; move?: number }; timeout?: boolean }
  | { type: 'received'; layer: number; states: number; bytes: number }
  | { type: 'parent'; parent: number; move: number }
  | { type: 'error'; message: string };

const NO_PARENT = -1;

async function run(init: WorkerInit): Promise<void> {
  const port = parentPort!;
  const mod = (await import(init.module)) as { models?: Model[] };
  const model = (mod.models ?? []).find((m) => m.name === init.model);
  if (!model) throw new Error(`worker: no model ${init.model} in ${init.module}`);
  const system: TransitionSystem = compile(model, init.variant, init.params as never);
  const canon = canonicaliser(system, init.symmetry);
  const n = init.workers;
  const me = init.index;
  const set = new FingerprintSet();
  const parents: number[] = []; // global ids (may exceed 32 bits with many workers: a plain array of numbers)
  const moves = new U16List();
  let layer: { state: State; id: number }[] = [];
  let next: { state: State; id: number }[] = [];

  const adopt = (state: State, parent: number, move: number, hi: number, lo: number) => {
    if (set.insert(hi, lo) < 0) return;
    parents.push(parent);
    moves.push(move);
    next.push({ state, id: (parents.length - 1) * n + me });
  };

  port.on('message', (msg: ToWorker) => {
    try {
      if (msg.type === 'expand') {
        layer = next;
        next = [];
        const outboxes: Arrival[][] = Array.from({ length: n }, () => []);
        let steps = 0;
        let found: { violation: Violation; id: number; move?: number } | undefined;
        let k = 0;
        for (const { state, id } of layer) {
          if (init.deadline !== undefined && (++k & 255) === 0 && Date.now() > init.deadline) {
            port.postMessage({ type: 'expanded', outboxes, steps, timeout: true } satisfies FromWorker);
            return;
          }
          const enabled = system.enabled(state);
          const v = system.check(state, enabled.length, init.target);
          if (v) {
            found = { violation: v, id };
            break;
          }
          for (let i = 0; i < enabled.length; i++) {
            const applied = system.apply(state, enabled[i]!);
            steps++;
            if (applied.violation) {
              if (init.target === undefined || applied.violation.property === init.target) found ??= { violation: applied.violation, id, move: i };
              continue;
            }
            const { hi, lo } = canon(applied.state);
            const owner = hi % n;
            if (owner === me) adopt(applied.state, id, i, hi, lo);
            else outboxes[owner]!.push([JSON.stringify(applied.state), id, i, hi, lo]);
          }
        }
        port.postMessage({ type: 'expanded', outboxes, steps, ...(found ? { found } : {}) } satisfies FromWorker);
      } else if (msg.type === 'receive') {
        for (const [json, parent, move, hi, lo] of msg.arrivals) {
          if (set.has(hi, lo)) continue;
          adopt(JSON.parse(json) as State, parent, move, hi, lo);
        }
        port.postMessage({ type: 'received', layer: next.length, states: set.size, bytes: set.bytes + parents.length * 8 + moves.bytes } satisfies FromWorker);
      } else if (msg.type === 'parent') {
        const local = Math.floor(msg.id / n);
        port.postMessage({ type: 'parent', parent: parents[local]!, move: moves.data[local]! } satisfies FromWorker);
      } else if (msg.type === 'stop') {
        port.close();
      }
    } catch (e) {
      port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    }
  });

  // the initial state belongs to its owner
  const s0 = system.initial();
  const { hi: hi0, lo: lo0 } = canon(s0);
  if (hi0 % n === me) adopt(s0, NO_PARENT, 0, hi0, lo0);
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

if (parentPort && workerData) {
  run(workerData as WorkerInit).catch((e) => parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker));
}
