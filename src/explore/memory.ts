// The process's memory, as the bounds measure it (bounds.ts for bfs/dfs, search.ts for
// random/pct, parallel.ts between worker rounds). Two limits:
// - `--max-memory`: the resident set of the whole process (RSS: heap, typed arrays, code,
//   the workers' heaps), what `top` and a container's limit count;
// - always, whatever the reductions and `--max-memory`: V8's heap limit. Past it V8 aborts
//   the process ("JavaScript heap out of memory", exit 134), and close to it the garbage
//   collector runs almost all the time, so the search stops at HEAP_MARGIN of it.
// Typed arrays (the visited set) live outside the heap: a growth is refused when it would
// not fit (`fits`), rather than left to fail.
//
// Sampling costs a few microseconds (getHeapStatistics, a read of the RSS), so callers
// sample every few milliseconds, not per state.

import { freemem, totalmem } from 'node:os';
import v8 from 'node:v8';

/**
 * Node's young generation by default (3 semi-spaces of 16 MiB): heap_size_limit is the
 * old generation's limit (--max-old-space-size) plus this, and it is the old generation
 * that runs out.
 */
const YOUNG_GENERATION = 48 * 2 ** 20;

/**
 * The share of the old generation's limit at which a search stops. Measured on issue 19's
 * reproducer (udmabuf/create pinned-folios under --max-old-space-size=256): V8 gave up
 * ("ineffective mark-compacts") at 253 MB used of 256; at 0.85 (218 MB) the search stops
 * with time to spare, the collector not yet thrashing.
 */
export const HEAP_MARGIN = 0.85;

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

export class Memory {
  /** RSS when the search began (the per-state figure counts from here) */
  readonly startRss = process.memoryUsage.rss();
  /** heap bytes in use past which the search stops */
  readonly heapStop: number;

  /** `maxRss`: --max-memory, the process's resident bytes. */
  constructor(readonly maxRss?: number) {
    const limit = v8.getHeapStatistics().heap_size_limit;
    this.heapStop = Math.max(limit - YOUNG_GENERATION, limit / 2) * HEAP_MARGIN;
  }

  /** The bound passed, named (`max-memory (...)`, `heap-limit (...)`), or undefined. */
  reached(): string | undefined {
    const heap = v8.getHeapStatistics().used_heap_size;
    if (heap > this.heapStop)
      return `heap-limit (${mb(heap)} of JavaScript heap in use, ${HEAP_MARGIN * 100}% of V8's limit: node --max-old-space-size=<MB> raises it)`;
    if (this.maxRss !== undefined) {
      const rss = process.memoryUsage.rss();
      if (rss > this.maxRss) return `max-memory (${mb(this.maxRss)}: the process uses ${mb(rss)})`;
    }
    return undefined;
  }

  /**
   * Whether `bytes` more (a typed array about to be allocated) fit within --max-memory, a
   * container's memory limit (cgroup), and the machine's free memory.
   */
  fits(bytes: number): boolean {
    if (this.maxRss !== undefined && process.memoryUsage.rss() + bytes > this.maxRss) return false;
    const container = process.constrainedMemory?.() ?? 0;
    if (container > 0 && container < totalmem() && process.memoryUsage.rss() + bytes > container) return false;
    return bytes < freemem();
  }

  /** The bound a refused growth of `what` names. */
  refused(what: string, bytes: number): string {
    return this.maxRss !== undefined
      ? `max-memory (${mb(this.maxRss)}: ${what} cannot grow by ${mb(bytes)})`
      : `memory (${what} cannot grow by ${mb(bytes)}: the machine has ${mb(freemem())} free)`;
  }

  /** Resident bytes the process grew by since the search began (0 if it shrank). */
  grown(): number {
    return Math.max(0, process.memoryUsage.rss() - this.startRss);
  }
}
