// kmc's memory per state as a fresh process measures it: one `kmc check <model file>
// --strategy bfs ... --json` in a process of its own, its `bytesPerState` (the RSS the process
// grew by during the search, over its states: src/explore/memory.ts, coverage) and
// `visitedBytesPerState` (of that, the visited set and the parent log). The bench's timed
// runs share one process, whose RSS, once grown by the first repeat, barely grows again; so
// the memory figure comes from here, once per model, size and configuration, outside the
// timed repeats. pan's counterpart is its peak RSS over the same search (peers/spin/run.ts).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ProcessMemory {
  /** the resident memory the process grew by during the search, per state stored */
  bytesPerState: number;
  /** of that, the visited set (fingerprints) and the parent log */
  visitedBytesPerState: number;
  /** the states that process stored (the bench checks them against its own runs) */
  states: number;
  /** the search ran to the end */
  complete: boolean;
}

export interface FreshCheck {
  /** the model's file */
  file: string;
  variant: string;
  params: Record<string, number | boolean | string>;
  /** kmc's reductions: none (`--no-por --no-symmetry`) or ample sets and symmetry (`--por ample`) */
  reductions: 'none' | 'ample';
  timeoutMs: number;
}

const KMC = fileURLToPath(new URL('../bin/kmc.mjs', import.meta.url));

/** The command a fresh check runs (node's arguments after its own path), for logs and the legend. */
export function freshCommand(c: FreshCheck): string[] {
  return [
    KMC,
    'check',
    c.file,
    '--variant',
    c.variant,
    ...Object.entries(c.params).flatMap(([k, v]) => ['--param', `${k}=${v}`]),
    '--strategy',
    'bfs',
    ...(c.reductions === 'none' ? ['--no-por', '--no-symmetry'] : ['--por', 'ample']),
    '--timeout',
    String(Math.max(1, Math.ceil(c.timeoutMs / 1000))),
    '--progress',
    '0',
    '--json',
  ];
}

/** Run the check in a fresh node and read its memory figures from its JSON. */
export function kmcProcessMemory(c: FreshCheck): ProcessMemory {
  const args = freshCommand(c);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const what = `kmc check ${c.file} --variant ${c.variant} in a fresh process`;
  // 0: as expected, 1: a verdict differs, 3: incomplete (a bound): each prints its stats
  if (r.status !== 0 && r.status !== 1 && r.status !== 3)
    throw new Error(`${what}: exit ${r.status ?? r.signal}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
  const stats = (JSON.parse(r.stdout) as { results: { stats: Record<string, unknown> }[] }).results[0]?.stats;
  if (typeof stats?.bytesPerState !== 'number' || typeof stats.visitedBytesPerState !== 'number')
    throw new Error(`${what}: no bytesPerState in its JSON`);
  return {
    bytesPerState: stats.bytesPerState,
    visitedBytesPerState: stats.visitedBytesPerState,
    states: stats.states as number,
    complete: stats.exhaustive === true && r.status !== 3,
  };
}
