// A registry of named functions, callable through one table: a world registers each of its
// helpers (the kernel world: fput, fd_install, memfd_pin_folios, ...) by name and exports the
// function `helper()` returns, which calls whatever the table holds. So a tool (kmc mutate)
// can replace a helper everywhere it is called, in model files, threads, properties and
// other helpers, without editing them: make it a no-op, count its calls, inject a fault.
//
// The table is module state, like the ops registries: a wrapper changes what every model
// loaded in this process sees until it is restored. The engine knows the helpers only by
// their names.

type AnyFunction = (...args: any[]) => any;

const table: Record<string, AnyFunction> = {};
const originals: Record<string, AnyFunction> = {};

/** Register `f` under `name` and return the function callers use: it dispatches through the table. */
export function helper<F extends AnyFunction>(name: string, f: F): F {
  if (originals[name]) throw new Error(`helper '${name}' defined twice`);
  table[name] = f;
  originals[name] = f;
  if (f.length > 8) throw new Error(`helper '${name}' takes ${f.length} arguments, the table passes 8`);
  // fixed arity, no rest array: helpers run in every step of every state explored (an
  // argument not given arrives as undefined, which takes the parameter's default)
  const call = (
    a?: unknown,
    b?: unknown,
    c?: unknown,
    d?: unknown,
    e?: unknown,
    g?: unknown,
    h?: unknown,
    i?: unknown,
  ) => table[name]!(a, b, c, d, e, g, h, i);
  Object.defineProperty(call, 'name', { value: name });
  return call as unknown as F;
}

/** The names of every registered helper, sorted. */
export function helperNames(): string[] {
  return Object.keys(originals).sort();
}

/**
 * Replace helper `name` by `wrap(original)` (the original stays callable from the wrapper);
 * returns the function that restores it.
 */
export function wrapHelper(name: string, wrap: (original: AnyFunction) => AnyFunction): () => void {
  const original = originals[name];
  if (!original) throw new Error(`no helper '${name}' (known: ${helperNames().join(', ')})`);
  table[name] = wrap(original);
  return () => void (table[name] = original);
}

/** Put every helper back as defined. */
export function restoreHelpers(): void {
  for (const [name, f] of Object.entries(originals)) table[name] = f;
}
