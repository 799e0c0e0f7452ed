// One kmc check in a process of its own, as a user runs it: `kmc check <model file>
// --strategy bfs ... --json`. Its search's own clock and counts (start-up excluded, as
// pan's compile is), and its memory per state: `bytesPerState` (the RSS the process grew by
// during the search, over its states: src/explore/memory.ts, coverage) and
// `visitedBytesPerState` (of that, the visited set and the parent log). A search run in the
// bench's own process is slowed by what ran there before it (code the JIT compiled for
// other models; anderson n=6 took 69.5 s there, 44-54 s fresh), and that process's RSS,
// once grown, barely grows again: so the bench times every kmc exhaustive run here, each
// repeat afresh (the bench model's, with symmetry or workers too, and the BEEM ports').
// pan's counterpart is its peak RSS over the same search (peers/spin/run.ts).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Exhaustive } from './measure.ts';

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
  /** the kmc to run (default this checkout's bin/kmc.mjs; before-after.ts names another's) */
  bin?: string;
  /** the model's file */
  file: string;
  variant: string;
  params: Record<string, number | boolean | string>;
  /** kmc's reductions: none (`--no-por --no-symmetry`), symmetry only (`--no-por`), or ample sets and symmetry (`--por ample`) */
  reductions: 'none' | 'symmetry' | 'ample';
  /** `--workers n` (default: one thread) */
  workers?: number;
  timeoutMs: number;
}

const REDUCTIONS: Record<FreshCheck['reductions'], string[]> = {
  none: ['--no-por', '--no-symmetry'],
  symmetry: ['--no-por'],
  ample: ['--por', 'ample'],
};

const KMC = fileURLToPath(new URL('../bin/kmc.mjs', import.meta.url));

/** The command a fresh check runs (node's arguments after its own path), for logs and the legend. */
export function freshCommand(c: FreshCheck): string[] {
  return [
    c.bin ?? KMC,
    'check',
    c.file,
    '--variant',
    c.variant,
    ...Object.entries(c.params).flatMap(([k, v]) => ['--param', `${k}=${v}`]),
    '--strategy',
    'bfs',
    ...REDUCTIONS[c.reductions],
    ...(c.workers !== undefined ? ['--workers', String(c.workers)] : []),
    '--timeout',
    String(Math.max(1, Math.ceil(c.timeoutMs / 1000))),
    '--progress',
    '0',
    '--json',
  ];
}

interface CheckStats {
  states: number;
  steps: number;
  depth: number;
  milliseconds: number;
  exhaustive: boolean;
  bytesPerState: number;
  visitedBytesPerState: number;
  cache?: { hits: number };
}

/** Run the check in a fresh node: the search as its JSON reports it, and its memory figures. */
export function freshCheck(c: FreshCheck): { run: Exhaustive; memory: ProcessMemory } {
  const args = freshCommand(c);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const what = `kmc check ${c.file} --variant ${c.variant} in a fresh process`;
  // 0: as expected, 1: a verdict differs, 3: incomplete (a bound): each prints its stats
  if (r.status !== 0 && r.status !== 1 && r.status !== 3)
    throw new Error(`${what}: exit ${r.status ?? r.signal}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
  const result = (JSON.parse(r.stdout) as { results: { verdict: string; property?: string; stats: CheckStats }[] })
    .results[0];
  const stats = result?.stats;
  if (typeof stats?.bytesPerState !== 'number' || typeof stats.visitedBytesPerState !== 'number')
    throw new Error(`${what}: no bytesPerState in its JSON`);
  const complete = stats.exhaustive === true && r.status !== 3;
  const ms = stats.milliseconds;
  return {
    run: {
      verdict: result!.property !== undefined ? `violation: ${result!.property}` : complete ? 'holds' : 'incomplete',
      states: stats.states,
      transitions: stats.steps,
      depth: stats.depth,
      ms,
      msMin: ms,
      msRuns: [ms],
      statesPerSec: stats.states / (ms / 1000),
      complete,
      ...(stats.cache ? { cacheHits: stats.cache.hits } : {}),
    },
    memory: {
      bytesPerState: stats.bytesPerState,
      visitedBytesPerState: stats.visitedBytesPerState,
      states: stats.states,
      complete,
    },
  };
}

/** Of several runs' memory figures, the run with the median bytes/state (the lower one of an even count). */
export function medianMemory(runs: ProcessMemory[]): ProcessMemory {
  const sorted = [...runs].sort((a, b) => a.bytesPerState - b.bytesPerState);
  return sorted[(sorted.length - 1) >> 1]!;
}
