// Every stored counterexample in traces/ is a regression test: it must still replay step by
// step against today's models, and still end in the violation it recorded.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, decodeTrace, replay } from '../src/index.ts';
import { models } from '../model/index.ts';

const DIR = join(import.meta.dirname, '..', 'traces');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('stored traces replay', () => {
  it('there are stored traces', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(file, () => {
      const trace = decodeTrace(readFileSync(join(DIR, file), 'utf8'));
      const model = models.find((m) => m.name === trace.model);
      expect(model, `model ${trace.model}`).toBeDefined();
      const r = replay(compile(model!, trace.variant, trace.params), trace);
      expect(r.kind === 'diverged' ? `step ${r.step}: ${r.message}` : r.kind).toBe('reproduced');
      if (r.kind === 'reproduced') expect(r.violation.property).toBe(trace.violation.property);
    });
  }
});
