// The kmc command line: parses the arguments, runs one command, and turns what it threw into
// the one-line message and exit code of errors.ts. Commands print their own output, through
// the Io they are given (io.ts), never to the console directly.

import type { Model } from '../core/model.ts';
import { didYouMean } from '../core/suggest.ts';
import { githubAnnotation } from '../report/annotations.ts';
import { isModelError } from '../core/violation.ts';
import { help, parse, type Command } from './args.ts';
import { EXIT, oneLine, UsageError } from './errors.ts';
import { stdio, type Io } from './io.ts';
import { version } from './package.ts';
import { openProject } from './project.ts';

/**
 * kmc's commands, each module imported when its command is asked for: a check loads no
 * merge, replay, orderings, mutate or cost code (start-up is paid on every run).
 */
const LOADERS: Readonly<Record<string, () => Promise<Command>>> = {
  init: async () => (await import('./init.ts')).init,
  list: async () => (await import('./list.ts')).list,
  check: async () => (await import('./check.ts')).check,
  merge: async () => (await import('./merge.ts')).merge,
  replay: async () => (await import('./replay.ts')).replay,
  orderings: async () => (await import('./orderings.ts')).orderings,
  mutate: async () => (await import('./mutate.ts')).mutateCommand,
  cost: async () => (await import('./cost.ts')).cost,
};

/** Every command of kmc, in the order the usage lists them (loads them all). */
export const commandsOf = (): Promise<Command[]> => Promise.all(Object.values(LOADERS).map((load) => load()));

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
  const extra = new Map((opts.commands ?? []).map((c) => [c.name, c]));
  const names = [...new Set([...Object.keys(LOADERS), ...extra.keys()])];
  const commandOf = (n: string): Promise<Command> | undefined =>
    extra.has(n) ? Promise.resolve(extra.get(n)!) : Object.hasOwn(LOADERS, n) ? LOADERS[n]!() : undefined;
  const [name, ...args] = argv;
  // every error is one line (a name with a newline in it, or 50 MB long, included)
  const fail = (message: string) => io.err(`kmc: ${oneLine(message)}\n`);
  const unknown = (what: string, n: string) => `${what} '${n}'${didYouMean(n, names)} (commands: ${names.join(', ')})`;
  if (name === '--version' || name === '-v') {
    io.out(`kmc ${version()}\n`);
    return EXIT.ok;
  }
  if (name === undefined) {
    // usage goes to stdout only when asked for; without a command it is an error, in one line
    fail('no command (kmc --help lists them)');
    return EXIT.badInput;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    if (name !== 'help' || args[0] === undefined) {
      io.out(usage(await Promise.all(names.map((n) => commandOf(n)!))));
      return EXIT.ok;
    }
    const about = commandOf(args[0]);
    if (about === undefined) {
      fail(unknown('no command', args[0]));
      return EXIT.badInput;
    }
    io.out(help(await about));
    return EXIT.ok;
  }
  const loading = commandOf(name);
  if (loading === undefined) {
    fail(unknown('unknown command', name));
    return EXIT.badInput;
  }
  const command = await loading;
  try {
    const parsed = parse(command, args);
    if (parsed.values.help === true) {
      io.out(help(command));
      return EXIT.ok;
    }
    return await command.run(parsed, io, openProject(opts.cwd, opts.models));
  } catch (e) {
    if (e instanceof UsageError) {
      fail(e.message);
      return EXIT.badInput;
    }
    if (isModelError(e)) {
      fail(`model error: ${e.message}`);
      if (args.includes('--github') || process.env.GITHUB_ACTIONS === 'true')
        io.err(githubAnnotation({ level: 'error', title: 'kmc: model error', message: e.message }));
      return EXIT.modelError;
    }
    throw e;
  }
}
