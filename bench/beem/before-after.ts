// Two kmc checkouts side by side on BEEM ports: per round, a fresh `kmc check` of the
// port at the size (reductions off, as the bench runs it: process-memory.ts) from each
// checkout, which goes first alternating; each checkout runs its own copy of the port's
// model file. Prints every run, then per port min and median of each side's search time
// and of the per-round after/before ratio. The state and transition counts of the two
// sides must be equal (a change that alters them is not a speed-up). For a change to the
// explorer, measured before it is kept:
//
//   git worktree add --detach /tmp/before HEAD~1 && ln -s "$PWD/node_modules" /tmp/before/
//   node --import tsx bench/beem/before-after.ts --before /tmp/before --models anderson,leader-filters --size xlarge --rounds 2

import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { minMedian } from '../format.ts';
import { freshCheck } from '../process-memory.ts';
import { PORTS } from './ports.ts';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    models: { type: 'string', default: PORTS.map((p) => p.name).join(',') },
    size: { type: 'string', default: 'large' },
    rounds: { type: 'string', default: '3' },
  },
});
if (values.before === undefined)
  throw new Error('--before <checkout> is required (another kmc checkout, with node_modules)');
const root = resolve(import.meta.dirname, '../..');
const before = resolve(values.before);
const rounds = Number(values.rounds);

console.log(`before ${before}, after ${root}: ${rounds} rounds, fresh kmc processes; ${new Date().toISOString()}`);
for (const name of values.models.split(',')) {
  const port = PORTS.find((p) => p.name === name);
  if (!port) throw new Error(`no BEEM port ${name} (ports: ${PORTS.map((p) => p.name).join(', ')})`);
  const size = port.sizes.find((s) => s.name === values.size);
  if (!size) throw new Error(`${name} has no size ${values.size} (${port.sizes.map((s) => s.name).join(', ')})`);
  const check = (checkout: string) =>
    freshCheck({
      bin: join(checkout, 'bin/kmc.mjs'),
      file: join(checkout, relative(root, port.file)),
      variant: port.variant,
      params: size.params,
      reductions: 'none',
      timeoutMs: 600_000,
    }).run;
  const ms = { before: [] as number[], after: [] as number[], ratio: [] as number[] };
  for (let i = 1; i <= rounds; i++) {
    const sides = i % 2 === 1 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    const runs = Object.fromEntries(sides.map((side) => [side, check(side === 'before' ? before : root)]));
    const [b, a] = [runs.before!, runs.after!];
    if (b.states !== a.states || b.transitions !== a.transitions || !b.complete || !a.complete)
      throw new Error(
        `${name}: before ${b.states} states ${b.transitions} transitions (${b.verdict}), after ${a.states} ${a.transitions} (${a.verdict})`,
      );
    ms.before.push(b.ms);
    ms.after.push(a.ms);
    ms.ratio.push(a.ms / b.ms);
    console.log(
      `${name} ${JSON.stringify(size.params)} round ${i}: before ${b.ms.toFixed(0)} ms, after ${a.ms.toFixed(0)} ms, after/before ${(a.ms / b.ms).toFixed(3)} (${a.states} states)`,
    );
  }
  console.log(`${name} ${JSON.stringify(size.params)}:`);
  console.log(`  before ms ${minMedian(ms.before)}`);
  console.log(`  after ms ${minMedian(ms.after)}`);
  console.log(`  after/before ${minMedian(ms.ratio, 3)}`);
}
