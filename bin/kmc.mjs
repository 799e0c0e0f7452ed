#!/usr/bin/env node
// The kmc command. Users' TypeScript model files load as they are, with no build step,
// through tsx. In a checkout of kmc (src/ is there) the CLI itself runs from its TypeScript
// sources, so tsx is registered first, and `kmc bench` is added. The installed package
// runs dist/, loaded before tsx (src/core/import-module.ts registers it when the first .ts
// file is imported): Node 20 runs loader hooks on a thread of their own, and every module
// loaded after them pays a round trip to it.
import { existsSync } from 'node:fs';

const checkout = existsSync(new URL('../src/cli/main.ts', import.meta.url));
if (checkout) {
  // ES modules and CommonJS: a model file in a folder without "type": "module" is CommonJS to tsx
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
}
const { main } = await import(checkout ? '../src/cli/main.ts' : '../dist/src/cli/main.js');
const commands = checkout ? [(await import('../bench/cli.ts')).bench] : [];
// `kmc ... | head`: a closed pipe ends kmc as SIGPIPE would (141), not with a stack trace
process.stdout.on('error', (e) => (e.code === 'EPIPE' ? process.exit(141) : Promise.reject(e)));
process.exitCode = await main(process.argv.slice(2), undefined, { commands });
