// The kmc command line: parses the arguments, runs one command, and turns what it threw into
// the one-line message and exit code of errors.ts. Commands print their own output, through
// the Io they are given (io.ts), never to the console directly.

import type { Model } from '../core/model.ts';
import { didYouMean } from '../core/suggest.ts';
import { githubAnnotation } from '../report/annotations.ts';
import { isModelError } from '../core/violation.ts';
import { help, parse, type Command } from './args.ts';
import { check } from './check.ts';
import { cost } from './cost.ts';
import { EXIT, UsageError } from './errors.ts';
import { stdio, type Io } from './io.ts';
import { init } from './init.ts';
import { list } from './list.ts';
import { merge } from './merge.ts';
import { orderings } from './orderings.ts';
import { version } from './package.ts';
import { openProject } from './project.ts';
import { replay } from './replay.ts';

export const COMMANDS: readonly Command[] = [init, list, check, merge, replay, orderings, cost];

function usage(commands: readonly Command[]): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: kmc <command> [arguments] [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    "A model is named by its file or folder (kmc check ./model.ts), or by its name among the project's",
    'models (those kmc.config.ts lists). kmc <command> --help shows its options.',
    '',
    'exit codes: 0 every verdict as expected, 1 a verdict differs, 2 bad input, 3 incomplete,',
    '            4 model error, 130 interrupted',
    '',
  ].join('\n');
}

export interface MainOptions {
  /** the project's models, given directly (tests); default: those of kmc.config.ts */
  models?: readonly Model[];
  /** commands beyond kmc's own (bin/kmc.mjs adds `bench` in a checkout of kmc) */
  commands?: readonly Command[];
  cwd?: string;
}

export async function main(argv: string[], io: Io = stdio, opts: MainOptions = {}): Promise<number> {
  const commands = [...COMMANDS, ...(opts.commands ?? [])];
  const [name, ...args] = argv;
  if (name === '--version' || name === '-v') {
    io.out(`kmc ${version()}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const about = name === 'help' && args[0] !== undefined ? commands.find((c) => c.name === args[0]) : undefined;
    if (name === 'help' && args[0] !== undefined && about === undefined) {
      io.err(`kmc: no command '${args[0]}'${didYouMean(args[0], commands.map((c) => c.name))} (commands: ${commands.map((c) => c.name).join(', ')})\n`);
      return EXIT.badInput;
    }
    io.out(about ? help(about) : usage(commands));
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`kmc: unknown command '${name}'${didYouMean(name, commands.map((c) => c.name))} (commands: ${commands.map((c) => c.name).join(', ')})\n`);
    return EXIT.badInput;
  }
  try {
    const parsed = parse(command, args);
    if (parsed.values.help === true) {
      io.out(help(command));
      return EXIT.ok;
    }
    return await command.run(parsed, io, openProject(opts.cwd, opts.models));
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kmc: ${e.message}\n`);
      return EXIT.badInput;
    }
    if (isModelError(e)) {
      io.err(`kmc: model error: ${e.message}\n`);
      if (args.includes('--github') || process.env.GITHUB_ACTIONS === 'true') io.err(githubAnnotation({ level: 'error', title: 'kmc: model error', message: e.message }));
      return EXIT.modelError;
    }
    throw e;
  }
}
