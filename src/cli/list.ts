// kmc list [model|file|folder ...]: models with their variants and expected verdicts.

import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectations } from '../core/model.ts';
import { showExpectation } from '../check/check.ts';
import { flag, type Command } from './args.ts';
import { EXIT } from './errors.ts';

export const list: Command = {
  name: 'list',
  args: '[model|file|folder ...]',
  summary: "models (the project's, or those named), their variants and expected verdicts",
  options: {
    json: { type: 'boolean', help: 'print one JSON document (schema kmc-list/1)' },
  },
  async run(p, io, project) {
    const models = await project.models(p.positionals);
    if (flag(p, 'json')) {
      const doc = {
        schema: 'kmc-list/1',
        models: models.map((m) => ({
          name: m.name,
          title: m.title,
          source: m.source?.startsWith('file:')
            ? relative(process.cwd(), fileURLToPath(m.source)).split(sep).join('/')
            : null,
          params: m.params,
          variants: Object.entries(m.variants).map(([name, v]) => ({
            name,
            description: v.description,
            expected: expectations(v.expect).map((e) =>
              showExpectation(e === 'holds' ? 'holds' : { violates: e.violates }),
            ),
          })),
        })),
      };
      io.out(JSON.stringify(doc, null, 2) + '\n');
      return EXIT.ok;
    }
    const lines: string[] = [];
    for (const m of models) {
      lines.push(`${m.name}  ${m.title}`);
      for (const [name, v] of Object.entries(m.variants)) {
        lines.push(`  ${name.padEnd(24)} ${showExpectation(v.expect).padEnd(44)} ${v.description}`);
      }
    }
    io.out(lines.join('\n') + '\n');
    return EXIT.ok;
  },
};
