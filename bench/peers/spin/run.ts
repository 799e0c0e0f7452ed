// Running SPIN on a generated Promela model: spin -a, gcc, pan; parse what pan prints.
// Nothing is installed here: when spin or gcc is missing, `spinMissing()` says how to get them.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpinRun {
  states: number;
  transitions: number;
  depth: number;
  errors: number;
  /** pan's own elapsed time */
  ms: number;
  /** spin -a + gcc */
  compileMs: number;
  /** pan's "actual memory usage for states" per stored state */
  bytesPerState: number;
  /** pan's "total actual memory usage" (states, hash table, DFS stack) per stored state */
  totalBytesPerState: number;
  /**
   * the resident memory pan grew by during its search, per stored state: its peak RSS
   * (GNU time's %M; pan frees nothing before it exits, so its peak is its end) minus the RSS
   * of the same pan before it searches (`pan -?`, which stops at its options); undefined
   * without GNU time
   */
  rssBytesPerState?: number;
  stateVector: number;
  /** pan stopped at a bound (memory) before the end */
  complete: boolean;
  output: string;
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

const GNU_TIME = '/usr/bin/time';
/** The line GNU time appends to a run's stderr: the peak resident set in KiB. */
const PEAK = 'kmc-bench peak rss KiB:';
let gnuTime: boolean | undefined;

/** Whether GNU time is here to report a process's peak RSS (BusyBox's has no -f). */
export function hasGnuTime(): boolean {
  gnuTime ??= spawnSync(GNU_TIME, ['-f', `${PEAK} %M`, 'true'], { encoding: 'utf8' }).stderr?.includes(PEAK) ?? false;
  return gnuTime;
}

/** `cmd args` in `cwd`, under GNU time when it is here: its output, and its peak RSS in bytes. */
function runMeasured(cmd: string, args: string[], cwd: string): { output: string; peakRss?: number } {
  const timed = hasGnuTime();
  const r = timed
    ? spawnSync(GNU_TIME, ['-f', `${PEAK} %M`, cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const output = `${r.stdout}${r.stderr}`;
  const kib = timed ? Number(new RegExp(`${PEAK} (\\d+)`).exec(output)?.[1] ?? NaN) : NaN;
  return Number.isFinite(kib) ? { output, peakRss: kib * 1024 } : { output };
}

/** Why SPIN cannot run here, with how to get it; undefined when it can. */
export function spinMissing(): string | undefined {
  if (!has('spin'))
    return 'spin is not installed: apt-get install spin (Debian/Ubuntu), or build it from https://github.com/nimble-code/Spin';
  if (!has('gcc')) return 'gcc is not installed (SPIN compiles its verifier with it): apt-get install gcc';
  return undefined;
}

export interface SpinOptions {
  /** -DNOREDUCE: no partial-order reduction */
  noReduce: boolean;
  /** log2 of the hash table slots (pan -w) */
  hashBits?: number;
  /** pan -m, the depth limit */
  maxDepth?: number;
  /** megabytes pan may use (-DMEMLIM) */
  memLimitMb?: number;
  /** gcc optimisation (default -O2; tests use -O0, which compiles several times faster) */
  optimize?: string;
  /**
   * spin's optimisation flags (default -o2, which keeps write-only variables in the state
   * vector). The BEEM ports use -o1: no dataflow optimisation, so SPIN does not reset dead
   * locals to 0 and a process's locals are part of its state exactly as in kmc.
   */
  spinFlags?: readonly string[];
  /** pan's further flags, e.g. -E (invalid end states are no errors: a model that deadlocks by construction) */
  panFlags?: readonly string[];
  /** macros for the Promela's preprocessor (spin -D), e.g. { N: 4 } */
  defines?: Readonly<Record<string, string | number | boolean>>;
}

/** A compiled pan: run it as often as a measurement needs, then remove it. */
export interface Pan {
  /** spin -a + gcc */
  compileMs: number;
  run(): SpinRun;
  remove(): void;
}

/** spin -a and gcc, in a directory of its own. */
export function compileSpin(pml: string, opts: SpinOptions): Pan {
  const dir = mkdtempSync(join(tmpdir(), 'kmc-spin-'));
  writeFileSync(join(dir, 'model.pml'), pml);
  const t0 = performance.now();
  // -o2: keep write-only variables (an observation's thread and fd, a mapping's owner) in the
  // state vector: they are part of kmc's states, and SPIN would otherwise hide them.
  const macros = Object.entries(opts.defines ?? {})
    .filter(([, v]) => v !== false)
    .map(([k, v]) => (v === true ? `-D${k}` : `-D${k}=${v}`));
  try {
    execFileSync('spin', [...(opts.spinFlags ?? ['-o2']), ...macros, '-a', 'model.pml'], { cwd: dir, stdio: 'pipe' });
    const defines = [...(opts.noReduce ? ['-DNOREDUCE'] : []), `-DMEMLIM=${opts.memLimitMb ?? 8192}`];
    execFileSync('gcc', ['-w', opts.optimize ?? '-O2', ...defines, '-o', 'pan', 'pan.c'], { cwd: dir, stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const compileMs = performance.now() - t0;
  const args = [...(opts.panFlags ?? []), `-m${opts.maxDepth ?? 100000}`, `-w${opts.hashBits ?? 24}`];
  // pan's RSS before it searches: `pan -?` prints its usage and exits before allocating anything
  const before = runMeasured('./pan', ['-?'], dir).peakRss;
  return {
    compileMs,
    run: () => {
      const r = runMeasured('./pan', args, dir);
      const run = parsePan(r.output, compileMs);
      if (r.peakRss !== undefined && before !== undefined && run.states > 0)
        run.rssBytesPerState = Math.max(0, r.peakRss - before) / run.states;
      return run;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Compile, run pan once, remove it. */
export function runSpin(pml: string, opts: SpinOptions): SpinRun {
  const pan = compileSpin(pml, opts);
  try {
    return pan.run();
  } finally {
    pan.remove();
  }
}

/** What pan printed, read. */
function parsePan(out: string, compileMs: number): SpinRun {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const states = num(/(\d+) states, stored/);
  const stored = num(/([\d.]+)\s+actual memory usage for states/);
  const total = num(/([\d.]+)\s+total actual memory usage/);
  return {
    states,
    transitions: num(/(\d+) transitions \(= stored\+matched\)/),
    depth: num(/depth reached (\d+)/),
    errors: num(/errors: (\d+)/),
    ms: num(/pan: elapsed time ([\d.e+-]+) seconds/) * 1000,
    compileMs,
    bytesPerState: (stored * 1024 * 1024) / states,
    totalBytesPerState: (total * 1024 * 1024) / states,
    stateVector: num(/State-vector (\d+) byte/),
    complete: !/pan: reached -DMEMLIM bound|error: max search depth too small/.test(out),
    output: out,
  };
}
