// The kernel world, as one module: the package's 'kmcheck/kernel' export. Each file here
// models one kernel subsystem; see world.ts for the shared state. What differs per driver
// is in ops tables registered by name (file-operations.ts, dma-buf-ops.ts, mm.ts'
// vm_operations_struct): a new driver registers its tables in its own file. Every helper
// is called through one table (helpers.ts), so a tool can wrap any of them.

export * from './bio.ts';
export * from './dma-buf.ts';
export * from './dma-buf-ops.ts';
export * from './dma-fence.ts';
export * from './direct-io.ts';
export * from './errno.ts';
export * from './fd-blocks.ts';
export * from './fdtable.ts';
export * from './file.ts';
export * from './file-operations.ts';
export * from './fs.ts';
export * from './helpers.ts';
export * from './folio.ts';
export * from './fork.ts';
export * from './gup.ts';
export * from './inode.ts';
export * from './kthread.ts';
export * from './lock-wait.ts';
export * from './memfd.ts';
export * from './mm.ts';
export * from './mutex.ts';
export * from './page.ts';
export * from './page-pool.ts';
export * from './read-promise.ts';
export * from './read-write.ts';
export * from './rmap.ts';
export * from './rwsem.ts';
export * from './system-heap.ts';
export * from './udmabuf.ts';
export * from './vmalloc.ts';
export * from './world.ts';
