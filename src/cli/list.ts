// kmc list [model|file|folder ...]: models with their variants and expected verdicts.

import { showExpectation } from '../explore/check.ts';
import type { Command } from './args.ts';
import { EXIT } from './errors.ts';

export const list: Command = {
  name: 'list',
  args: '[model|file|folder ...]',
  summary: "models (the project's, or those named), their variants and expected verdicts",
  options: {},
  async run(p, io, project) {
    const lines: string[] = [];
    for (const m of await project.models(p.positionals)) {
      lines.push(`${m.name}  ${m.title}`);
      for (const [name, v] of Object.entries(m.variants)) {
        lines.push(`  ${name.padEnd(24)} ${showExpectation(v.expect).padEnd(44)} ${v.description}`);
      }
    }
    io.out(lines.join('\n') + '\n');
    return EXIT.ok;
  },
};
