// The properties the models check, as one module: the package's 'kmcheck/properties' export.

export * from './copy-io.ts';
export * from './fd-exposure.ts';
export * from './file-contents.ts';
export * from './folio-pins.ts';
export * from './io-safety.ts';
export * from './leak.ts';
export * from './memfd-seals.ts';
export * from './memory-safety.ts';
export * from './mm-counters.ts';
export * from './udmabuf-ownership.ts';
