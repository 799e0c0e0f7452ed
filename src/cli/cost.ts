// kmc cost <model> [--variant v ...] [--param k=v ...] [--sweep k=a..b] [--series k=a,b]
//          [--cpus n] [--io n] [--svg file] [--json]
// One run: a table of where each thread's time went, and a Gantt chart. A sweep: the
// makespan for each value, one column (and one chart line) per variant and series value.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Model, Plain } from '../core/model.ts';
import { simulate, type CostResult } from '../cost/simulate.ts';
import { ganttSvg, lineSvg, type Series } from '../cost/svg.ts';
import { parseSweep, sweep, type SweepSpec } from '../cost/sweep.ts';
import { integer, modelParams, parse } from './args.ts';
import { EXIT, UsageError, type Io } from './errors.ts';
import { findModel } from './models.ts';

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const s3 = (v: number) => v.toFixed(3);

function numericParam(m: Model, key: string, flag: string): void {
  if (!(key in m.params)) throw new UsageError(`model ${m.name} has no parameter '${key}' (it has: ${Object.keys(m.params).join(', ')})`);
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

export async function cost(args: string[], models: readonly Model[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    variant: { type: 'string', multiple: true },
    param: { type: 'string', multiple: true },
    sweep: { type: 'string' },
    series: { type: 'string' },
    cpus: { type: 'string' },
    io: { type: 'string' },
    svg: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('cost takes one model (kmc list shows them)');
  const m = findModel(models, positionals[0]!);
  const variants = values.variant ?? [Object.keys(m.variants)[0]!];
  for (const v of variants) if (!(v in m.variants)) throw new UsageError(`model ${m.name} has no variant '${v}' (it has: ${Object.keys(m.variants).join(', ')})`);
  const params = modelParams(values.param, m.params as Record<string, Plain>, m.name);
  const cpus = integer('cpus', values.cpus, 2, 1);
  const ioq = integer('io', values.io, 1, 1);
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
