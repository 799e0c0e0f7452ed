// The user's project: where the models come from. A command-line argument that is an
// existing path, a glob, or ends in .ts/.js/.mjs names model files (a folder: every model
// file in it); anything else is a model name, looked up among the project's models. The
// project's models are those its kmc.config.ts names (found in the working directory or
// above it); kmc's own repository is such a project.
//
// A model file `export default`s a model or a list of models. Loading a file records it
// as each model's `source`, so traces say where a model came from and workers load it too.
// TypeScript files load through tsx, which bin/kmc.mjs registers (for ESM and CommonJS
// folders alike).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import { modelsOf, type Model } from '../core/model.ts';
import { didYouMean } from '../core/suggest.ts';
import { validateModel } from '../core/validate.ts';
import { isModelError, ModelError } from '../core/violation.ts';
import { UsageError } from './errors.ts';

export const CONFIG_FILES = ['kmc.config.ts', 'kmc.config.mts', 'kmc.config.js', 'kmc.config.mjs'] as const;
const MODEL_FILE = /\.(ts|mts|js|mjs)$/;
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

const looksLikePath = (arg: string) => MODEL_FILE.test(arg) || /[*?[{]/.test(arg) || arg.startsWith('.') || isAbsolute(arg);

/** The models a module exports by default; `optional`: a file in a folder may be a helper. */
async function loadFile(file: string, optional: boolean, cwd: string): Promise<Model[]> {
  const shown = relative(cwd, file) || file;
  const url = pathToFileURL(file).href;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    if (isModelError(e)) throw e;
    const why = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
    throw new ModelError(`cannot load ${shown}: ${why}`);
  }
  const found = modelsOf(mod);
  if (found === undefined && optional) return [];
  if (found === undefined || found.length === 0) throw new ModelError(`${shown}: its default export is not a model (defineModel) or a list of models`);
  return found.map((m) => {
    const model = m.source === undefined ? { ...m, source: url } : m;
    validateModel(model);
    return model;
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules' && !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : MODEL_FILE.test(e.name) && !NOT_MODELS.test(e.name) ? [join(dir, e.name)] : []));
}

/** The models at a path or glob, relative to `base` (messages show paths relative to `cwd`). */
async function loadPath(arg: string, base: string, cwd: string): Promise<Model[]> {
  const path = resolve(base, arg);
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) return loadFile(path, false, cwd);
    const out: Model[] = [];
    for (const f of filesUnder(path)) out.push(...(await loadFile(f, true, cwd)));
    if (out.length === 0) throw new UsageError(`${arg}: no model files in this folder (a model file export defaults a defineModel())`);
    return out;
  }
  if (/[*?[{]/.test(arg)) {
    const files = (await glob(arg, { cwd: base, absolute: true, ignore: ['**/node_modules/**'] })).filter((f) => MODEL_FILE.test(f) && !NOT_MODELS.test(f)).sort();
    if (files.length === 0) throw new UsageError(`${arg}: no file matches`);
    const out: Model[] = [];
    for (const f of files) out.push(...(await loadFile(f, true, cwd)));
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
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw new UsageError(`cannot load ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const d = mod.default as { default?: unknown } | undefined;
  const c = (typeof d === 'object' && d !== null && 'default' in d ? d.default : d) as Config | undefined;
  if (typeof c !== 'object' || c === null || !Array.isArray(c.models) || !c.models.every((m) => typeof m === 'string')) {
    throw new UsageError(`${file}: its default export must be { models: string[] } (model files, folders or globs)`);
  }
  return c;
}

function dedupe(models: Model[]): Model[] {
  const seen = new Map<string, Model>();
  for (const m of models) {
    const other = seen.get(m.name);
    if (other !== undefined && other.source !== m.source) throw new ModelError(`two models are named ${m.name} (${other.source ?? '?'} and ${m.source ?? '?'})`);
    seen.set(m.name, m);
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
        throw new UsageError(`no models: name a model file or folder (kmc check ./model.ts), or list them in a kmc.config.ts`);
      }
      const c = await loadConfig(config);
      const out: Model[] = [];
      for (const entry of c.models) out.push(...(await loadPath(entry, root, cwd)));
      return dedupe(out);
    })();
    return own;
  };
  const byName = async (name: string): Promise<Model> => {
    const all = await projectModels();
    const m = all.find((x) => x.name === name);
    if (m !== undefined) return m;
    throw new UsageError(`unknown model '${name}'${didYouMean(name, all.map((x) => x.name))} (kmc list shows the models; a model file is named by its path, e.g. ./${name.split('/').pop()}.ts)`);
  };
  return {
    root,
    async models(args) {
      if (args.length === 0) return projectModels();
      const out: Model[] = [];
      for (const a of args) out.push(...(existsSync(resolve(cwd, a)) || looksLikePath(a) ? await loadPath(a, cwd, cwd) : [await byName(a)]));
      return dedupe(out);
    },
    async model(arg) {
      const ms = await this.models([arg]);
      if (ms.length !== 1) throw new UsageError(`${arg} holds ${ms.length} models (${ms.map((m) => m.name).join(', ')}): name one`);
      return ms[0]!;
    },
  };
}

/** A model's source (a file URL) relative to the project root, with / separators (for traces). */
export function sourceIn(project: Project, source: string | undefined): string | undefined {
  if (source === undefined || !source.startsWith('file:')) return undefined;
  return relative(project.root, fileURLToPath(source)).split(sep).join('/');
}
