// One worker of the parallel BFS (parallel.ts). All workers insert into one visited set
// in shared memory (shared-fingerprint-set.ts); a worker keeps the states it was first to
// insert, in its part of the next layer, with their parents in its parent log. State ids
// are global: local id * n + worker index. Between layers the main thread moves states
// from the longer parts to the shorter ones, ids and all; a worker expands its part in id
// order, so within a layer the parents it logs do not decrease (parent-log.ts).

import { parentPort, workerData } from 'node:worker_threads';
import type { Model, State } from '../core/model.ts';
import { compile, type TransitionSystem } from '../core/system.ts';
import type { Violation } from '../core/violation.ts';
import { ParentLog } from './parent-log.ts';
import { SharedFingerprintSet, TableFull, type SharedTable } from './shared-fingerprint-set.ts';
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
  table: SharedTable;
}

/** A state handed from one worker to another between layers: its text and global id. */
export type Handed = [json: string, id: number];

export type ToWorker =
  | { type: 'expand' }
  | { type: 'table'; table: SharedTable }
  | { type: 'give'; count: number }
  | { type: 'take'; states: Handed[] }
  | { type: 'begin' }
  | { type: 'count' }
  | { type: 'parent'; id: number }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  /** done: the layer is expanded; false: stopped (the set is full, a violation, the deadline) */
  | { type: 'expanded'; done: boolean; steps: number; next: number; found?: { violation: Violation; id: number; move?: number }; timeout?: boolean }
  | { type: 'ok'; next: number; bytes: number }
  | { type: 'given'; states: Handed[] }
  | { type: 'parent'; parent: number; move: number }
  | { type: 'error'; message: string };

interface Entry {
  state: State;
  id: number;
}

async function run(init: WorkerInit): Promise<void> {
  const port = parentPort!;
  const mod = (await import(init.module)) as { models?: Model[] };
  const model = (mod.models ?? []).find((m) => m.name === init.model);
  if (!model) throw new Error(`worker: no model ${init.model} in ${init.module}`);
  const system: TransitionSystem = compile(model, init.variant, init.params as never);
  const canon = canonicaliser(system, init.symmetry);
  const n = init.workers;
  const me = init.index;
  let set = new SharedFingerprintSet(init.table);
  const log = new ParentLog();
  let layer: Entry[] = [];
  let next: Entry[] = [];
  let pos = 0;
  const reply = (m: FromWorker) => port.postMessage(m);
  const ok = () => reply({ type: 'ok', next: next.length, bytes: log.bytes });

  /** where the expansion of the layer stands: the state, and its next transition */
  let move = 0;
  const expand = (): FromWorker => {
    let steps = 0;
    const stop = (more: Partial<FromWorker & { type: 'expanded' }> = {}): FromWorker => ({ type: 'expanded', done: false, steps, next: next.length, ...more });
    for (; pos < layer.length; pos++, move = 0) {
      if (set.full) return stop(); // past the load limit probes grow long: let the table grow (TableFull is the hard stop)
      if (init.deadline !== undefined && (pos & 255) === 0 && Date.now() > init.deadline) return stop({ timeout: true });
      const { state, id } = layer[pos]!;
      const enabled = system.enabled(state);
      if (move === 0) {
        const v = system.check(state, enabled.length, init.target);
        if (v) return stop({ found: { violation: v, id } });
      }
      let found: { violation: Violation; id: number; move?: number } | undefined;
      for (; move < enabled.length; move++) {
        const applied = system.apply(state, enabled[move]!);
        if (applied.violation) {
          steps++;
          if (init.target === undefined || applied.violation.property === init.target) found ??= { violation: applied.violation, id, move };
          continue;
        }
        const { hi, lo } = canon(applied.state);
        try {
          if (set.insert(hi, lo)) next.push({ state: applied.state, id: log.push(id, move) * n + me });
        } catch (e) {
          if (e instanceof TableFull) return stop(found ? { found } : {}); // else this transition again once the set has grown
          throw e;
        }
        steps++;
      }
      if (found) return stop({ found });
    }
    return { type: 'expanded', done: true, steps, next: next.length };
  };

  port.on('message', (msg: ToWorker) => {
    try {
      switch (msg.type) {
        case 'expand':
          return reply(expand());
        case 'table':
          set = new SharedFingerprintSet(msg.table);
          return ok();
        case 'give': {
          const given = next.splice(next.length - msg.count, msg.count);
          return reply({ type: 'given', states: given.map((e) => [JSON.stringify(e.state), e.id]) });
        }
        case 'take':
          for (const [json, id] of msg.states) next.push({ state: JSON.parse(json) as State, id });
          return ok();
        case 'count':
          return ok();
        case 'begin':
          layer = next.sort((a, b) => a.id - b.id);
          next = [];
          pos = 0;
          move = 0;
          return ok();
        case 'parent': {
          const { parent, move } = log.entry(Math.floor(msg.id / n));
          return reply({ type: 'parent', parent, move });
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
    const s0 = system.initial();
    const { hi, lo } = canon(s0);
    set.insert(hi, lo);
    next.push({ state: s0, id: log.push(-1, 0) * n });
  }
  reply({ type: 'ready' });
}

if (parentPort && workerData) {
  run(workerData as WorkerInit).catch((e) => parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker));
}
