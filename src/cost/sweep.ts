// Sweeping one parameter of a model through the cost simulation.

import type { Model, Plain } from '../core/model.ts';
import { simulate, type CostOptions, type CostResult } from './simulate.ts';

export interface SweepSpec {
  key: string;
  values: number[];
}

/**
 * `k=a..b`: every integer from a to b when that is at most 32 values, else a, 2a, 4a, ...
 * up to b (and b itself); `k=a,b,c`: those values.
 */
export function parseSweep(spec: string): SweepSpec | string {
  const m = /^([A-Za-z_][\w-]*)=(.+)$/.exec(spec);
  if (!m) return `--sweep expects key=a..b or key=a,b,c, got '${spec}'`;
  const [, key, range] = m as unknown as [string, string, string];
  const num = /^-?\d+(\.\d+)?$/;
  const r = /^(.+)\.\.(.+)$/.exec(range);
  if (r) {
    const [, a, b] = r as unknown as [string, string, string];
    if (!num.test(a) || !num.test(b)) return `--sweep range must be numbers, got '${range}'`;
    const lo = Number(a);
    const hi = Number(b);
    if (!(hi >= lo)) return `--sweep range is empty: '${range}'`;
    if (Number.isInteger(lo) && Number.isInteger(hi) && hi - lo <= 31)
      return { key, values: Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) };
    if (!(lo > 0)) return `--sweep range ${range} is too long to step by 1 and does not start above 0 (for doubling)`;
    const values: number[] = [];
    for (let v = lo; v < hi; v *= 2) values.push(v);
    values.push(hi);
    return { key, values };
  }
  const parts = range.split(',');
  if (!parts.every((p) => num.test(p))) return `--sweep values must be numbers, got '${range}'`;
  return { key, values: parts.map(Number) };
}

export interface SweepPoint {
  value: number;
  result: CostResult;
}

export function sweep(model: Model, variant: string, spec: SweepSpec, opts: CostOptions = {}): SweepPoint[] {
  return spec.values.map((value) => ({
    value,
    result: simulate(model, variant, { ...opts, params: { ...(opts.params ?? {}), [spec.key]: value as Plain } }),
  }));
}
