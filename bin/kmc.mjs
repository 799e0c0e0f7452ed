#!/usr/bin/env node
// The kmc command: runs the TypeScript sources directly (tsx), so an edited model file is
// checked as it is, with no build step in between.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { models } = await import('../model/index.ts');
process.exitCode = await main(process.argv.slice(2), models);
