// The user's project: where the models come from. A command-line argument that is an
// existing path, a glob, or ends in .ts/.js/.mjs names model files (a folder: every .ts
// file in it whose default export is a model); anything else is a model name, looked up
// among the project's models. The
// project's models are those its kmc.config.ts names (found in the working directory or
// above it); kmc's own repository is such a project.
//
// A model file `export default`s a model or a list of models. Loading a file records it
// as each model's `source`, so traces say where a model came from and workers load it too.
// TypeScript files load through tsx (core/import-module.ts: for ESM and CommonJS folders
// alike).

import { existsSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importModule } from '../core/import-module.ts';
import { defaultExport, modelsOf, type Model } from '../core/model.ts';
import { didYouMean } from '../core/suggest.ts';
import { validateModel } from '../core/validate.ts';
import { isModelError, ModelError } from '../core/violation.ts';
import { UsageError } from './errors.ts';

export const CONFIG_FILES = ['kmc.config.ts', 'kmc.config.mts', 'kmc.config.js', 'kmc.config.mjs'] as const;
const MODEL_FILE = /\.(ts|mts|js|mjs)$/;
/** what a folder holds model files as: TypeScript only (a .js/.mjs in it may be a script with side effects) */
const FOLDER_FILE = /\.m?ts$/;
const NOT_MODELS = /(\.test|\.spec|\.d)\.[mc]?[jt]s$|(^|\/)kmc\.config\.[mc]?[jt]s$/;

/** What kmc.config.ts exports. */
export interface Config {
  /** model files, folders or globs, relative to the config file */
  models: readonly string[];
}

export interface Project {
  /** the folder of kmc.config.ts, else the working directory: trace sources are relative to it */
  root: string;
  /** the models the arguments name (files, folders, globs, model names); no arguments: the project's */
  models(args: readonly string[]): Promise<Model[]>;
  /** exactly one model */
  model(arg: string): Promise<Model>;
}

