#!/usr/bin/env node
// The kmc command. tsx is registered so that users' TypeScript model files load as they
// are, with no build step. In a checkout of kmc (src/ is there) the CLI itself runs from
// its TypeScript sources and `kmc bench` is added; the installed package runs dist/.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const checkout = existsSync(new URL('../src/cli/main.ts', import.meta.url));
const { main } = await import(checkout ? '../src/cli/main.ts' : '../dist/src/cli/main.js');
const commands = checkout ? [(await import('../bench/cli.ts')).bench] : [];
process.on('SIGINT', () => process.exit(130));
process.exitCode = await main(process.argv.slice(2), undefined, { commands });
