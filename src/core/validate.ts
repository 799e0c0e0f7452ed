// What can be known wrong about a model before anything runs: expectations naming a
// property it does not declare, variants setting parameters it does not have (or to values
// its schema refuses), orderings naming unknown blocks, variants or parameters. Each is a
// model error (exit 4), refused when the model loads.

import { DEADLOCK, expectations, variantParams, type Model } from './model.ts';
import { paramsError } from './params.ts';
import { didYouMean } from './suggest.ts';
import { ModelError } from './violation.ts';

/** What a model with these properties may report: the properties, its bugs, and deadlock unless it is off. */
export function declared(model: Model, properties: readonly { name: string }[]): string[] {
  return [
    ...new Set([
      ...properties.map((p) => p.name),
      ...Object.keys(model.bugs ?? {}),
      ...(model.deadlock === false ? [] : [DEADLOCK]),
    ]),
  ];
}

/** The names a variant of the model may be found to violate: properties, bugs, deadlock. */
export function declaredNames(model: Model, variant: string): string[] {
  return declared(model, model.properties(variantParams(model, variant)));
}

/** Throws a ModelError naming the first problem found. */
export function validateModel(model: Model): void {
  const fail = (what: string): never => {
    throw new ModelError(`${model.name}: ${what}`);
  };
  if (typeof model.name !== 'string' || model.name === '') fail('a model needs a name');
  for (const [name, v] of Object.entries(model.variants)) {
    const bad = paramsError(model, v.params ?? {});
    if (bad !== undefined) fail(`variant ${name}: ${bad}`);
    let known: string[];
    try {
      known = declaredNames(model, name);
    } catch (e) {
      fail(`variant ${name}: building its properties threw ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const e of expectations(v.expect)) {
      if (e !== 'holds' && !known!.includes(e.violates)) {
        fail(
          `variant ${name} expects a violation of '${e.violates}', which the model does not declare${didYouMean(e.violates, known!)} (it declares: ${known!.join(', ')})`,
        );
      }
    }
  }
  const o = model.orderings;
  if (o === undefined) return;
  if (!Object.hasOwn(model.params, o.param))
    fail(`orderings.param '${o.param}' is not one of its parameters${didYouMean(o.param, Object.keys(model.params))}`);
  if (o.variant !== undefined && !Object.hasOwn(model.variants, o.variant))
    fail(
      `orderings.variant '${o.variant}' is not one of its variants${didYouMean(o.variant, Object.keys(model.variants))}`,
    );
  const blocks = new Set(Object.values(o.blocks).flat());
  for (const [a, b] of o.constraints) {
    for (const x of [a, b])
      if (!blocks.has(x))
        fail(`orderings constraint [${a}, ${b}] names block '${x}', which no block set has${didYouMean(x, blocks)}`);
  }
  if (o.source !== undefined && (o.source.files.length === 0 || o.source.functions.length === 0))
    fail('orderings.source needs its .c files and the functions to read (the entry first)');
  for (const b of Object.keys(o.source?.calls ?? {})) {
    if (!blocks.has(b))
      fail(`orderings.source.calls names block '${b}', which no block set has${didYouMean(b, blocks)}`);
  }
}
