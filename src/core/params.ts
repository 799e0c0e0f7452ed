// Parameter values against the model's declared parameters: the type of each default, and
// the ranges or allowed values of its schema. Used when a model loads (its variants), for
// --param on the command line, and for the parameters a trace replays with.

import type { Model, ParamSchema, Plain } from './model.ts';
import { didYouMean } from './suggest.ts';

const kind = (v: unknown) => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);

/** Why `value` is no value of parameter `key`, or undefined when it is one. */
export function paramError(model: Model, key: string, value: unknown): string | undefined {
  if (!Object.hasOwn(model.params, key))
    return `model ${model.name} has no parameter '${key}' (it has: ${Object.keys(model.params).join(', ')})`;
  const d = model.params[key];
  if (kind(value) !== kind(d)) return `parameter ${key} of ${model.name} is a ${kind(d)}, got ${JSON.stringify(value)}`;
  if (typeof value === 'number' && !Number.isFinite(value))
    return `parameter ${key} of ${model.name} must be a finite number, got ${value}`;
  if (model.orderings?.param === key) {
    // the order of the kernel path's blocks: every name one of them, none twice (kmc orderings checks the rest)
    const known = new Set(Object.values(model.orderings.blocks).flat());
    const names = String(value).split(',');
    const bad = names.find((b) => !known.has(b));
    if (bad !== undefined)
      return `parameter ${key} of ${model.name} names block '${bad}', which no block set has${didYouMean(bad, known)} (blocks: ${[...known].join(', ')})`;
    const twice = names.find((b, i) => names.indexOf(b) !== i);
    if (twice !== undefined) return `parameter ${key} of ${model.name} names block '${twice}' twice`;
  }
  const s: ParamSchema | undefined = model.schema?.[key];
  if (s === undefined) return undefined;
  const bad = `parameter ${key} of ${model.name}`;
  if (s.values !== undefined && !s.values.includes(value as string))
    return `${bad} is one of ${s.values.join(', ')}, got ${JSON.stringify(value)}`;
  if (typeof value === 'number') {
    if (s.integer && !Number.isInteger(value)) return `${bad} is a whole number, got ${value}`;
    if (s.min !== undefined && value < s.min) return `${bad} is at least ${s.min}, got ${value}`;
    if (s.max !== undefined && value > s.max) return `${bad} is at most ${s.max}, got ${value}`;
  }
  const why = s.check?.(value as Plain);
  return why === undefined ? undefined : `${bad}: ${why}`;
}

/** The first problem with a set of parameter values, or undefined. */
export function paramsError(model: Model, params: Record<string, unknown>): string | undefined {
  for (const [k, v] of Object.entries(params)) {
    const e = paramError(model, k, v);
    if (e !== undefined) return e;
  }
  return undefined;
}
