// kmc's own package: where it is installed (or checked out), and its version.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageJson {
  name?: string;
  version?: string;
  devDependencies?: Record<string, string>;
}

/** kmc's own folder (where its package.json is): ../.. from src/cli, ../../.. from dist/src/cli. */
export function packageRoot(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); dirname(d) !== d; d = dirname(d)) {
    const file = join(d, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as PackageJson).name === 'kmcheck') return d;
  }
  throw new Error('cannot find the package.json of kmcheck above its own files');
}

/** kmc's version, from its package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as PackageJson).version ?? '?';
}
