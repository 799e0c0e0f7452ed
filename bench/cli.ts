// kmc bench: kmc side by side with SPIN and Quint on the bench models (bench/run.ts).
// Registered by bin/kmc.mjs in a checkout of kmc; the installed package has no bench.

import { integer, str, flag, type Command } from '../src/cli/args.ts';
import { EXIT, UsageError } from '../src/cli/errors.ts';

export const bench: Command = {
  name: 'bench',
  args: '',
  summary: 'kmc side by side with SPIN and Quint on the bench models; writes bench/results/',
  options: {
    sizes: { type: 'string', value: 'a,b', help: 'the sizes to run (default: all)' },
    'kmc-timeout': { type: 'string', value: 's', help: 'seconds one kmc run may take (default 240)' },
    seeds: { type: 'string', value: 'n', help: 'repeats of each measurement (default 3)' },
    'no-spin': { type: 'boolean', help: 'leave SPIN out' },
    'no-quint': { type: 'boolean', help: 'leave Quint out' },
    out: { type: 'string', value: 'dir', help: 'where the results go' },
    json: { type: 'boolean', help: 'print the report as JSON' },
  },
  async run(p, io) {
    const { runBench, markdown } = await import('./run.ts');
    const { SIZES } = await import('./models.ts');
    const sizes = str(p, 'sizes')?.split(',');
    for (const s of sizes ?? [])
      if (!SIZES.some((x) => x.name === s))
        throw new UsageError(`unknown bench size '${s}' (sizes: ${SIZES.map((x) => x.name).join(', ')})`);
    const out = str(p, 'out');
    const report = await runBench({
      ...(sizes ? { sizes } : {}),
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
