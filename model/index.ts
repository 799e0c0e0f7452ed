// Every model kmc knows, in the order `kmc list` and `kmc check` show them.

import type { Model } from '../src/index.ts';
import { allocAndRead } from './dma-heap/alloc-and-read.ts';
import { asyncRead } from './dma-heap/async-read.ts';
import { mmapDirectIo } from './dma-heap/mmap-direct-io.ts';
import { udmabufCreateModel } from './udmabuf/create.ts';
import { copyFileRange } from './dma-buf/copy-file-range.ts';

export const models: Model[] = [allocAndRead, asyncRead, mmapDirectIo, udmabufCreateModel, copyFileRange];
