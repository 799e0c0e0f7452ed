// Worker bootstrap: register tsx in this thread (loader hooks do not follow a worker in
// Node 20), then load the TypeScript worker. Works under the CLI (bin/kmc.mjs) and vitest.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
