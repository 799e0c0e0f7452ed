// kmc mutate on dma-buf/copy-file-range (seed 002), on its five holding variants: the score
// pinned, and the mutants leak and the mappings' use-after-free now see killed (the bio
// never put, the bvec array never kvfree'd, an attachment left on buffer->attachments, the
// files' and the vmaps' references), and the importer's own attachment and the udmabuf's
// release. What still survives is listed in the README.

import { describe } from 'vitest';
import { copyFileRange } from '../../model/dma-buf/copy-file-range.ts';
import { scoreSuite } from './score.ts';

describe('kmc mutate: dma-buf/copy-file-range', () => {
  scoreSuite({
    model: copyFileRange,
    variants: [
      'upstream',
      'v3-system-heap-kernel-users',
      'fixed-udmabuf-alone',
      'exclusive-incl-mmap',
      'tmpfs-cfr-unlocked',
    ],
    minScore: 0.95,
    killedBy: {
      'noop:bio/bio_release_pages:bio_put': 'leak', // the bio never put
      'noop:copier/kvfree:bvec_array_free': 'leak', // the bvec array never kvfree'd
      'goto:importer0/dma_buf_map_attachment:-EIO:done': 'leak', // the attachment left on buffer->attachments
      'noop:vmapper0/dma_buf_vunmap:dma_buf_vunmap': 'leak', // the dma-buf still vmapped
      'noop:copier/fdput:fput': 'leak',
      'noop:vm_munmap:remove_vma': 'leak', // the vma munmap detached never freed
      'noop:vm_munmap:zap_ptes': 'use-after-free', // a pte left in the unmapped vma
      'fault:importer0/dma_buf_map_attachment:-EIO>device_write': 'null-pointer-dereference', // the job walks ERR_PTR(-EIO)
      'goto:importer0/dma_buf_attach:-ENOMEM:dma_buf_detach': 'null-pointer-dereference', // detach of ERR_PTR(-ENOMEM)
      'swap:importer0/dma_buf_unmap_attachment:dma_buf_detach>done': 'use-after-free', // unmap of the kfree'd attachment
      'noop:importer0/dma_buf_unmap_attachment:dma_buf_unmap_attachment': 'leak', // the attachment still mapped
      'noop:memfd_pin_folios:try_grab_folio': 'unpin-not-pinned', // release_udmabuf unpins what was never pinned
    },
  });
});
