// kmc mutate on udmabuf/create (seed 004), bounded to upstream today: the score pinned, and
// the mutants of the gaps of issue 21 killed (i_mmap_writable balance, NULL arrays).

import { describe } from 'vitest';
import { udmabufCreateModel } from '../../model/udmabuf/create.ts';
import { scoreSuite } from './score.ts';

describe('kmc mutate: udmabuf/create', () => {
  scoreSuite({
    model: udmabufCreateModel,
    variants: ['pinned-folios'],
    minScore: 0.96,
    killedBy: {
      'noop:sealer0/memfd_wait_for_pins:mapping_allow_writable': 'leak', // i_mmap_writable left denied
      'noop:fput:dma_buf_release': 'folio-pinned-after-close',
      'fault:ioctl/kvmalloc_array_pinned_folios:-ENOMEM>kvmalloc_array_scratch_folios': 'null-pointer-dereference',
    },
  });
});
