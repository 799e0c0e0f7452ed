// Saving a counterexample: its trace recorded and written under `out`, named after the
// model, variant and property, and the seed when it was sampled (bfs and dfs find the same
// trace whatever the seed). The model's source is recorded relative to the project root.
// The file is written as every file kmc writes is (src/cli/output.ts): a new name, never a replaced file.

import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plain } from '../core/model.ts';
import type { VariantCheck } from '../check/check.ts';
import { seedless } from '../explore/strategies.ts';
import { encodeTrace } from './codec.ts';
import { writeNumbered, type Written } from '../cli/output.ts';
import { recordTrace } from './trace.ts';

/** A trace file's name, without `.json`. */
export function traceBase(model: string, variant: string, property: string, strategy: string, seed: number): string {
  const exhaustive = seedless(strategy);
  return `${model.replaceAll('/', '.')}.${variant}.${property}${exhaustive ? '' : `.seed${seed}`}`;
}

/** A model's source (a file URL) relative to the project root, with / separators. */
export function sourceIn(root: string, source: string | undefined): string | undefined {
  if (source === undefined || !source.startsWith('file:')) return undefined;
  return relative(root, fileURLToPath(source)).split(sep).join('/');
}

export interface SaveOptions {
  /** the project root the source is recorded relative to */
  root: string;
  out: string;
  seed: number;
  /** the parameters set on top of the variant's */
  overrides: Record<string, Plain>;
  /** the name's variant part (default the variant; orderings add the order's number) */
  name?: string;
}

/** Write the trace of a check that found a violation; returns the file's path. */
export function saveTrace(c: VariantCheck, o: SaveOptions): string {
  return saveTraceFile(c, o).path;
}

/** saveTrace, saying whether the file is new or an identical one was already there. */
export function saveTraceFile(c: VariantCheck, o: SaveOptions): Written {
  const r = c.result;
  if (r.kind !== 'violation') throw new Error('saveTrace: the check found no violation');
  const strategy = r.coverage.strategy;
  const exhaustive = seedless(strategy);
  const source = sourceIn(o.root, c.system.source);
  const trace = recordTrace(c.system, r.path, r.violation, strategy, exhaustive ? null : o.seed, {
    overrides: o.overrides,
    ...(source !== undefined ? { source } : {}),
  });
  return writeNumbered(
    o.out,
    traceBase(c.system.modelName, o.name ?? c.system.variant, r.violation.property, strategy, o.seed),
    '.json',
    encodeTrace(trace),
  );
}
