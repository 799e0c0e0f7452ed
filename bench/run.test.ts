// Where `npm run bench` writes its tables: a narrowed run must not replace the full run's.

import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultsDir } from './run.ts';

const results = resolve(import.meta.dirname, 'results');

describe('resultsDir', () => {
  it('a full run writes bench/results; one narrowed by --models or --sizes, bench/results/partial', () => {
    expect(resultsDir({})).toBe(results);
    expect(resultsDir({ models: ['peterson'] })).toBe(resolve(results, 'partial'));
    expect(resultsDir({ sizes: ['small'] })).toBe(resolve(results, 'partial'));
  });

  it('--out wins, narrowed or not', () => {
    expect(resultsDir({ out: '/tmp/x' })).toBe('/tmp/x');
    expect(resultsDir({ out: '/tmp/x', models: ['peterson'], sizes: ['xlarge'] })).toBe('/tmp/x');
  });
});
