// kmc list: every model with its variants and their expected verdicts.

import type { Model } from '../core/model.ts';
import { showExpectation } from '../explore/check.ts';
import { parse } from './args.ts';
import { EXIT, UsageError, type Io } from './errors.ts';

export async function list(args: string[], models: readonly Model[], io: Io): Promise<number> {
  const { positionals } = parse(args, {});
  if (positionals.length > 0) throw new UsageError(`list takes no arguments, got ${positionals.join(' ')}`);
  const lines: string[] = [];
  for (const m of models) {
    lines.push(`${m.name}  ${m.title}`);
    for (const [name, v] of Object.entries(m.variants)) {
      lines.push(`  ${name.padEnd(24)} ${showExpectation(v.expect).padEnd(44)} ${v.description}`);
    }
  }
  io.out(lines.join('\n') + '\n');
  return EXIT.ok;
}
