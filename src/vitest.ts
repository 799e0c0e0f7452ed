// kmcheck/vitest: a model's expected verdicts as vitest tests.
//
//   import { checkModel } from 'kmcheck/vitest';
//   import model from '../models/fd-install.ts';
//
//   checkModel(model);
//
// gives a `describe` named after the model and one test per expected verdict,
// `posted: holds (seed 1)`, `fd-early: violates no-unfilled-buffer-seen (seed 1)`, with the
// CLI's defaults (strategy auto, seed KMC_SEED or 1). A failing test's message is what was
// found, the counterexample as columns, the trace file it wrote, the replay command and the
// seed. A check that only sampled passes with an annotation saying so, never as a proof;
// `requireExhaustive: true` makes it fail instead. A model error fails its test, naming the step.

import { dirname } from 'node:path';
import { describe, test, type TestContext } from 'vitest';
import { expectations, type ExpectedVerdict, type Model, type Plain } from './core/model.ts';
import { compile } from './core/system.ts';
import { validateModel } from './core/validate.ts';
import { checkExpectation, defaultSeed, showExpectation, type CheckOptions, type VariantCheck } from './check/check.ts';
import { replayCommand } from './cli/ci.ts';
import { findConfig } from './cli/project.ts';
import { renderColumns } from './report/columns.ts';
import { replay } from './trace/replay.ts';
import { saveTrace } from './trace/save.ts';
import { recordTrace } from './trace/trace.ts';

/** checkVariant's options (`requireExhaustive`: a check that only sampled fails, as `kmc check --exhaustive`), and: */
export interface CheckModelOptions extends CheckOptions {
  /** the variants to test (default: every one) */
  variants?: readonly string[];
  /** where trace files go (default kmc-out/, as the CLI) */
  out?: string;
  /** the model file's URL (`import.meta.url` there), recorded in traces so `kmc replay` finds it */
  source?: string;
  /** per test, in milliseconds (default 120 s) */
  timeout?: number;
}

const title = (variant: string, expected: ExpectedVerdict, seed: number) =>
  `${variant}: ${expected === 'holds' ? 'holds' : `violates ${expected.violates}`} (seed ${seed})`;

/** A describe per model, a test per expected verdict of each variant. */
export function checkModel(model: Model, opts: CheckModelOptions = {}): void {
  const m: Model = opts.source !== undefined ? { ...model, source: opts.source } : model;
  validateModel(m);
  const seed = opts.seed ?? defaultSeed();
  const variants = opts.variants ?? Object.keys(m.variants);
  describe(m.name, () => {
    for (const variant of variants) {
      const expect = m.variants[variant]?.expect;
      if (expect === undefined)
        throw new Error(`model ${m.name} has no variant '${variant}' (it has: ${Object.keys(m.variants).join(', ')})`);
      for (const expected of expectations(expect)) {
        test(
          title(variant, expected, seed),
          (ctx) => run(ctx, m, variant, expected, seed, opts),
          opts.timeout ?? 120_000,
        );
      }
    }
  });
}

async function run(
  ctx: TestContext,
  model: Model,
  variant: string,
  expected: ExpectedVerdict,
  seed: number,
  opts: CheckModelOptions,
): Promise<void> {
  const params = opts.params ?? {};
  const c = checkExpectation(compile(model, variant, params), expected, { ...opts, seed });
  if (c.asExpected) {
    if (c.verdict === 'sampled') await ctx.annotate(`${c.note}: not a proof (requireExhaustive: true asks for one)`);
    return;
  }
  throw new Error(failure(c, seed, params, opts.out ?? 'kmc-out'));
}

/** What the check found instead, with everything needed to look at it and run it again. */
export function failure(c: VariantCheck, seed: number, overrides: Record<string, Plain>, out: string): string {
  const { result, system } = c;
  const found =
    result.kind === 'violation'
      ? `violates ${result.violation.property} (${result.path.length} steps): ${result.violation.message}`
      : c.verdict === 'sampled'
        ? `no violation (${c.note})`
        : c.verdict === 'error'
          ? `a model error: ${c.note}`
          : `${c.verdict}${c.note ? ` (${c.note})` : ''}`;
  const lines = [
    `${system.modelName} ${system.variant}: expected ${showExpectation(c.expected === 'holds' ? 'holds' : { violates: c.expected.violates })}, found ${found}`,
  ];
  if (result.kind === 'violation') {
    const config = findConfig(process.cwd());
    const path = saveTrace(c, { root: config !== undefined ? dirname(config) : process.cwd(), out, seed, overrides });
    const trace = recordTrace(system, result.path, result.violation, result.coverage.strategy, null);
    const r = replay(system, trace);
    if (r.kind === 'reproduced')
      lines.push(
        '',
        renderColumns({ trace, initial: r.initial, steps: r.steps, threadNames: system.threadNames }).trimEnd(),
      );
    lines.push('', `trace: ${path}`, `replay: ${replayCommand(path)}`);
  }
  lines.push(`seed: ${seed} (${result.coverage.strategy}; repeat with KMC_SEED=${seed})`);
  return lines.join('\n');
}
