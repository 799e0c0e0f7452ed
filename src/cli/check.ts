// kmc check [model|file|folder ...]: every variant against its expected verdict.

import { expectations } from '../core/model.ts';
import { checkVariantAsync, DEFAULTS, showExpectation, type CheckOptions, type VariantCheck } from '../check/check.ts';
import { STRATEGIES, STRATEGY_NAMES, strategyOf, type Strategy } from '../explore/strategies.ts';
import {
  DEFAULT_PARTIAL_ORDER,
  PARTIAL_ORDERS,
  type ExhaustiveOptions,
  type PartialOrder,
} from '../explore/exhaustive.ts';
import { MAX_WORKERS } from '../explore/shared-fingerprint-set.ts';
import { saveTraceFile } from '../trace/save.ts';
import { didYouMean } from '../core/suggest.ts';
import {
  integer,
  list,
  flag,
  MAX_STEPS,
  modelParams,
  seconds,
  seedOf,
  str,
  variantOf,
  type Command,
  type Parsed,
} from './args.ts';
import { checkAnnotations, checkJunit, counterexampleText, githubOn, replayCommand, whereIs } from './ci.ts';
import { checkOutDir, checkOutFile, writeOutFile } from './output.ts';
import { colourOn, paint, type Paint } from './colour.ts';
import { PROGRESS_INTERVAL_S, progressReporter } from './progress.ts';
import { coveredBy, interruptedLine, onInterrupt } from './interrupt.ts';
import { EXIT, UsageError } from './errors.ts';
import { stdio, type Io } from './io.ts';
import type { Project } from './project.ts';

import type { Plain } from '../core/model.ts';

export const DEFAULT_OUT = 'kmc-out';
/** the --json document's version: a new number when a field changes meaning or goes away */
export const CHECK_SCHEMA = 'kmc-check/2';
/** --strategy's value: a name in the registry, or a usage error listing them. */
export function strategyArg(name: string | undefined): Strategy {
  const strategy = name ?? 'auto';
  if (strategyOf(strategy) === undefined)
    throw new UsageError(
      `unknown strategy '${strategy}'${didYouMean(strategy, STRATEGY_NAMES)} (available: ${STRATEGY_NAMES.join(', ')})`,
    );
  return strategy as Strategy;
}
export interface Row {
  /** the check's place in the whole run (all shards), from 0 */
  index: number;
  model: string;
  variant: string;
  strategy: string;
  verdict: string;
  property?: string;
  message?: string;
  expected: string;
  asExpected: boolean;
  trace?: string;
  /** steps in the counterexample */
  length?: number;
  /** the same keys whatever the strategy: null where one does not apply (kmc-check/2) */
  stats: {
    runs: number;
    steps: number;
    states: number;
    depth: number;
    exhaustive: boolean;
    milliseconds: number;
    /** bfs/dfs */
    statesPerSecond: number | null;
    /** the process's resident memory grown during the search, per state (Coverage.bytesPerState) */
    bytesPerState: number | null;
    /** the visited set's share: fingerprint set and parent log per state */
    visitedBytesPerState: number | null;
    collisionProbability: number | null;
    /** partialOrder: which partial-order reduction ran ('ample', 'sleep') and what it did */
    reductions: { por: boolean; symmetry: boolean; partialOrder?: string } | null;
    workers: number | null;
    /** transitions the transition cache answered, distinct parts of states stored */
    cache: { hits: number; parts: number } | null;
  };
  note?: string;
  /** the model's file relative to the working directory, and the line of the variant in it */
  source?: string;
  line?: number;
  /** the counterexample in columns (for --junit and kmc merge) */
  counterexample?: string;
}

