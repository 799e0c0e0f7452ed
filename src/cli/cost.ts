// kmc cost <model> [--variant v ...] [--param k=v ...] [--sweep k=a..b] [--series k=a,b]
//          [--cpus n] [--io n] [--svg file] [--json]
// One run: a table of where each thread's time went, and a Gantt chart. A sweep: the
// makespan for each value, one column (and one chart line) per variant and series value.

import type { Model } from '../core/model.ts';
import { paramError } from '../core/params.ts';
import { didYouMean } from '../core/suggest.ts';
import { simulate, type CostResult } from '../cost/simulate.ts';
import { ganttSvg, lineSvg, type Series } from '../cost/svg.ts';
import { parseSweep, type SweepPoint, type SweepSpec } from '../cost/sweep.ts';
import { flag, integer, list, modelParams, seconds, str, variantOf, type Command, type Parsed } from './args.ts';
import { EXIT, UsageError } from './errors.ts';
import { interruptedLine, onInterrupt } from './interrupt.ts';
import type { Io } from './io.ts';
import { checkOutDir, checkOutFile, writeNumbered, writeOutFile } from './output.ts';
import type { Project } from './project.ts';

/** Where --sweep values stop: a chart of more points says nothing more, and each is a whole run. */
export const MAX_SWEEP_POINTS = 64;
/** CPUs or I/O queues a simulation may have */
export const MAX_UNITS = 1024;
const DEFAULT_DIR = 'kmc-out';

const s3 = (v: number) => v.toFixed(3);

/** A --sweep or --series: a number parameter of the model, every value one its schema allows, not too many. */
function numericParam(m: Model, spec: SweepSpec, flag: string): void {
  const { key, values } = spec;
  if (!Object.hasOwn(m.params, key))
    throw new UsageError(
      `model ${m.name} has no parameter '${key}'${didYouMean(key, Object.keys(m.params))} (it has: ${Object.keys(m.params).join(', ')})`,
    );
  if (typeof m.params[key] !== 'number')
    throw new UsageError(`--${flag} needs a number parameter; ${key} of ${m.name} is not one`);
  if (values.length > MAX_SWEEP_POINTS)
    throw new UsageError(`--${flag} ${key}: ${values.length} values, at most ${MAX_SWEEP_POINTS}`);
  for (const v of values) {
    const bad = paramError(m, key, v);
    if (bad !== undefined) throw new UsageError(`--${flag}: ${bad}`);
  }
}

function showRun(r: CostResult): string {
  const lines = [
    `${r.model} ${r.variant}: makespan ${s3(r.makespan)} s on ${r.cpus} CPU(s) and ${r.io} I/O queue(s)${r.complete ? '' : ' (INCOMPLETE: some thread never returned)'}`,
  ];
  if (r.violation) lines.push(`  the plain schedule raised ${r.violation.property}: ${r.violation.message}`);
  lines.push(`  ${'thread'.padEnd(16)} ${'step'.padEnd(28)} ${'busy s'.padStart(9)} ${'ends at s'.padStart(10)}`);
  for (const t of r.threads) {
    const entries = Object.entries(t.busy);
    if (entries.length === 0)
      lines.push(
        `  ${t.name.padEnd(16)} ${'(instant steps only)'.padEnd(28)} ${''.padStart(9)} ${s3(t.end).padStart(10)}${t.done ? '' : `  stuck at ${t.pc}`}`,
      );
    entries.forEach(([step, secs], j) => {
      lines.push(
        `  ${(j === 0 ? t.name : '').padEnd(16)} ${step.padEnd(28)} ${s3(secs).padStart(9)} ${(j === 0 ? s3(t.end) : '').padStart(10)}${j === 0 && !t.done ? `  stuck at ${t.pc}` : ''}`,
      );
    });
  }
  return lines.join('\n') + '\n';
}

