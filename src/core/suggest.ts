// "Did you mean": the known name closest to a mistyped one.

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest of `known` to `name`, if it is close enough to be a typo of it. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const near = Math.max(2, Math.floor(name.length / 3));
  for (const k of known) {
    // a name whose length is that far off is no typo (and a 50 MB one costs nothing)
    if (Math.abs(k.length - name.length) > near) continue;
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= near ? best : undefined;
}

/** ` (did you mean 'x'?)`, or nothing. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const c = closest(name, known);
  return c === undefined ? '' : ` (did you mean '${c}'?)`;
}