export const check: Command = {
  name: 'check',
  args: '[model|file|folder ...]',
  summary: "check every variant of the models (the project's, or those named) against its expected verdict",
  options: {
    variant: { type: 'string', value: 'v', help: 'only this variant (needs one model)' },
    strategy: {
      type: 'string',
      value: STRATEGY_NAMES.join('|'),
      help: `how to explore (default auto: ${STRATEGIES.auto.summary})`,
    },
    exhaustive: { type: 'boolean', help: 'a check that only sampled is incomplete (exit 3): for CI that wants proofs' },
    seed: { type: 'string', value: 'n', help: 'random/pct seed (default KMC_SEED, else a fresh one, printed)' },
    runs: { type: 'string', value: 'n', help: `random/pct runs per check (default ${DEFAULTS.runs})` },
    'max-steps': { type: 'string', value: 'n', help: `steps per random/pct run (default ${DEFAULTS.maxSteps})` },
    'max-states': { type: 'string', value: 'n', help: 'bfs/dfs: stop after this many distinct states (exit 3)' },
    'max-depth': { type: 'string', value: 'n', help: 'bfs/dfs: stop at this depth (exit 3)' },
    timeout: { type: 'string', value: 's', help: 'every strategy: stop a check after this many seconds (exit 3)' },
    'max-memory': {
      type: 'string',
      value: 'bytes',
      help: "every strategy: the process's resident memory (RSS), e.g. 512M (exit 3 when reached)",
    },
    workers: { type: 'string', value: 'n', help: `bfs on n worker threads (at most ${MAX_WORKERS})` },
    por: {
      type: 'string',
      value: 'kind',
      help: `bfs/dfs partial-order reduction: ${PARTIAL_ORDERS.join(', ')} (default ${DEFAULT_PARTIAL_ORDER}; ample cuts states where threads take local steps, sleep cuts transitions; README, "Reductions")`,
    },
    'no-por': { type: 'boolean', help: 'bfs/dfs without partial-order reduction (--por none)' },
    'no-symmetry': { type: 'boolean', help: 'bfs/dfs without symmetry reduction' },
    param: { type: 'string', multiple: true, value: 'k=v', help: 'set a model parameter (needs one model)' },
    out: { type: 'string', value: 'dir', help: `where trace files go (default ${DEFAULT_OUT}/)` },
    progress: {
      type: 'string',
      value: 's',
      help: `when stderr is not a terminal, a progress line every s seconds of a long bfs/dfs (default ${PROGRESS_INTERVAL_S}; 0: none)`,
    },
    json: { type: 'boolean', help: 'print one JSON document' },
    junit: { type: 'string', value: 'file', help: 'also write a JUnit XML report (a testcase per expected verdict)' },
    force: { type: 'boolean', help: 'replace an existing --junit file (kmc replaces no file without it)' },
    shard: {
      type: 'string',
      value: 'i/n',
      help: 'only checks k with k mod n = i-1 (n CI jobs together do one run; kmc merge joins their --json)',
    },
    github: {
      type: 'boolean',
      help: 'GitHub Actions annotations on stderr for differing verdicts and model errors (default when GITHUB_ACTIONS=true, without --json)',
    },
  },
  more: 'A bound a strategy cannot honour is refused (README, "Bounds by strategy").\nexit codes: 0 every verdict as expected, 1 a verdict differs, 2 bad input, 3 incomplete, 4 model error',
  run: (p, io, project) => runCheck(p, io, project),
};

/** Refuse an option given that the strategy cannot honour (exit 2, naming the strategies that can). */
export function honoured(p: Parsed, strategy: string, options: readonly string[]): void {
  const can = strategyOf(strategy)?.honours ?? [];
  for (const o of options) {
    if (p.values[o] === undefined || can.includes(o)) continue;
    const who = STRATEGY_NAMES.filter((s) => STRATEGIES[s].honours.includes(o));
    throw new UsageError(`--${o} does not apply to --strategy ${strategy} (it applies to ${who.join(', ')})`);
  }
}

