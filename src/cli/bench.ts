// kmc bench: kmc side by side with SPIN and Quint on the bench models (bench/run.ts).

import type { Model } from '../core/model.ts';
import { integer, parse } from './args.ts';
import { EXIT, UsageError, type Io } from './errors.ts';

export async function bench(args: string[], _models: readonly Model[], io: Io): Promise<number> {
  const { values } = parse(args, {
    sizes: { type: 'string' },
    'kmc-timeout': { type: 'string' },
    seeds: { type: 'string' },
    'no-spin': { type: 'boolean' },
    'no-quint': { type: 'boolean' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const { runBench, markdown } = await import('../../bench/run.ts');
  const { SIZES } = await import('../../bench/models.ts');
  const sizes = values.sizes?.split(',');
  for (const s of sizes ?? []) if (!SIZES.some((x) => x.name === s)) throw new UsageError(`unknown bench size '${s}' (sizes: ${SIZES.map((x) => x.name).join(', ')})`);
  const report = await runBench({
    ...(sizes ? { sizes } : {}),
    kmcTimeoutMs: integer('kmc-timeout', values['kmc-timeout'], 240, 1) * 1000,
    seeds: integer('seeds', values.seeds, 3, 1),
    spin: !values['no-spin'],
    quint: !values['no-quint'],
    ...(values.out ? { out: values.out } : {}),
    log: (l) => io.err(`${l}\n`),
  });
  io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : markdown(report));
  return EXIT.ok;
}
