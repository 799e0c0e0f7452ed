// kmc bench: kmc side by side with SPIN and Quint on the bench model and the BEEM ports (bench/run.ts).
// Registered by bin/kmc.mjs in a checkout of kmc; the installed package has no bench.

import { integer, str, flag, type Command } from '../src/cli/args.ts';
import { EXIT, UsageError } from '../src/cli/errors.ts';

export const bench: Command = {
  name: 'bench',
  args: '',
  summary: 'kmc side by side with SPIN and Quint on the bench model and the BEEM ports; writes bench/results/',
  options: {
    models: {
      type: 'string',
      value: 'a,b',
      help: 'the models to run: alloc-and-read (the bench model) and the BEEM ports (peterson, phils, bakery, szymanski, anderson, leader-filters, lamport); default: all',
    },
    sizes: {
      type: 'string',
      value: 'a,b',
      help: "the sizes to run (the bench model's: small, medium, large, default all; the BEEM ports': small, large, default large)",
    },
    note: { type: 'string', value: 'text', help: 'a line for the top of bench.md (e.g. that the machine was loaded)' },
    'kmc-timeout': { type: 'string', value: 's', help: 'seconds one kmc run may take (default 240)' },
    seeds: {
      type: 'string',
      value: 'n',
      help: 'repeats of each measurement, kmc and pan alternating; median and min reported (default 3)',
    },
    'no-spin': { type: 'boolean', help: 'leave SPIN out' },
    'no-quint': { type: 'boolean', help: 'leave Quint out' },
    out: { type: 'string', value: 'dir', help: 'where the results go' },
    json: { type: 'boolean', help: 'print the report as JSON' },
  },
  async run(p, io) {
    const { runBench, markdown, MODEL_NAMES } = await import('./run.ts');
    const { SIZES } = await import('./models.ts');
    const { PORTS } = await import('./beem/ports.ts');
    const sizeNames = [...new Set([...SIZES.map((x) => x.name), ...PORTS.flatMap((x) => x.sizes.map((s) => s.name))])];
    const sizes = str(p, 'sizes')?.split(',');
    for (const s of sizes ?? [])
      if (!sizeNames.includes(s)) throw new UsageError(`unknown bench size '${s}' (sizes: ${sizeNames.join(', ')})`);
    const models = str(p, 'models')?.split(',');
    for (const m of models ?? [])
      if (!MODEL_NAMES.includes(m))
        throw new UsageError(`unknown bench model '${m}' (models: ${MODEL_NAMES.join(', ')})`);
    const out = str(p, 'out');
    const note = str(p, 'note');
    const report = await runBench({
      ...(sizes ? { sizes } : {}),
      ...(models ? { models } : {}),
      ...(note ? { note } : {}),
      kmcTimeoutMs: integer('kmc-timeout', str(p, 'kmc-timeout'), 240, 1) * 1000,
      seeds: integer('seeds', str(p, 'seeds'), 3, 1),
      spin: !flag(p, 'no-spin'),
      quint: !flag(p, 'no-quint'),
      ...(out ? { out } : {}),
      log: (l) => io.err(`${l}\n`),
    });
    io.out(flag(p, 'json') ? `${JSON.stringify(report, null, 2)}\n` : markdown(report));
    return EXIT.ok;
  },
};
