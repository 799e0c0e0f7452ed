// kmc's own models: `npx kmc check` in this repository checks these, as it would a
// user's project. Entries are model files, folders (every model file in them) or globs.

import type { Config } from './src/index.ts';

export default {
  models: ['model/dma-heap', 'model/udmabuf', 'model/dma-buf/copy-file-range.ts'],
} satisfies Config;
