// Device jobs and their fences (drivers/dma-buf/dma-fence.c, dma-resv.c), as an importer of
// a dma-buf uses them: the importer's driver maps an attachment, queues a job that has its
// device write the buffer's pages, and publishes a fence in dmabuf->resv that signals when
// the job is done. Whoever else touches the pages must wait for that fence
// (dma_resv_wait_timeout, DMA_BUF_IOCTL_SYNC). GUP and the block layer know nothing of
// fences: a direct-I/O read into a mapping of the buffer does not wait (Christian König on
// seed 001: "The attachment/map/fence model DMA-buf uses is not really compatible with
// direct I/O on the underlying pages").

import type { KernelWorld } from './world.ts';
import { helper } from './helpers.ts';

/** A device job writing some page frames, with its fence. */
export interface DeviceJob {
  by: string;
  dmabuf: number;
  pages: number[];
  /** dma_fence_is_signaled(): the device is done with the pages */
  signaled: boolean;
}

export interface FenceWorld extends KernelWorld {
  device_jobs: DeviceJob[];
}

/** The driver queues the job (dma_fence_init, dma_resv_add_fence(DMA_RESV_USAGE_WRITE)): the device writes the pages from now on. */
export const device_job_start = helper(
  'device_job_start',
  function device_job_start(w: FenceWorld, by: string, dmabuf: number, pages: readonly number[]): number {
    w.device_jobs.push({ by, dmabuf, pages: [...pages], signaled: false });
    return w.device_jobs.length - 1;
  },
);

/** dma_fence_signal(): the job is done. */
export const dma_fence_signal = helper('dma_fence_signal', function dma_fence_signal(w: FenceWorld, job: number): void {
  w.device_jobs[job]!.signaled = true;
});