export const cost: Command = {
  name: 'cost',
  args: '<model|file>',
  summary:
    'simulate step costs: the makespan, where each thread spent its time, a Gantt chart (or a sweep of one parameter)',
  options: {
    variant: { type: 'string', multiple: true, value: 'v', help: 'the variants to run (default: the first)' },
    param: { type: 'string', multiple: true, value: 'k=v', help: 'set a model parameter' },
    sweep: {
      type: 'string',
      value: 'k=a..b',
      help: 'the makespan for each value of a number parameter (a..b, a..b*2, a,b,c)',
    },
    series: { type: 'string', value: 'k=a,b', help: 'with --sweep: one column per value of another parameter' },
    cpus: { type: 'string', value: 'n', help: 'CPUs (default 2)' },
    io: { type: 'string', value: 'n', help: 'I/O queues (default 1)' },
    svg: {
      type: 'string',
      value: 'file',
      help: 'where the chart goes (default kmc-out/cost.<model>...svg, or .2.svg, ... when another file has that name)',
    },
    force: { type: 'boolean', help: 'replace an existing --svg file (kmc replaces no file without it)' },
    timeout: { type: 'string', value: 's', help: 'stop after this many seconds of simulation (exit 3, no chart)' },
    json: { type: 'boolean', help: 'print JSON' },
  },
  run: (p, io, project) => runCost(p, io, project),
};

