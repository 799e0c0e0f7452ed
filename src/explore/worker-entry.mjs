// Worker bootstrap. Run from kmc's TypeScript sources (src/, under the CLI in a checkout
// or under vitest), the worker registers tsx in this thread first (loader hooks do not
// follow a worker in Node 20), for ES modules and CommonJS alike (a user's model file in a
// folder without "type": "module" is CommonJS to tsx). Run compiled (dist/, where the build
// rewrites './worker.ts' to './worker.js'), kmc's own modules load without tsx, and the
// model's module registers it when it is TypeScript (core/import-module.ts): loader hooks
// make every module loaded after them slower.
import { existsSync } from 'node:fs';

if (existsSync(new URL('./worker.ts', import.meta.url))) {
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
}
await import('./worker.ts');
