// The userspace racers (threads of the same process that race a kernel path), as one
// module: the package's 'kmcheck/userspace' export.

export * from './fd-closer.ts';
export * from './fd-filler.ts';
export * from './fd-guesser.ts';
export * from './forker.ts';
export * from './memfd-sealer.ts';
export * from './memfd-truncater.ts';
export * from './memfd-writer.ts';
export * from './truncater.ts';
export * from './udmabuf-writer.ts';