async function runCheck(p: Parsed, io: Io, project: Project): Promise<number> {
  const strategy = strategyArg(str(p, 'strategy'));
  honoured(p, strategy, [
    'runs',
    'max-steps',
    'max-states',
    'max-depth',
    'timeout',
    'max-memory',
    'workers',
    'por',
    'no-por',
    'no-symmetry',
  ]);
  const exhaustive = exhaustiveOptions(p);
  const json = flag(p, 'json');
  const tty = !json && process.stderr.isTTY === true && io.err === stdio.err;
  const progressMs = seconds('progress', str(p, 'progress')) ?? PROGRESS_INTERVAL_S * 1000;
  const shard = shardOf(str(p, 'shard'));
  // shards must sample alike: without --seed they share the default seed, not a fresh one each
  const seed = seedOf(str(p, 'seed'), () =>
    shard !== undefined ? DEFAULTS.seed : Math.floor(Math.random() * 0x7fffffff),
  );
  const runs = integer('runs', str(p, 'runs'), DEFAULTS.runs, 1);
  const maxSteps = integer('max-steps', str(p, 'max-steps'), DEFAULTS.maxSteps, 1, MAX_STEPS);
  const out = str(p, 'out') ?? DEFAULT_OUT;
  checkOutDir(out, 'out');
  const junit = str(p, 'junit');
  const force = flag(p, 'force');
  if (junit !== undefined) checkOutFile(junit, 'junit', force);

  const selected = await project.models(p.positionals);
  const variant = str(p, 'variant');
  if (variant !== undefined && selected.length !== 1)
    throw new UsageError(`--variant needs one model (${selected.length} selected)`);
  if (list(p, 'param') !== undefined && selected.length !== 1)
    throw new UsageError(`--param needs one model (${selected.length} selected)`);
  const all = selected.flatMap((m) => {
    const params = modelParams(list(p, 'param'), m);
    const variants = variant !== undefined ? [variantOf(m, variant)] : Object.keys(m.variants);
    return variants.flatMap((v) =>
      expectations(m.variants[v]!.expect).map((_, e) => ({ model: m, variant: v, params, expectation: e })),
    );
  });
  // check k of the run goes to shard k mod n
  const jobs = all
    .map((j, index) => ({ ...j, index }))
    .filter((j) => shard === undefined || j.index % shard.count === shard.index - 1);

  if (!json) {
    const how = STRATEGIES[strategy].plan(runs);
    io.err(`kmc check: seed ${seed}, ${how} (repeat with --seed ${seed} or KMC_SEED=${seed})\n`);
  }
  const colour = paint(!json && colourOn(process.stdout, io.out === stdio.out));
  const rows: Row[] = [];
  const traces = { created: 0, unchanged: 0 };
  // Ctrl-C: the check in progress stops with what it covered, the rest are not started
  const interrupt = onInterrupt();
  try {
    for (const job of jobs) {
      const reporter = progressReporter({
        tty,
        intervalMs: progressMs,
        label: `${job.model.name} ${job.variant}`,
        write: io.err,
      });
      const onProgress = reporter.onProgress;
      const opts: CheckOptions = {
        strategy,
        runs,
        seed,
        maxSteps,
        params: job.params,
        exhaustive: { ...exhaustive, signal: interrupt.signal, ...(onProgress ? { onProgress } : {}) },
        requireExhaustive: flag(p, 'exhaustive'),
        only: [job.expectation],
      };
      const checks = await checkVariantAsync(job.model, job.variant, opts);
      reporter.done();
      for (const c of checks) {
        rows.push({
          ...toRow(c, job.index, seed, out, project, job.params, traces),
          ...whereIs(job.model, job.variant),
        });
        if (!json) io.out(showRow(rows.at(-1)!, colour));
      }
      if (interrupt.signal.aborted) break;
    }
    if (interrupt.signal.aborted) {
      // what was covered, and no --junit (a report of part of the run would pass for the whole)
      if (json)
        io.out(
          JSON.stringify(
            { schema: CHECK_SCHEMA, seed, checks: all.length, shard: shard ?? null, interrupted: true, results: rows },
            null,
            2,
          ) + '\n',
        );
      io.err(interruptedLine(interrupt.signal, covered(rows, jobs.length)));
      return EXIT.interrupted;
    }

    if (junit !== undefined) writeOutFile(junit, checkJunit(rows), 'junit', force);
    if (githubOn(flag(p, 'github'), json)) io.err(checkAnnotations(rows));
    if (json)
      io.out(
        JSON.stringify(
          { schema: CHECK_SCHEMA, seed, checks: all.length, shard: shard ?? null, results: rows },
          null,
          2,
        ) + '\n',
      );
    else
      io.out(
        summary(rows) +
          (traces.created + traces.unchanged > 0
            ? `traces in ${out.replace(/\/+$/, '')}/ (${traces.created} new, ${traces.unchanged} unchanged)\n`
            : ''),
      );
    return exitCode(rows);
  } finally {
    interrupt.dispose();
  }
}