async function runCost(p: Parsed, io: Io, project: Project): Promise<number> {
  const values = {
    sweep: str(p, 'sweep'),
    series: str(p, 'series'),
    svg: str(p, 'svg'),
    json: flag(p, 'json'),
    force: flag(p, 'force'),
  };
  if (p.positionals.length !== 1) throw new UsageError('cost takes one model (kmc list shows them)');
  const timeoutMs = seconds('timeout', str(p, 'timeout'));
  const cpus = integer('cpus', str(p, 'cpus'), 2, 1);
  const ioq = integer('io', str(p, 'io'), 1, 1);
  if (cpus > MAX_UNITS || ioq > MAX_UNITS) throw new UsageError(`--cpus and --io are at most ${MAX_UNITS}`);
  const m = await project.model(p.positionals[0]!);
  const variants = (list(p, 'variant') ?? [Object.keys(m.variants)[0]!]).map((v) => variantOf(m, v));
  const params = modelParams(list(p, 'param'), m);
  const base = `cost.${m.name.replaceAll('/', '.')}`;
  let spec: SweepSpec | undefined;
  let seriesSpec: SweepSpec | undefined;
  if (values.sweep !== undefined) {
    const s = parseSweep(values.sweep);
    if (typeof s === 'string') throw new UsageError(s);
    numericParam(m, s, 'sweep');
    spec = s;
    if (values.series !== undefined) {
      const t = parseSweep(values.series);
      if (typeof t === 'string') throw new UsageError(t.replace('--sweep', '--series'));
      numericParam(m, t, 'series');
      seriesSpec = t;
    }
  } else if (values.series !== undefined) throw new UsageError('--series needs --sweep');
  // where the charts go, checked before anything runs
  const svgOf = (variant: string) =>
    values.svg === undefined
      ? undefined
      : variants.length === 1
        ? values.svg
        : values.svg.replace(/(\.svg)?$/, `.${variant}.svg`);
  if (values.svg === undefined) checkOutDir(DEFAULT_DIR, 'svg');
  else
    for (const path of spec === undefined ? new Set(variants.map(svgOf)) : [values.svg])
      checkOutFile(path!, 'svg', values.force);
  const write = (path: string | undefined, name: string, text: string) =>
    (path !== undefined
      ? writeOutFile(path, text, 'svg', values.force)
      : writeNumbered(DEFAULT_DIR, name, '.svg', text, 'svg')
    ).path;

  const started = performance.now();
  const over = () => timeoutMs !== undefined && performance.now() - started > timeoutMs;
  const stopped = (done: number, all: number, what: string) => {
    io.err(`kmc cost: stopped by timeout (${timeoutMs! / 1000} s) after ${done} of ${all} ${what}; no chart written\n`);
    return EXIT.incomplete;
  };
  // Ctrl-C: seen between simulations (each gives way to the event loop once it is done)
  const interrupt = onInterrupt();
  const cut = (done: number, all: number, what: string) => {
    const s = ((performance.now() - started) / 1000).toFixed(1);
    io.err(interruptedLine(interrupt.signal, `${done} of ${all} ${what} done in ${s} s; no chart written`));
    return EXIT.interrupted;
  };
  const giveWay = () => new Promise<void>((resolve) => setImmediate(resolve));
  try {
    if (spec === undefined) {
      const runs: CostResult[] = [];
      for (const v of variants) {
        if (over()) return stopped(runs.length, variants.length, 'runs');
        runs.push(simulate(m, v, { cpus, io: ioq, params }));
        await giveWay();
        if (interrupt.signal.aborted) return cut(runs.length, variants.length, 'runs');
      }
      if (values.json) io.out(JSON.stringify(runs, null, 2) + '\n');
      else for (const r of runs) io.out(showRun(r));
      const svgs = runs.map((r) =>
        write(
          svgOf(r.variant),
          `${base}.${r.variant}`,
          ganttSvg(r, `${m.name} ${r.variant}: makespan ${s3(r.makespan)} s`),
        ),
      );
      if (!values.json) io.out(`gantt: ${svgs.join(', ')}\n`);
      return runs.every((r) => r.complete && !r.violation) ? EXIT.ok : EXIT.unexpected;
    }

    const sweepSpec = spec;
    const columns = variants.flatMap((v) =>
      seriesSpec
        ? seriesSpec.values.map((sv) => ({
            v,
            name: `${v} ${seriesSpec!.key}=${sv}`,
            extra: { [seriesSpec!.key]: sv },
          }))
        : [{ v, name: v, extra: {} }],
    );
    const total = columns.length * sweepSpec.values.length;
    const results: { name: string; points: SweepPoint[] }[] = [];
    for (const c of columns) {
      const points: SweepPoint[] = [];
      for (const value of sweepSpec.values) {
        if (over()) return stopped(results.length * sweepSpec.values.length + points.length, total, 'simulations');
        points.push({
          value,
          result: simulate(m, c.v, { cpus, io: ioq, params: { ...params, ...c.extra, [sweepSpec.key]: value } }),
        });
        await giveWay();
        if (interrupt.signal.aborted)
          return cut(results.length * sweepSpec.values.length + points.length, total, 'simulations');
      }
      results.push({ name: c.name, points });
    }
    if (values.json) {
      io.out(
        JSON.stringify(
          {
            model: m.name,
            sweep: sweepSpec.key,
            columns: results.map((r) => ({
              name: r.name,
              points: r.points.map((p) => ({
                [sweepSpec.key]: p.value,
                makespan: p.result.makespan,
                complete: p.result.complete,
              })),
            })),
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      io.out(`${m.name}: makespan (s) by ${sweepSpec.key}, ${cpus} CPU(s), ${ioq} I/O queue(s)\n`);
      io.out(
        `${sweepSpec.key.padStart(10)} ${results.map((r) => r.name.padStart(Math.max(12, r.name.length))).join(' ')}\n`,
      );
      sweepSpec.values.forEach((value, i) => {
        io.out(
          `${String(value).padStart(10)} ${results.map((r) => s3(r.points[i]!.result.makespan).padStart(Math.max(12, r.name.length))).join(' ')}\n`,
        );
      });
    }
    const series: Series[] = results.map((r) => ({
      name: r.name,
      points: r.points.map((p) => [p.value, p.result.makespan] as [number, number]),
    }));
    const vals = sweepSpec.values;
    const logX = vals.length > 2 && vals.every((v) => v > 0) && vals[vals.length - 1]! / vals[0]! >= 16;
    const path = write(
      values.svg,
      `${base}.sweep-${sweepSpec.key}`,
      lineSvg({
        title: `${m.name}: makespan by ${sweepSpec.key}`,
        xLabel: sweepSpec.key,
        yLabel: 'makespan (s)',
        series,
        logX,
      }),
    );
    if (!values.json) io.out(`chart: ${path}\n`);
    return results.every((r) => r.points.every((p) => p.result.complete && !p.result.violation))
      ? EXIT.ok
      : EXIT.unexpected;
  } finally {
    interrupt.dispose();
  }
}
