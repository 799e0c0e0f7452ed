// Worker bootstrap: register tsx in this thread (loader hooks do not follow a worker in
// Node 20), for ES modules and CommonJS alike (a user's model file in a folder without
// "type": "module" is CommonJS to tsx), then load the worker. Works under the CLI
// (bin/kmc.mjs) and vitest; the build rewrites './worker.ts' to './worker.js'.
import { register } from 'tsx/esm/api';
import { register as registerCommonJs } from 'tsx/cjs/api';

register();
registerCommonJs();
await import('./worker.ts');
