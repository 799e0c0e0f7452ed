// The kmc command line: the only place that prints and chooses exit codes.

import type { Model } from '../core/model.ts';
import { ModelError } from '../core/violation.ts';
import { check } from './check.ts';
import { cost } from './cost.ts';
import { EXIT, UsageError, type Io } from './errors.ts';
import { list } from './list.ts';
import { orderings } from './orderings.ts';
import { replay } from './replay.ts';

const USAGE = `usage: kmc <command> [options]

  kmc list                          models, variants and their expected verdicts
  kmc check [model] [--variant v] [--strategy auto|bfs|dfs|random|pct]
            [--seed n] [--runs n] [--max-steps n]
            [--max-states n] [--max-depth n] [--timeout s] [--max-memory 512M]
            [--workers n] [--no-por] [--no-symmetry]
            [--param k=v ...] [--out dir] [--json]
                                    check variants against their expected verdicts
                                    (auto: exhaustive bfs up to 200000 states, else random)
  kmc replay <trace> [--format text|columns|mermaid|itf|html|json]
                                    re-execute a trace and print it
  kmc orderings <model> [--order a,b,c ...] [--orders file.json] [--variant v]
            [--strategy auto|bfs|random|pct] [--runs n] [--seed n] [--param k=v]
            [--out dir] [--json]
                                    judge every allowed order of a model's blocks
                                    (or just those given) and infer before/after rules
  kmc cost <model> [--variant v ...] [--param k=v ...] [--sweep k=a..b] [--series k=a,b]
            [--cpus n] [--io n] [--svg file] [--json]
                                    simulate step costs: makespan, timeline, SVG chart

exit codes: 0 as expected, 1 a verdict differs, 2 bad input, 3 incomplete
`;

const COMMANDS = { list, check, replay, orderings, cost, bench: (a: string[], m: readonly Model[], io: Io) => import('./bench.ts').then((b) => b.bench(a, m, io)) } as const;

export const stdio: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

export async function main(argv: string[], models: readonly Model[], io: Io = stdio): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return command === undefined ? EXIT.badInput : EXIT.ok;
  }
  if (!(command in COMMANDS)) {
    io.err(`kmc: unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return EXIT.badInput;
  }
  try {
    return await COMMANDS[command as keyof typeof COMMANDS](args, models, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kmc: ${e.message}\n`);
      return EXIT.badInput;
    }
    if (e instanceof ModelError) {
      io.err(`kmc: model error: ${e.message}\n`);
      return EXIT.unexpected;
    }
    throw e;
  }
}
