// Running `quint run` (random simulation) on a generated Quint model and parsing its summary.
// Nothing is installed here: when quint is missing, `quintMissing()` says how to get it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../../node_modules/.bin/quint');

export function quintMissing(): string | undefined {
  if (!existsSync(BIN)) return 'quint is not installed: npm i -D @informalsystems/quint';
  const v = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0)
    return `quint does not start: ${(v.stderr || v.stdout).split('\n').find((l) => /Error/.test(l)) ?? 'see npx quint --version'}`;
  return undefined;
}

export interface QuintRun {
  violated: boolean;
  /** quint's own reported time (parsing and type checking excluded) */
  ms: number;
  /** the whole process, start-up included */
  wallMs: number;
  samples: number;
  maxSteps: number;
  backend: string;
  output: string;
}

export function runQuint(
  qnt: string,
  opts: { samples: number; maxSteps: number; seed: number; backend?: string },
): QuintRun {
  const dir = mkdtempSync(join(tmpdir(), 'kmc-quint-'));
  writeFileSync(join(dir, 'model.qnt'), qnt);
  const backend = opts.backend ?? 'typescript';
  const t0 = performance.now();
  const r = spawnSync(
    BIN,
    [
      'run',
      'model.qnt',
      '--invariant=inv',
      `--max-samples=${opts.samples}`,
      `--max-steps=${opts.maxSteps}`,
      `--backend=${backend}`,
      `--seed=${opts.seed}`,
    ],
    { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const wallMs = performance.now() - t0;
  const out = r.stdout + r.stderr;
  const m = /\[(ok|violation)\][^(]*\((\d+)ms/.exec(out);
  if (!m) throw new Error(`quint run printed no summary:\n${out.slice(-2000)}`);
  return {
    violated: m[1] === 'violation',
    ms: Number(m[2]),
    wallMs,
    samples: opts.samples,
    maxSteps: opts.maxSteps,
    backend,
    output: out,
  };
}