/** What an interrupted run covered: the check it stopped (states, transitions, depth, time), and the checks finished. */
export function covered(rows: readonly Row[], planned: number): string {
  const last = rows.at(-1);
  const cut = last?.note?.startsWith('stopped by interrupted') === true;
  const stopped = cut
    ? `${last!.model} ${last!.variant} stopped after ${(last!.stats.milliseconds / 1000).toFixed(1)} s (${coveredBy({ strategy: last!.strategy, ...last!.stats })}, not exhaustive)`
    : 'between checks';
  return `${stopped}; ${rows.length - (cut ? 1 : 0)} of ${planned} checks finished`;
}

/** `--shard i/n`: 1 <= i <= n. */
export function shardOf(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]))
    throw new UsageError(`--shard must be i/n with 1 <= i <= n, got '${value}'`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

/** Model errors first (nothing else can be trusted), then differing verdicts, then incomplete checks. */
export function exitCode(rows: readonly { verdict: string; asExpected: boolean }[]): number {
  if (rows.some((r) => r.verdict === 'error')) return EXIT.modelError;
  if (rows.some((r) => !r.asExpected && r.verdict !== 'incomplete')) return EXIT.unexpected;
  if (rows.some((r) => r.verdict === 'incomplete')) return EXIT.incomplete;
  return EXIT.ok;
}

function toRow(
  c: VariantCheck,
  index: number,
  seed: number,
  out: string,
  project: Project,
  overrides: Record<string, Plain>,
  traces: { created: number; unchanged: number },
): Row {
  const { result, system } = c;
  const cov = result.coverage;
  const row: Row = {
    index,
    model: system.modelName,
    variant: system.variant,
    strategy: cov.strategy,
    verdict: c.verdict,
    expected: showExpectation(c.expected),
    asExpected: c.asExpected,
    stats: {
      runs: cov.runs,
      steps: cov.steps,
      states: cov.states,
      depth: cov.depth,
      exhaustive: cov.exhaustive,
      milliseconds: Math.round(cov.ms),
      statesPerSecond: null,
      bytesPerState: null,
      visitedBytesPerState: null,
      collisionProbability: null,
      reductions: null,
      workers: null,
      cache: null,
    },
  };
  if (cov.bytesPerState !== undefined) {
    row.stats.statesPerSecond = Math.round(cov.states / Math.max(cov.ms / 1000, 1e-6));
    row.stats.bytesPerState = Math.round(cov.bytesPerState * 10) / 10;
    row.stats.visitedBytesPerState = Math.round((cov.visitedBytesPerState ?? 0) * 10) / 10;
    row.stats.collisionProbability = cov.collisionProbability ?? 0;
    if (cov.reductions) row.stats.reductions = cov.reductions;
    row.stats.workers = cov.workers ?? 1;
    if (cov.cache) row.stats.cache = cov.cache;
  }
  if (result.kind === 'violation') {
    row.property = result.violation.property;
    row.message = result.violation.message;
    row.length = result.path.length;
    const written = saveTraceFile(c, { root: project.root, overrides, seed, out });
    row.trace = written.path;
    if (written.created) traces.created++;
    else traces.unchanged++;
    const text = counterexampleText(c);
    if (text !== undefined) row.counterexample = text;
  }
  if (c.note !== undefined) row.note = c.note;
  return row;
}

export function showRow(r: Row, colour: Paint = paint(false)): string {
  const mark = r.asExpected
    ? colour('green', 'ok') + '  '
    : r.verdict === 'incomplete'
      ? colour('yellow', '??') + '  '
      : r.verdict === 'error'
        ? colour('red', 'ERR') + ' '
        : colour('red', 'FAIL');
  const verdict =
    r.verdict === 'violates'
      ? `violates ${r.property} (${r.length} steps)`
      : r.verdict === 'sampled'
        ? `no violation in ${r.stats.runs} runs (not exhaustive)`
        : r.verdict === 'error'
          ? 'model error'
          : r.verdict;
  const lines = [`${mark}  ${r.model.padEnd(26)} ${r.variant.padEnd(22)} ${verdict.padEnd(52)} expected ${r.expected}`];
  if (r.message) lines.push(`      ${r.property}: ${r.message}`);
  if (r.trace) lines.push(`      trace: ${r.trace}`, `      replay: ${replayCommand(r.trace)}`);
  if (r.note) lines.push(`      ${r.verdict === 'error' ? 'model error: ' : ''}${r.note}`);
  const st = r.stats;
  if (st.bytesPerState !== null) {
    const red = st.reductions
      ? [st.reductions.partialOrder ?? (st.reductions.por ? 'por' : ''), st.reductions.symmetry ? 'symmetry' : '']
          .filter(Boolean)
          .join('+') || 'no reductions'
      : '';
    lines.push(
      `      ${r.strategy}: ${st.states} distinct states, ${st.steps} transitions, depth ${st.depth}, ${st.exhaustive ? 'exhaustive' : 'not exhaustive'}, ` +
        `${st.milliseconds} ms (${st.statesPerSecond} states/s), ${st.bytesPerState} bytes/state in the process (${st.visitedBytesPerState} in the visited set), P(fingerprint collision) ~ ${st.collisionProbability!.toExponential(1)}, ${red}` +
        (st.workers && st.workers > 1 ? `, ${st.workers} workers` : '') +
        (st.cache && st.steps > 0
          ? `, ${Math.round((100 * st.cache.hits) / st.steps)}% of transitions from the cache (${st.cache.parts} distinct parts)`
          : ''),
    );
  }
  return lines.join('\n') + '\n';
}

export function summary(rows: readonly Row[]): string {
  const good = rows.filter((r) => r.asExpected).length;
  return `${rows.length} checks of ${new Set(rows.map((r) => `${r.model} ${r.variant}`)).size} variants: ${good} as expected, ${rows.length - good} not\n`;
}

/** `--max-memory 512M`, `2G`, or bytes. */
function bytes(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)([KMG]?)B?$/i.exec(value);
  if (!m) throw new UsageError(`--${flag} must be bytes, optionally with K, M or G (e.g. 512M), got '${value}'`);
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

function exhaustiveOptions(p: Parsed): ExhaustiveOptions {
  const str = (k: string) => p.values[k] as string | undefined;
  const o: ExhaustiveOptions = { por: partialOrderArg(p), symmetry: !flag(p, 'no-symmetry') };
  if (str('max-states') !== undefined) o.maxStates = integer('max-states', str('max-states'), 0, 1);
  if (str('max-depth') !== undefined) o.maxDepth = integer('max-depth', str('max-depth'), 0, 0);
  const timeoutMs = seconds('timeout', str('timeout'));
  if (timeoutMs !== undefined) o.timeoutMs = timeoutMs;
  const mem = bytes('max-memory', str('max-memory'));
  if (mem !== undefined) o.maxMemoryBytes = mem;
  if (str('workers') !== undefined) {
    o.workers = integer('workers', str('workers'), 1, 1);
    if (o.workers > MAX_WORKERS) throw new UsageError(`--workers must be at most ${MAX_WORKERS}, got ${o.workers}`);
    // the workers run without partial-order reduction (parallel.ts): asked for by name, refused
    if (o.workers > 1 && str('por') !== undefined && o.por !== 'none')
      throw new UsageError(`--por ${o.por} does not apply with --workers ${o.workers} (workers run with --por none)`);
  }
  return o;
}

/** --por kind, or --no-por (= none); neither: the default. */
function partialOrderArg(p: Parsed): PartialOrder {
  const kind = p.values.por as string | undefined;
  const off = flag(p, 'no-por');
  if (kind === undefined) return off ? 'none' : DEFAULT_PARTIAL_ORDER;
  if (!PARTIAL_ORDERS.includes(kind as PartialOrder))
    throw new UsageError(
      `--por must be one of ${PARTIAL_ORDERS.join(', ')}, got '${kind}'${didYouMean(kind, PARTIAL_ORDERS)}`,
    );
  if (off && kind !== 'none') throw new UsageError(`--no-por and --por ${kind} contradict each other`);
  return kind as PartialOrder;
}
