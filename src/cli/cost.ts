// kmc cost <model> [--variant v ...] [--param k=v ...] [--sweep k=a..b] [--series k=a,b]
//          [--cpus n] [--io n] [--svg file] [--json]
// One run: a table of where each thread's time went, and a Gantt chart. A sweep: the
// makespan for each value, one column (and one chart line) per variant and series value.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Model } from '../core/model.ts';
import { simulate, type CostResult } from '../cost/simulate.ts';
import { ganttSvg, lineSvg, type Series } from '../cost/svg.ts';
import { parseSweep, sweep, type SweepSpec } from '../cost/sweep.ts';
import { flag, integer, list, modelParams, str, variantOf, type Command, type Parsed } from './args.ts';
import { EXIT, UsageError } from './errors.ts';
import type { Io } from './io.ts';
import type { Project } from './project.ts';

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const s3 = (v: number) => v.toFixed(3);

function numericParam(m: Model, key: string, flag: string): void {
  if (!Object.hasOwn(m.params, key)) throw new UsageError(`model ${m.name} has no parameter '${key}' (it has: ${Object.keys(m.params).join(', ')})`);
  if (typeof m.params[key] !== 'number') throw new UsageError(`--${flag} needs a number parameter; ${key} of ${m.name} is not one`);
}

function showRun(r: CostResult): string {
  const lines = [`${r.model} ${r.variant}: makespan ${s3(r.makespan)} s on ${r.cpus} CPU(s) and ${r.io} I/O queue(s)${r.complete ? '' : ' (INCOMPLETE: some thread never returned)'}`];
  if (r.violation) lines.push(`  the plain schedule raised ${r.violation.property}: ${r.violation.message}`);
  lines.push(`  ${'thread'.padEnd(16)} ${'step'.padEnd(28)} ${'busy s'.padStart(9)} ${'ends at s'.padStart(10)}`);
  for (const t of r.threads) {
    const entries = Object.entries(t.busy);
    if (entries.length === 0) lines.push(`  ${t.name.padEnd(16)} ${'(instant steps only)'.padEnd(28)} ${''.padStart(9)} ${s3(t.end).padStart(10)}${t.done ? '' : `  stuck at ${t.pc}`}`);
    entries.forEach(([step, secs], j) => {
      lines.push(`  ${(j === 0 ? t.name : '').padEnd(16)} ${step.padEnd(28)} ${s3(secs).padStart(9)} ${(j === 0 ? s3(t.end) : '').padStart(10)}${j === 0 && !t.done ? `  stuck at ${t.pc}` : ''}`);
    });
  }
  return lines.join('\n') + '\n';
}

export const cost: Command = {
  name: 'cost',
  args: '<model|file>',
  summary: 'simulate step costs: the makespan, where each thread spent its time, a Gantt chart (or a sweep of one parameter)',
  options: {
    variant: { type: 'string', multiple: true, value: 'v', help: 'the variants to run (default: the first)' },
    param: { type: 'string', multiple: true, value: 'k=v', help: 'set a model parameter' },
    sweep: { type: 'string', value: 'k=a..b', help: 'the makespan for each value of a number parameter (a..b, a..b*2, a,b,c)' },
    series: { type: 'string', value: 'k=a,b', help: 'with --sweep: one column per value of another parameter' },
    cpus: { type: 'string', value: 'n', help: 'CPUs (default 2)' },
    io: { type: 'string', value: 'n', help: 'I/O queues (default 1)' },
    svg: { type: 'string', value: 'file', help: 'where the chart goes (default kmc-out/cost.<model>...svg)' },
    json: { type: 'boolean', help: 'print JSON' },
  },
  run: (p, io, project) => runCost(p, io, project),
};

