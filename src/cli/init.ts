// kmc init [dir]: a new project of models whose `npm install && npx kmc check && npm test`
// passes at once: package.json (kmcheck from where this kmc came from, vitest,
// TypeScript), kmc.config.ts, one model (examples/fd-install.ts: a kernel thread, a racer,
// a property, a holding and a violating variant), a vitest suite using kmcheck/vitest,
// tsconfig.json. A folder that is not empty is refused unless --force, and even then no
// existing file is replaced.

import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { flag, str, type Command } from './args.ts';
import { EXIT, UsageError } from './errors.ts';
import { writeOutFile } from './output.ts';
import { packageRoot, type PackageJson } from './package.ts';

/**
 * How the new project should depend on kmcheck: as this kmc was installed (the tarball or
 * git URL the installing project's package-lock.json records), a checkout by its path, or
 * else the registry version.
 */
export function kmcheckSpec(root: string, version: string): string {
  if (existsSync(join(root, 'src', 'cli', 'main.ts'))) return `file:${root}`;
  for (let d = dirname(root); dirname(d) !== d; d = dirname(d)) {
    const lock = join(d, 'package-lock.json');
    if (!existsSync(lock)) continue;
    const entry = (JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { resolved?: string }> })
      .packages?.[relative(d, root).split(sep).join('/')];
    const resolved = entry?.resolved;
    if (resolved?.startsWith('file:')) return `file:${resolve(d, resolved.slice('file:'.length))}`;
    if (resolved !== undefined && /^(git\+|git:|github:)/.test(resolved)) return resolved;
    break;
  }
  return `^${version}`;
}

const TEST = (model: string) => `// Every variant of the models against its expected verdict, as vitest tests; a failure
// shows the counterexample, the trace file and the command that replays it.

import { checkModel } from 'kmcheck/vitest';
import model from '../models/${model}.ts';

checkModel(model, { source: new URL('../models/${model}.ts', import.meta.url).href });
`;

const CONFIG = `// The project's models: \`npx kmc check\` checks these. Entries are model files, folders
// (every .ts model file in them) or globs.

import type { Config } from 'kmcheck';

export default {
  models: ['models'],
} satisfies Config;
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    noUncheckedIndexedAccess: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
  },
  include: ['models', 'test', 'kmc.config.ts'],
};

export const init: Command = {
  name: 'init',
  args: '[dir]',
  summary: 'start a project of models: package.json, kmc.config.ts, a model, a vitest suite, tsconfig.json',
  options: {
    force: { type: 'boolean', help: 'write into a folder that is not empty (existing files are kept as they are)' },
    kmcheck: {
      type: 'string',
      value: 'spec',
      help: 'the kmcheck dependency to write (default: where this kmc came from)',
    },
  },
  more: 'Then: cd <dir> && npm install && npx kmc check && npm test',
  async run(p, io) {
    if (p.positionals.length > 1) throw new UsageError(`init takes at most one folder, got ${p.positionals.join(' ')}`);
    const dir = resolve(p.positionals[0] ?? '.');
    if (existsSync(dir) && readdirSync(dir).length > 0 && !flag(p, 'force')) {
      throw new UsageError(
        `${p.positionals[0] ?? '.'} is not empty (kmc init --force writes the files it lacks, and replaces none)`,
      );
    }
    const root = packageRoot();
    const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
    const model = 'fd-install';
    const files: Record<string, string> = {
      'package.json': `${JSON.stringify(
        {
          name:
            basename(dir)
              .toLowerCase()
              .replace(/[^a-z0-9._-]/g, '-') || 'kmc-models',
          private: true,
          type: 'module',
          scripts: { check: 'kmc check', test: 'vitest run', typecheck: 'tsc' },
          devDependencies: {
            kmcheck: str(p, 'kmcheck') ?? kmcheckSpec(root, own.version ?? '0.0.0'),
            typescript: own.devDependencies?.typescript ?? '^5.9.3',
            vitest: own.devDependencies?.vitest ?? '^4.1.12',
          },
        },
        null,
        2,
      )}\n`,
      'kmc.config.ts': CONFIG,
      [`models/${model}.ts`]: readFileSync(join(root, 'examples', `${model}.ts`), 'utf8'),
      'test/models.test.ts': TEST(model),
      'tsconfig.json': `${JSON.stringify(TSCONFIG, null, 2)}\n`,
      '.gitignore': 'node_modules/\nkmc-out/\n',
    };
    const kept: string[] = [];
    for (const [name, text] of Object.entries(files)) {
      const path = join(dir, name);
      if (existsSync(path)) {
        kept.push(name);
        continue;
      }
      mkdirSync(dirname(path), { recursive: true });
      writeOutFile(path, text, 'kmc init', false);
    }
    const rel = relative(process.cwd(), dir);
    const shown = rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
    io.out(
      `kmc init: a project of models in ${shown}${kept.length > 0 ? ` (kept as they were: ${kept.join(', ')})` : ''}\n`,
    );
    io.out(`next: ${shown === '.' ? '' : `cd ${shown} && `}npm install && npx kmc check && npm test\n`);
    return EXIT.ok;
  },
};
