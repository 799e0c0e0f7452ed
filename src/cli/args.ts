// Argument parsing on node:util parseArgs (no dependency; it starts in no time): each
// command declares its options with a line of help, which gives `kmc <command> --help`,
// "did you mean" for a mistyped flag, and one-line UsageErrors for every parse problem.

import { parseArgs } from 'node:util';
import type { Model, Plain } from '../core/model.ts';
import { paramError } from '../core/params.ts';
import { envSeed } from '../check/check.ts';
import { didYouMean } from '../core/suggest.ts';
import { UsageError } from './errors.ts';
import type { Io } from './io.ts';
import type { Project } from './project.ts';

export interface Option {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** what the value is, in the help: `--seed <n>` */
  value?: string;
  help: string;
}

export type Options = Record<string, Option>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** the arguments after `kmc <name>`, e.g. `[model|file|folder ...]` */
  args: string;
  summary: string;
  options: Options;
  /** more help after the options: defaults, exit codes */
  more?: string;
  run(parsed: Parsed, io: Io, project: Project): Promise<number>;
}

/** `kmc <command> --help`. */
export function help(c: Command): string {
  const flags = [
    ...Object.entries(c.options).map(
      ([name, o]) =>
        [
          `--${name}${o.type === 'string' ? ` <${o.value ?? 'value'}>` : ''}${o.multiple ? ' ...' : ''}`,
          o.help,
        ] as const,
    ),
    ['-h, --help', 'this help'] as const,
  ];
  const width = Math.max(0, ...flags.map(([f]) => f.length));
  const lines = [`usage: kmc ${c.name}${c.args ? ` ${c.args}` : ''} [options]`, '', c.summary, ''];
  lines.push('options:', ...flags.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`), '');
  if (c.more) lines.push(c.more.trimEnd(), '');
  return lines.join('\n');
}

/** Parse a command's arguments; unknown flags are refused naming the closest known one. */
export function parse(c: Command, args: string[]): Parsed {
  const options = {
    ...Object.fromEntries(
      Object.entries(c.options).map(([k, o]) => [k, { type: o.type, multiple: o.multiple ?? false }]),
    ),
    help: { type: 'boolean', short: 'h' } as const,
  };
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(message);
    if (unknown)
      throw new UsageError(
        `${c.name}: unknown option '${unknown[1]}${unknown[2]}'${didYouMean(unknown[2]!, Object.keys(c.options)).replace(/'([^']*)'\?/, "'--$1'?")} (kmc ${c.name} --help lists them)`,
      );
    throw new UsageError(`${c.name}: ${message.replace(/\. To specify a positional argument.*$/, '')}`);
  }
}

export const str = (p: Parsed, k: string) => p.values[k] as string | undefined;
export const list = (p: Parsed, k: string) => p.values[k] as string[] | undefined;
export const flag = (p: Parsed, k: string) => p.values[k] === true;

export function integer(
  flagName: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${flagName} must be an integer >= ${min}, got '${value}'`);
  }
  if (Number(value) > max) throw new UsageError(`--${flagName} must be at most ${max}, got ${value}`);
  return Number(value);
}

/** The most steps a random or pct run may take: each run generates a decision list that long. */
export const MAX_STEPS = 100_000;

/** `--timeout s` and the like: seconds (a decimal number), as milliseconds; undefined when not given. */
export function seconds(flagName: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(Number(value)))
    throw new UsageError(`--${flagName} must be seconds, got '${value}'`);
  return Number(value) * 1000;
}

/** The seed: --seed, else KMC_SEED, else `fallback` (a fresh one, or a fixed default). */
export function seedOf(value: string | undefined, fallback: () => number): number {
  if (value !== undefined) return integer('seed', value, 0);
  try {
    return envSeed() ?? fallback();
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/** `--variant v`: one of the model's, or a UsageError naming the closest. */
export function variantOf(model: Model, name: string): string {
  if (Object.hasOwn(model.variants, name)) return name;
  const known = Object.keys(model.variants);
  throw new UsageError(
    `model ${model.name} has no variant '${name}'${didYouMean(name, known)} (it has: ${known.join(', ')})`,
  );
}

/** `--param k=v` values, read as the type of k's default and checked against the model's schema. */
export function modelParams(pairs: readonly string[] | undefined, model: Model): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  for (const pair of pairs ?? []) {
    const m = /^([A-Za-z_][\w-]*)=(.*)$/.exec(pair);
    if (!m) throw new UsageError(`--param expects key=value, got '${pair}'`);
    const [, key, raw] = m as unknown as [string, string, string];
    if (!Object.hasOwn(model.params, key)) {
      const known = Object.keys(model.params);
      throw new UsageError(
        `model ${model.name} has no parameter '${key}'${didYouMean(key, known)} (it has: ${known.join(', ')})`,
      );
    }
    const d: unknown = model.params[key];
    let value: Plain;
    if (typeof d === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(raw))
        throw new UsageError(`parameter ${key} of ${model.name} is a number, got '${raw}'`);
      value = Number(raw);
    } else if (typeof d === 'boolean') {
      if (raw !== 'true' && raw !== 'false')
        throw new UsageError(`parameter ${key} of ${model.name} is true or false, got '${raw}'`);
      value = raw === 'true';
    } else if (typeof d === 'string') {
      value = raw;
    } else {
      throw new UsageError(`parameter ${key} of ${model.name} cannot be set from the command line`);
    }
    const bad = paramError(model, key, value);
    if (bad !== undefined) throw new UsageError(bad);
    out[key] = value;
  }
  return out;
}
