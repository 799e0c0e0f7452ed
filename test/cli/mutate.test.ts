// kmc mutate over a user's own model file, in a fresh folder outside the repository: a lock
// taken and released through helpers of the user's own (registered in the table), a counter
// incremented under it, and a statistics counter nothing checks. Its mutants, by hand: the
// unlock removed (the other thread waits forever: deadlock, killed); the lock removed (the
// unlock's owner check throws: a model error, counted apart, never a kill); the lock's guard
// dropped (the lock helper refuses a held lock: crashed too); each adjacent pair of steps
// swapped (the load outside the lock, the store before the load, the store after the unlock:
// lost updates, killed); the owner check removed (it never fires and changes nothing: the
// same states, equivalent); the statistics removed (states differ, no property sees it:
// survived, or harmless where the model says so). The score, --min-score, --operators,
// --json and the exit codes.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/index.ts';

const API = new URL('../../src/index.ts', import.meta.url).href;

const MODEL = `import { atEnd, defineModel, DONE, helper, ModelError, thread } from '${API}';
interface W { owner: number; x: number; checks: number }
const check_owner = helper('mine_check_owner', function check_owner(w: W, who: number): void {
  if (w.owner !== who) throw new ModelError('not the owner');
});
const lock = helper('mine_lock', function lock(w: W, who: number): void {
  if (w.owner !== -1) throw new ModelError('lock taken while held: the step was not guarded');
  w.owner = who;
});
const unlock = helper('mine_unlock', function unlock(w: W, who: number): void {
  check_owner(w, who);
  w.owner = -1;
});
const stat = helper('mine_stat', function stat(w: W): void {
  w.checks += 1;
});
export default defineModel({
  name: 'mine/locked-counter',
  title: 'two increments under a lock',
  params: {},
  world: (): W => ({ owner: -1, x: 0, checks: 0 }),
  threads: () =>
    [0, 1].map((i) =>
      thread<W, { tmp: number }>({
        name: \`t\${i}\`,
        locals: { tmp: 0 },
        symmetry: 'incrementer',
        steps: {
          lock: { enabled: (w) => w.owner === -1, run: (k) => (lock(k.world, i), stat(k.world), 'load') },
          load: { run: (k) => ((k.local.tmp = k.world.x), 'store') },
          store: { run: (k) => ((k.world.x = k.local.tmp + 1), 'unlock') },
          unlock: { run: (k) => (unlock(k.world, i), stat(k.world), DONE) },
        },
      }),
    ),
  properties: () => [atEnd<W>('no-lost-update', 'both increments land', (s) => (s.world.x === 2 ? undefined : \`x = \${s.world.x}\`))],
  variants: { locked: { description: 'as written', expect: 'holds' } },
  harmless: {
    'noop:incrementer/unlock:mine_stat': 'statistics only: nothing reads w.checks',
    'noop:incrementer/release:mine_stat': 'a step this model does not have (stale)',
  },
});
`;

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kmc-mutate-'));
  writeFileSync(join(dir, 'm.ts'), MODEL);
  return dir;
}

async function kmc(cwd: string, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, { cwd });
  return { code, out, err };
}

describe('kmc mutate over a user model', () => {
  const dir = project();

  it('--json: every mutant with its outcome, as counted by hand', async () => {
    const r = await kmc(dir, 'mutate', './m.ts', '--json');
    expect([r.code, r.err]).toEqual([0, '']);
    const doc = JSON.parse(r.out);
    expect(doc.schema).toBe('kmc-mutate/1');
    expect(Object.fromEntries(doc.mutants.map((m: { id: string; outcome: string }) => [m.id, m.outcome]))).toEqual({
      'noop:incrementer/lock:mine_lock': 'crashed',
      'noop:incrementer/lock:mine_stat': 'survived',
      'noop:incrementer/unlock:mine_unlock': 'killed',
      'noop:mine_unlock:mine_check_owner': 'equivalent',
      'noop:incrementer/unlock:mine_stat': 'harmless',
      'guard:incrementer/lock': 'crashed',
      'swap:incrementer/lock:load>store': 'killed',
      'swap:incrementer/load:store>unlock': 'killed',
      'swap:incrementer/store:unlock>done': 'killed',
    });
    const byId = Object.fromEntries(doc.mutants.map((m: { id: string }) => [m.id, m]));
    expect(byId['noop:incrementer/unlock:mine_unlock']).toMatchObject({
      property: 'deadlock',
      variant: 'locked',
      description: 'incrementer unlock: mine_unlock() removed',
    });
    expect(byId['swap:incrementer/load:store>unlock']).toMatchObject({
      property: 'no-lost-update',
      description: 'incrementer: store moved before load',
    });
    expect(byId['noop:incrementer/lock:mine_lock'].message).toMatch(/step unlock: not the owner/);
    expect(byId['guard:incrementer/lock'].message).toMatch(/lock taken while held/);
    expect(byId['noop:incrementer/unlock:mine_stat'].message).toBe('statistics only: nothing reads w.checks');
    expect(doc.counts).toEqual({ killed: 4, crashed: 2, incomplete: 0, equivalent: 1, harmless: 1, survived: 1 });
    expect(doc.score).toBe(0.8);
    expect(doc.stale).toEqual(['noop:incrementer/release:mine_stat']);
  });

  it('the text: the score, then each mutant not killed; --min-score: exit 1 below it, 0 at it', async () => {
    const r = await kmc(dir, 'mutate', './m.ts', '--min-score', '95');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^kmc mutate mine\/locked-counter: 9 mutants \(noop, guard, fault, goto, swap, order\), each checked exhaustively \(bfs\) on locked \(\d+ states\)\n/,
    );
    expect(r.out).toContain(
      'score 80.0%: 4 killed of 5; not counted: 1 equivalent (same reachable states), 1 declared harmless, 2 crashed (model error), 0 incomplete; --min-score 95.0%: NOT MET',
    );
    expect(r.out).toMatch(/^survived +noop:incrementer\/lock:mine_stat +incrementer lock: mine_stat\(\) removed$/m);
    expect(r.out).toMatch(
      /^harmless +noop:incrementer\/unlock:mine_stat +incrementer unlock: mine_stat\(\) removed\n +harmless because: statistics only: nothing reads w.checks$/m,
    );
    expect(r.out).toMatch(
      /^crashed +guard:incrementer\/lock +incrementer lock: runs without waiting \(its guard dropped\)$/m,
    );
    expect(r.out).toMatch(
      /^stale +noop:incrementer\/release:mine_stat: declared harmless, but no such mutant is generated$/m,
    );
    expect((await kmc(dir, 'mutate', './m.ts', '--min-score', '80%')).code).toBe(0);
  });

  it('--operators swap leaves out the rest; an unknown operator, a bad score, no model: bad input (exit 2)', async () => {
    const r = await kmc(dir, 'mutate', './m.ts', '--operators', 'swap', '--json');
    expect(JSON.parse(r.out).mutants.map((m: { id: string }) => m.id)).toEqual([
      'swap:incrementer/lock:load>store',
      'swap:incrementer/load:store>unlock',
      'swap:incrementer/store:unlock>done',
    ]);
    const bad = await kmc(dir, 'mutate', './m.ts', '--operators', 'swop');
    expect([bad.code, bad.err]).toEqual([
      2,
      "kmc: mutate: unknown operator 'swop' (did you mean 'swap'?) (operators: noop, guard, fault, goto, swap, order)\n",
    ]);
    expect((await kmc(dir, 'mutate', './m.ts', '--min-score', '101')).code).toBe(2);
    expect((await kmc(dir, 'mutate')).code).toBe(2);
  });
});
