// Importing a user's module file (a model, kmc.config.ts) by its URL. TypeScript files
// load through tsx, registered here the first time one is imported, and only when kmc
// itself runs compiled (dist/, the installed package): kmc running from its own .ts
// sources means a TypeScript loader is already there (bin/kmc.mjs registered tsx, or
// vitest). Registering tsx costs ≈ 0.2 s (Node 20 runs loader hooks on a thread of their
// own) and slows every module loaded after it, so kmc loads its own code first.
//
// Registered once per thread: the flag lives on globalThis under Symbol.for, so two
// copies of this module in one thread (dist/ and src/) register tsx once. A worker thread
// has its own globals and registers its own (loader hooks do not follow a worker in
// Node 20).

const TYPESCRIPT = /\.[cm]?tsx?$/;
const REGISTERED = Symbol.for('kmcheck.typescript-loader');

/** kmc's own code is TypeScript here: whatever loaded it loads TypeScript. */
const ownCodeIsTypeScript = TYPESCRIPT.test(new URL(import.meta.url).pathname);

type Flagged = typeof globalThis & { [REGISTERED]?: boolean };

/** Register tsx for ES modules and CommonJS (a .ts file in a folder without "type": "module" is CommonJS to tsx). */
export async function registerTypeScript(): Promise<void> {
  const g = globalThis as Flagged;
  if (g[REGISTERED] === true) return;
  g[REGISTERED] = true;
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
}

/** The module at `url`; a TypeScript file registers tsx first when nothing else loads TypeScript. */
export async function importModule(url: string): Promise<unknown> {
  if (!ownCodeIsTypeScript && TYPESCRIPT.test(new URL(url).pathname)) await registerTypeScript();
  return import(url);
}
