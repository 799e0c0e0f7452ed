#!/usr/bin/env node
// The kmc command. tsx is registered so that users' TypeScript model files load as they
// are, with no build step. In a checkout of kmc (src/ is there) the CLI itself runs from
// its TypeScript sources and `kmc bench` is added; the installed package runs dist/.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';
import { register as registerCommonJs } from 'tsx/cjs/api';

// ES modules and CommonJS: a model file in a folder without "type": "module" is CommonJS to tsx
register();
registerCommonJs();
const checkout = existsSync(new URL('../src/cli/main.ts', import.meta.url));
const { main } = await import(checkout ? '../src/cli/main.ts' : '../dist/src/cli/main.js');
const commands = checkout ? [(await import('../bench/cli.ts')).bench] : [];
// `kmc ... | head`: a closed pipe ends kmc as SIGPIPE would (141), not with a stack trace
process.stdout.on('error', (e) => (e.code === 'EPIPE' ? process.exit(141) : Promise.reject(e)));
process.exitCode = await main(process.argv.slice(2), undefined, { commands });
