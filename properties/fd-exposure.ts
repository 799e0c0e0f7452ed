// Properties about what an installed fd exposes to the other threads of the process.
// Installing an fd is the point of no return: from fd_install() on, any thread can guess
// the number and mmap, read, dup or close it.

import { always, type Property } from '../src/index.ts';
import { is_dma_buf_file } from '../model/kernel/dma-buf.ts';
import { filledPages } from '../model/kernel/system-heap.ts';
import { fdName, findFd, type KernelWorld } from '../model/kernel/world.ts';

/** No fd refers to a dma-buf whose read from its source file has not completed. */
export const fdExposesUnreadBuffer: Property<KernelWorld> = always(
  'fd-exposes-unread-buffer',
  'no installed fd refers to a dma-buf whose file read has not completed',
  ({ world: w }) =>
    findFd(w, (pid, fd, file) => {
      const f = w.files[file]!;
      if (!is_dma_buf_file(w, file) || f.freed) return undefined;
      const { filled, expected } = filledPages(w, f.private_data);
      return filled < expected
        ? `${fdName(pid, fd)} refers to dmabuf${f.private_data}, of which ${filled} of ${expected} pages have been read`
        : undefined;
    }),
);

/** No userspace thread reads a dma-buf that is only partly filled from its file. */
export const halfReadBufferObserved: Property<KernelWorld> = always(
  'half-read-buffer-observed',
  'no userspace thread observes a dma-buf whose file read has not completed',
  ({ world: w }) => {
    const o = w.observed.find((x) => x.filled < x.expected);
    return o && `${o.thread} read fd ${o.fd} (dmabuf${o.dmabuf}) with ${o.filled} of ${o.expected} pages filled`;
  },
);

/** A system call that fails must not leave an fd it created installed: the caller cannot know the number, so it leaks, and another thread may already use it. */
export const fdInstalledOnError: Property<KernelWorld> = always(
  'fd-installed-on-error',
  'no error is returned to the caller while an fd it created stays installed',
  ({ world: w }) => {
    for (const call of w.returned) {
      if (call.ret >= 0) continue;
      const found = findFd(w, (pid, fd, file) =>
        call.files.includes(file) ? `${fdName(pid, fd)} (${w.files[file]!.name})` : undefined,
      );
      if (found) return `${call.call} returned ${call.ret} but ${found} that it installed stays in the table`;
    }
    return undefined;
  },
);
