// The kernel helpers, callable through one table: every helper a kernel file exports
// (fput, fd_install, memfd_pin_folios, ...) is registered by its name in the engine's
// registry of named functions (src/core/helpers.ts) and exported as a function that calls
// whatever the table holds. So a tool (kmc mutate) can replace a helper everywhere it is
// called, in model files, racers, properties and other helpers, without editing them.
// Models keep importing and calling the helpers by name, as C calls kernel functions.

export { helper, wrapHelper, restoreHelpers, helperNames as kernelHelpers } from '../../src/index.ts';