async function runCost(p: Parsed, io: Io, project: Project): Promise<number> {
  const values = { sweep: str(p, 'sweep'), series: str(p, 'series'), svg: str(p, 'svg'), json: flag(p, 'json') };
  if (p.positionals.length !== 1) throw new UsageError('cost takes one model (kmc list shows them)');
  const m = await project.model(p.positionals[0]!);
  const variants = (list(p, 'variant') ?? [Object.keys(m.variants)[0]!]).map((v) => variantOf(m, v));
  const params = modelParams(list(p, 'param'), m);
  const cpus = integer('cpus', str(p, 'cpus'), 2, 1);
  const ioq = integer('io', str(p, 'io'), 1, 1);
  const base = `kmc-out/cost.${m.name.replaceAll('/', '.')}`;

  if (values.sweep === undefined) {
    if (values.series !== undefined) throw new UsageError('--series needs --sweep');
    const runs = variants.map((v) => simulate(m, v, { cpus, io: ioq, params }));
    if (values.json) io.out(JSON.stringify(runs, null, 2) + '\n');
    else for (const r of runs) io.out(showRun(r));
    const svgs = runs.map((r, i) => {
      const path = values.svg !== undefined ? (runs.length === 1 ? values.svg : values.svg.replace(/(\.svg)?$/, `.${r.variant}.svg`)) : `${base}.${r.variant}.svg`;
      writeFile(path, ganttSvg(r, `${m.name} ${r.variant}: makespan ${s3(r.makespan)} s`));
      return path;
    });
    if (!values.json) io.out(`gantt: ${svgs.join(', ')}\n`);
    return runs.every((r) => r.complete && !r.violation) ? EXIT.ok : EXIT.unexpected;
  }

  const spec = parseSweep(values.sweep);
  if (typeof spec === 'string') throw new UsageError(spec);
  numericParam(m, spec.key, 'sweep');
  let seriesSpec: SweepSpec | undefined;
  if (values.series !== undefined) {
    const s = parseSweep(values.series);
    if (typeof s === 'string') throw new UsageError(s.replace('--sweep', '--series'));
    numericParam(m, s.key, 'series');
    seriesSpec = s;
  }
  const columns = variants.flatMap((v) => (seriesSpec ? seriesSpec.values.map((sv) => ({ v, name: `${v} ${seriesSpec!.key}=${sv}`, extra: { [seriesSpec!.key]: sv } })) : [{ v, name: v, extra: {} }]));
  const results = columns.map((c) => ({ ...c, points: sweep(m, c.v, spec, { cpus, io: ioq, params: { ...params, ...c.extra } }) }));
  if (values.json) {
    io.out(JSON.stringify({ model: m.name, sweep: spec.key, columns: results.map((r) => ({ name: r.name, points: r.points.map((p) => ({ [spec.key]: p.value, makespan: p.result.makespan, complete: p.result.complete })) })) }, null, 2) + '\n');
  } else {
    io.out(`${m.name}: makespan (s) by ${spec.key}, ${cpus} CPU(s), ${ioq} I/O queue(s)\n`);
    io.out(`${spec.key.padStart(10)} ${results.map((r) => r.name.padStart(Math.max(12, r.name.length))).join(' ')}\n`);
    spec.values.forEach((value, i) => {
      io.out(`${String(value).padStart(10)} ${results.map((r) => s3(r.points[i]!.result.makespan).padStart(Math.max(12, r.name.length))).join(' ')}\n`);
    });
  }
  const series: Series[] = results.map((r) => ({ name: r.name, points: r.points.map((p) => [p.value, p.result.makespan] as [number, number]) }));
  const vals = spec.values;
  const logX = vals.length > 2 && vals.every((v) => v > 0) && vals[vals.length - 1]! / vals[0]! >= 16;
  const path = values.svg ?? `${base}.sweep-${spec.key}.svg`;
  writeFile(path, lineSvg({ title: `${m.name}: makespan by ${spec.key}`, xLabel: spec.key, yLabel: 'makespan (s)', series, logX }));
  if (!values.json) io.out(`chart: ${path}\n`);
  return results.every((r) => r.points.every((p) => p.result.complete && !p.result.violation)) ? EXIT.ok : EXIT.unexpected;
}
