// A checker for the Informal Trace Format (Apalache ADR-015,
// https://apalache-mc.org/docs/adr/015adr-trace.html), written from the spec:
// - a trace is an object with "#meta" (optional object), "params" (optional list of
//   strings), "vars" (list of strings), "states" (list of states), "loop" (optional int);
// - a state is an object with an optional "#meta" and a value for every name in vars;
// - an expression is a string, a boolean, an integer in [-(2^53)+1, 2^53-1],
//   { "#bigint": "[-][0-9]+" }, a list, { "#tup": [...] }, { "#set": [...] },
//   { "#map": [[k, v], ...] }, or a record whose field names do not start with '#'.
// Returns the problems found (empty: valid).

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function expression(x: unknown, at: string, problems: string[]): void {
  if (typeof x === 'string' || typeof x === 'boolean') return;
  if (typeof x === 'number') {
    if (!Number.isSafeInteger(x)) problems.push(`${at}: ${x} is not an integer in [-(2^53)+1, 2^53-1]`);
    return;
  }
  if (Array.isArray(x)) return x.forEach((v, i) => expression(v, `${at}[${i}]`, problems));
  if (!isObject(x)) return void problems.push(`${at}: ${JSON.stringify(x)} is not an ITF expression`);
  const keys = Object.keys(x);
  const special = keys.filter((k) => k.startsWith('#'));
  if (special.length === 0) return keys.forEach((k) => expression(x[k], `${at}.${k}`, problems));
  if (keys.length !== 1) return void problems.push(`${at}: ${special[0]} mixed with other fields`);
  const [k] = keys as [string];
  const v = x[k];
  if (k === '#bigint') {
    if (typeof v !== 'string' || !/^-?[0-9]+$/.test(v)) problems.push(`${at}: bad #bigint ${JSON.stringify(v)}`);
  } else if (k === '#tup' || k === '#set') {
    if (!Array.isArray(v)) problems.push(`${at}: ${k} is not a list`);
    else v.forEach((e, i) => expression(e, `${at}.${k}[${i}]`, problems));
  } else if (k === '#map') {
    if (!Array.isArray(v) || !v.every((p) => Array.isArray(p) && p.length === 2))
      problems.push(`${at}: #map is not a list of pairs`);
    else
      v.forEach(
        ([a, b], i) => (expression(a, `${at}.#map[${i}][0]`, problems), expression(b, `${at}.#map[${i}][1]`, problems)),
      );
  } else {
    problems.push(`${at}: unknown form ${k}`);
  }
}

export function itfProblems(trace: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(trace)) return ['not a JSON object'];
  for (const k of Object.keys(trace))
    if (!['#meta', 'params', 'vars', 'states', 'loop'].includes(k)) problems.push(`unknown top-level field ${k}`);
  if ('#meta' in trace && !isObject(trace['#meta'])) problems.push('#meta is not an object');
  if ('params' in trace && !(Array.isArray(trace.params) && trace.params.every((p) => typeof p === 'string')))
    problems.push('params is not a list of strings');
  if ('loop' in trace && !Number.isInteger(trace.loop)) problems.push('loop is not an integer');
  const vars = trace.vars;
  if (!Array.isArray(vars) || !vars.every((v) => typeof v === 'string'))
    return [...problems, 'vars is not a list of strings'];
  if (!Array.isArray(trace.states)) return [...problems, 'states is not a list'];
  trace.states.forEach((s, i) => {
    if (!isObject(s)) return void problems.push(`state ${i} is not an object`);
    if ('#meta' in s && !isObject(s['#meta'])) problems.push(`state ${i}: #meta is not an object`);
    for (const v of vars) if (!(v in s)) problems.push(`state ${i} has no value for ${v}`);
    for (const [k, x] of Object.entries(s)) {
      if (k === '#meta') continue;
      if (!vars.includes(k)) problems.push(`state ${i}: ${k} is not in vars`);
      expression(x, `state ${i}.${k}`, problems);
    }
  });
  return problems;
}

/**
 * Positions (list elements as `[]`, an Option's value as `?`) whose values are of more than
 * one kind across the states: a variable whose type changes, which Quint cannot read back.
 */
export function itfTypeProblems(trace: { vars: string[]; states: Record<string, unknown>[] }): string[] {
  const kinds = new Map<string, Set<string>>();
  const see = (at: string, kind: string): void => void kinds.set(at, (kinds.get(at) ?? new Set<string>()).add(kind));
  const walk = (x: unknown, at: string): void => {
    if (Array.isArray(x)) return (see(at, 'list'), x.forEach((v) => walk(v, `${at}[]`)));
    if (isObject(x)) {
      if ((x.tag === 'Some' || x.tag === 'None') && 'value' in x && Object.keys(x).length === 2) {
        see(at, 'option');
        if (x.tag === 'Some') walk(x.value, `${at}?`);
        return;
      }
      const special = Object.keys(x).find((k) => k.startsWith('#'));
      if (special !== undefined) return see(at, special);
      see(at, 'record');
      return Object.entries(x).forEach(([k, v]) => walk(v, `${at}.${k}`));
    }
    see(at, typeof x === 'number' ? 'int' : typeof x);
  };
  for (const s of trace.states) for (const v of trace.vars) walk(s[v], v);
  return [...kinds].filter(([, k]) => k.size > 1).map(([at, k]) => `${at}: ${[...k].join(' and ')}`);
}
