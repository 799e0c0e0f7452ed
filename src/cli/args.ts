// Argument parsing on node:util parseArgs; every parse problem becomes a one-line UsageError.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Plain } from '../core/model.ts';
import { UsageError } from './errors.ts';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
}

export function integer(flag: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${flag} must be an integer >= ${min}, got '${value}'`);
  }
  return Number(value);
}

/** `--param k=v` values: numbers, booleans and strings, checked against the model's parameter names and types. */
export function modelParams(pairs: readonly string[] | undefined, defaults: Record<string, Plain>, model: string): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  for (const pair of pairs ?? []) {
    const m = /^([A-Za-z_][\w-]*)=(.*)$/.exec(pair);
    if (!m) throw new UsageError(`--param expects key=value, got '${pair}'`);
    const [, key, raw] = m as unknown as [string, string, string];
    if (!(key in defaults)) throw new UsageError(`model ${model} has no parameter '${key}' (it has: ${Object.keys(defaults).join(', ')})`);
    const d = defaults[key];
    if (typeof d === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new UsageError(`parameter ${key} of ${model} is a number, got '${raw}'`);
      out[key] = Number(raw);
    } else if (typeof d === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new UsageError(`parameter ${key} of ${model} is true or false, got '${raw}'`);
      out[key] = raw === 'true';
    } else if (typeof d === 'string') {
      out[key] = raw;
    } else {
      throw new UsageError(`parameter ${key} of ${model} cannot be set from the command line`);
    }
  }
  return out;
}