const looksLikePath = (arg: string) =>
  MODEL_FILE.test(arg) || /[*?[{]/.test(arg) || arg.startsWith('.') || isAbsolute(arg);

/**
 * Why a module did not load, in one line: a syntax error as `line:column: what` (tsx's
 * esbuild says `file:line:column: ERROR: what` on the line after its heading), else the
 * message's first line, or the line after it when that is only a heading.
 */
function loadError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const lines = e.message
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const [head = '', next = ''] = lines;
  const syntax = /:(\d+:\d+): ERROR: (.*)$/.exec(next);
  if (syntax) return `${syntax[1]}: ${syntax[2]}`;
  return `${e.name}: ${head.endsWith(':') && next !== '' ? `${head} ${next}` : head}`;
}

/** The models a module exports by default; `inFolder`: a file met in a folder or glob may be a helper. */
async function loadFile(file: string, inFolder: boolean, cwd: string): Promise<Model[]> {
  const shown = relative(cwd, file) || file;
  const url = pathToFileURL(file).href;
  let mod: { default?: unknown };
  try {
    mod = (await importModule(url)) as { default?: unknown };
  } catch (e) {
    if (isModelError(e)) throw e;
    throw new ModelError(`cannot load ${shown}: ${loadError(e)}`);
  }
  const found = modelsOf(mod);
  if (inFolder && (found === undefined || found.length === 0)) return [];
  if (found === undefined || found.length === 0)
    throw new ModelError(`${shown}: its default export is not a model (defineModel) or a list of models`);
  return found.map((m) => {
    const model = m.source === undefined ? { ...m, source: url } : m;
    validateModel(model);
    return model;
  });
}

/** A path's stats (symlinks followed), or undefined for a dangling symlink or a loop. */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The TypeScript files below a folder, sorted, symlinks followed (each folder once). */
function filesUnder(dir: string, seen = new Set<string>()): string[] {
  const real = realpathSync(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  return readdirSync(dir)
    .filter((name) => name !== 'node_modules' && !name.startsWith('.'))
    .sort((a, b) => a.localeCompare(b))
    .flatMap((name) => {
      const path = join(dir, name);
      const st = statOf(path);
      if (st?.isDirectory()) return filesUnder(path, seen);
      // only regular files: importing a FIFO or a device would block or never end
      return st?.isFile() && FOLDER_FILE.test(name) && !NOT_MODELS.test(name) ? [path] : [];
    });
}

/** The models at a path or glob, relative to `base` (messages show paths relative to `cwd`). */
async function loadPath(arg: string, base: string, cwd: string): Promise<Model[]> {
  const path = resolve(base, arg);
  const st = statOf(path);
  if (st !== undefined) {
    if (st.isFile()) return loadFile(path, false, cwd);
    if (!st.isDirectory()) throw new UsageError(`${arg}: not a model file (a FIFO, device or socket)`);
    const out: Model[] = [];
    for (const f of filesUnder(path)) out.push(...(await loadFile(f, true, cwd)));
    if (out.length === 0)
      throw new UsageError(`${arg}: no model file in this folder (a .ts file whose default export is a defineModel())`);
    return out;
  }
  if (/[*?[{]/.test(arg)) {
    // tinyglobby (with fdir and picomatch) loads only for a glob: ≈ 50 ms of start-up
    const { glob } = await import('tinyglobby');
    const files = (await glob(arg, { cwd: base, absolute: true, ignore: ['**/node_modules/**'] }))
      .filter((f) => MODEL_FILE.test(f) && !NOT_MODELS.test(f) && statOf(f)?.isFile() === true)
      .sort();
    const out: Model[] = [];
    for (const f of files) out.push(...(await loadFile(f, true, cwd)));
    if (out.length === 0)
      throw new UsageError(`${arg}: ${files.length === 0 ? 'no file matches' : 'no file it matches is a model file'}`);
    return out;
  }
  throw new UsageError(`no such model file or folder: ${arg}`);
}

/** kmc.config.* in `dir` or the nearest folder above it. */
export function findConfig(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    for (const name of CONFIG_FILES) if (existsSync(join(d, name))) return join(d, name);
    if (dirname(d) === d) return undefined;
  }
}

async function loadConfig(file: string): Promise<Config> {
  let mod: { default?: unknown };
  try {
    mod = (await importModule(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw new UsageError(`cannot load ${file}: ${loadError(e)}`);
  }
  const c = defaultExport(mod) as Config | undefined;
  if (
    typeof c !== 'object' ||
    c === null ||
    !Array.isArray(c.models) ||
    !c.models.every((m) => typeof m === 'string')
  ) {
    throw new UsageError(`${file}: its default export must be { models: string[] } (model files, folders or globs)`);
  }
  return c;
}

const fileOf = (m: Model) => (m.source?.startsWith('file:') ? realpathSync(fileURLToPath(m.source)) : m.source);

/** One model per name: the same file named twice (or through a symlink) counts once. */
function dedupe(models: Model[], cwd: string): Model[] {
  const seen = new Map<string, Model>();
  for (const m of models) {
    const other = seen.get(m.name);
    if (other !== undefined && fileOf(other) !== fileOf(m)) {
      const where = (x: Model) => relative(cwd, fileOf(x) ?? '?');
      throw new UsageError(`two models are named ${m.name}: in ${where(other)} and in ${where(m)}; check one of them`);
    }
    if (other === undefined) seen.set(m.name, m);
  }
  return [...seen.values()];
}

/**
 * The project around `cwd`. `known`: models given directly (tests, the API); without them
 * the project's models are those of its kmc.config.ts.
 */
export function openProject(cwd: string = process.cwd(), known?: readonly Model[]): Project {
  const config = known === undefined ? findConfig(cwd) : undefined;
  const root = config !== undefined ? dirname(config) : cwd;
  let own: Promise<Model[]> | undefined;
  const projectModels = (): Promise<Model[]> => {
    own ??= (async () => {
      if (known !== undefined) return [...known];
      if (config === undefined) {
        throw new UsageError(
          `no models: name a model file or folder (kmc check ./model.ts), or list them in a kmc.config.ts`,
        );
      }
      const c = await loadConfig(config);
      const out: Model[] = [];
      for (const entry of c.models) out.push(...(await loadPath(entry, root, cwd)));
      if (out.length === 0) throw new UsageError(`${config}: its models list names no model`);
      return dedupe(out, cwd);
    })();
    return own;
  };
  const byName = async (name: string): Promise<Model> => {
    const all = await projectModels();
    const m = all.find((x) => x.name === name);
    if (m !== undefined) return m;
    throw new UsageError(
      `unknown model '${name}'${didYouMean(
        name,
        all.map((x) => x.name),
      )} (kmc list shows the models; a model file is named by its path, e.g. ./${name.split('/').pop()}.ts)`,
    );
  };
  return {
    root,
    async models(args) {
      if (args.length === 0) return projectModels();
      const out: Model[] = [];
      for (const a of args)
        out.push(
          ...(existsSync(resolve(cwd, a)) || looksLikePath(a) ? await loadPath(a, cwd, cwd) : [await byName(a)]),
        );
      return dedupe(out, cwd);
    },
    async model(arg) {
      const ms = await this.models([arg]);
      if (ms.length !== 1)
        throw new UsageError(`${arg} holds ${ms.length} models (${ms.map((m) => m.name).join(', ')}): name one`);
      return ms[0]!;
    },
  };
}
