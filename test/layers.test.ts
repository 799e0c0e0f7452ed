// The layers point one way (DESIGN.md, "Layout"): src/ names nothing outside src/ (in
// imports or URLs) and has no import cycle, type-only imports included; between the model
// folders the direction is model/<subsystem> -> properties -> model/kernel. The checker is
// shown to catch a planted cycle and a planted outward import first.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : /\.(ts|mjs)$/.test(f) ? [p] : [];
  });
}

/** The relative module specifiers a source text names: imports, re-exports, import(), new URL(). */
export function specifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(
    /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|new URL\(\s*'([^']+)'/g,
  )) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4]!;
    if (spec.startsWith('.')) out.push(spec);
  }
  return out;
}

/** Every cycle met by a depth-first walk of a graph (each as a list of nodes). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (!graph.has(m)) continue;
      if (state.get(m) === 'open') found.push(stack.slice(stack.indexOf(m)));
      else if (state.get(m) === undefined) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of graph.keys()) if (state.get(n) === undefined) visit(n);
  return found;
}

/** Each file under `dir` with the files (absolute paths) it names. */
function graphOf(dir: string): Map<string, string[]> {
  return new Map(
    filesUnder(dir).map((f) => [f, specifiers(readFileSync(f, 'utf8')).map((s) => resolve(dirname(f), s))]),
  );
}

const rel = (f: string) => relative(ROOT, f);
const inside = (folder: string) => (f: string) => !relative(join(ROOT, folder), f).startsWith('..');

describe('the checker itself', () => {
  it('reads imports, re-exports, dynamic imports and URLs, and skips comments', () => {
    const text = [
      "import a from './a.ts';",
      "export type { B } from '../b.ts';",
      "// import c from './c.ts';",
      "const d = await import('./d.ts');",
      "new URL('./e.mjs', import.meta.url);",
      "import 'x';",
    ].join('\n');
    expect(specifiers(text)).toEqual(['./a.ts', '../b.ts', './d.ts', './e.mjs']);
  });

  it('finds a planted cycle, and none in a chain', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('layers', () => {
  const src = graphOf(join(ROOT, 'src'));

  it('src/ names no file outside src/', () => {
    const outward = [...src].flatMap(([f, deps]) =>
      deps.filter((d) => !inside('src')(d)).map((d) => `${rel(f)} -> ${rel(d)}`),
    );
    expect(outward).toEqual([]);
  });

  it('src/ has no import cycle (type-only imports included)', () => {
    expect(cycles(src).map((c) => c.map(rel).join(' -> '))).toEqual([]);
  });

  it('model/kernel/ imports only model/kernel/ and src/', () => {
    const kernel = graphOf(join(ROOT, 'model', 'kernel'));
    const bad = [...kernel].flatMap(([f, deps]) =>
      deps.filter((d) => !inside('model/kernel')(d) && !inside('src')(d)).map((d) => `${rel(f)} -> ${rel(d)}`),
    );
    expect(bad).toEqual([]);
  });

  it('properties/ (its suites aside) imports only model/kernel/, properties/ and src/', () => {
    const props = new Map([...graphOf(join(ROOT, 'properties'))].filter(([f]) => !f.endsWith('.test.ts')));
    const ok = (d: string) => inside('model/kernel')(d) || inside('properties')(d) || inside('src')(d);
    const bad = [...props].flatMap(([f, deps]) => deps.filter((d) => !ok(d)).map((d) => `${rel(f)} -> ${rel(d)}`));
    expect(bad).toEqual([]);
  });
});
