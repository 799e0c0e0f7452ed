// What a buffer filled from a file must hold once its fd is visible: every page of the
// file, at its offset. A model records, when the kernel sizes the buffer from the file
// (i_size_read at init_dma_heap_file), how many pages it has undertaken to read; from the
// moment any thread can reach the buffer through an fd, all of them must be in place.

import { always, type Property } from '../src/index.ts';
import { is_dma_buf_file } from '../model/kernel/dma-buf.ts';
import { heapBufferOf } from '../model/kernel/system-heap.ts';
import { fdName, findFd } from '../model/kernel/world.ts';
import type { PromisedWorld } from '../model/kernel/read-promise.ts';

export type { PromisedWorld, ReadPromise } from '../model/kernel/read-promise.ts';

export const fileLandsAtOffset: Property<PromisedWorld> = always(
  'file-lands-at-offset',
  'once an fd to a buffer filled from a file is visible, every page of the file is at its offset in the buffer',
  ({ world: w }) =>
    findFd(w, (pid, fd, file) => {
      const f = w.files[file]!;
      if (!is_dma_buf_file(w, file) || f.freed) return undefined;
      const dmabuf = f.private_data;
      const promise = w.promised.find((p) => p.dmabuf === dmabuf);
      if (!promise) return undefined;
      const d = heapBufferOf(w, dmabuf);
      for (let i = 0; i < promise.size; i++) {
        const data = w.pages[d.pages[i]!]!.data;
        if (data !== i) {
          return `${fdName(pid, fd)} (dmabuf${dmabuf}) is visible but offset ${i} of the buffer holds ${data === null ? 'nothing' : `file page ${data}`}, not file page ${i} (${promise.size} pages promised)`;
        }
      }
      return undefined;
    }),
);
