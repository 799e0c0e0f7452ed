// Every stored counterexample in traces/ is a regression test: it must still replay step by
// step against today's models, end in the violation it recorded, and find the model
// unchanged (its fingerprints do not depend on the loader: these were recorded by the CLI
// under tsx and are replayed here under vitest). A kmc-trace/1 file still replays.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, decodeTrace, replay, replayParams, type Model, type Trace } from '../src/index.ts';
import { models } from '../model/index.ts';

const ROOT = join(import.meta.dirname, '..');
const DIR = join(ROOT, 'traces');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** The trace's model, loaded from the source file it records. */
async function modelOf(trace: Trace): Promise<Model> {
  expect(trace.source, 'a stored trace records its source').toBeDefined();
  const mod = (await import(pathToFileURL(resolve(ROOT, trace.source!)).href)) as { default: Model };
  expect(mod.default.name).toBe(trace.model);
  return mod.default;
}

describe('stored traces replay', () => {
  it('there are stored traces', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(file, async () => {
      const trace = decodeTrace(readFileSync(join(DIR, file), 'utf8'));
      expect(trace.format).toBe('kmc-trace/2');
      const r = replay(compile(await modelOf(trace), trace.variant, replayParams(trace)), trace);
      expect(r.kind === 'diverged' ? `step ${r.step}: ${r.message}` : r.kind).toBe('reproduced');
      if (r.kind === 'reproduced') expect(r.violation.property).toBe(trace.violation.property);
      expect(r.changed, 'no step, property or parameter changed since it was recorded').toEqual([]);
    });
  }
  it('a kmc-trace/1 file still replays (its fingerprint is not compared)', () => {
    const dir = join(ROOT, 'test/fixtures/trace-v1');
    for (const f of readdirSync(dir)) {
      const trace = decodeTrace(readFileSync(join(dir, f), 'utf8'));
      expect(trace.format).toBe('kmc-trace/1');
      const model = models.find((m) => m.name === trace.model)!;
      const r = replay(compile(model, trace.variant, replayParams(trace)), trace);
      expect([r.kind, r.changed]).toEqual(['reproduced', undefined]);
    }
  });
});
