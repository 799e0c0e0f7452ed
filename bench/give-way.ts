// The cost of giving way (drive.ts: the searches are generators that yield about every 50
// ms) and of sampling the process's memory (memory.ts), measured side by side in one
// process: the same bfs run with this checkout's explorer and with a checkout from before
// them (`git archive 76f1fe1 | tar -x -C <dir>`, node_modules linked), alternately A B A B,
// `rounds` times. CPU time of the process (process.cpuUsage: user + system), which a
// loaded machine disturbs less than wall time; both per state. Prints here/base, min and
// median, per workload (POR on, off), and the two state counts (they must be equal).
//
//   node --import tsx bench/give-way.ts <base checkout> [rounds] [sync|async|both] [por|no-por|both]

import { pathToFileURL } from 'node:url';

const [baseDir, roundsArg, drivenArg = 'both', porArg = 'both'] = process.argv.slice(2);
if (baseDir === undefined) throw new Error('usage: node --import tsx bench/give-way.ts <base checkout> [rounds]');
const rounds = Number(roundsArg ?? 5);
const here = new URL('..', import.meta.url).pathname;

interface Side {
  name: string;
  run: (por: boolean) => Promise<{ states: number; cpuMs: number }>;
}

/** `async`: the search driven as the CLI drives it (driveAsync: the event loop runs at each pause). */
async function side(name: string, root: string, async = false): Promise<Side> {
  const url = (p: string) => pathToFileURL(`${root}/${p}`).href;
  const { compile } = await import(url('src/core/system.ts'));
  const { exploreBfs, bfsSearch } = await import(url('src/explore/bfs.ts'));
  const { driveAsync } = async ? await import(url('src/explore/drive.ts')) : { driveAsync: undefined };
  const model = (await import(url('model/udmabuf/create.ts'))).default;
  // issue 19's reproducer, cut at a fixed state count
  const params = { memfdWriters: 1, truncaters: 1, fillers: 1, closers: 2 };
  return {
    name,
    async run(por) {
      const system = compile(model, 'pinned-folios', params);
      const opts = { por, maxStates: 150_000 };
      const t = process.cpuUsage();
      const r = async ? await driveAsync(bfsSearch(system, opts)) : exploreBfs(system, opts);
      const d = process.cpuUsage(t);
      return { states: r.coverage.states, cpuMs: (d.user + d.system) / 1000 };
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = await side('base', baseDir);
const sides = [
  ...(drivenArg !== 'async' ? [await side('here', here)] : []),
  ...(drivenArg !== 'sync' ? [await side('here, driven async', here, true)] : []),
];
for (const mine of sides) {
  for (const por of porArg === 'both' ? [true, false] : [porArg === 'por']) {
    await mine.run(por); // warm both: the JIT, the part tables' code paths
    await base.run(por);
    const ratios: number[] = [];
    const cpu: Record<string, number[]> = { base: [], here: [] };
    let states = '';
    for (let i = 0; i < rounds; i++) {
      const a = await base.run(por);
      const b = await mine.run(por);
      cpu.base!.push(Math.round(a.cpuMs));
      cpu.here!.push(Math.round(b.cpuMs));
      ratios.push(b.cpuMs / a.cpuMs);
      states = `${a.states} / ${b.states}`;
    }
    console.log(
      `${mine.name}, ${por ? 'por' : 'no-por'}: states base/here ${states}; cpu ms base ${cpu.base!.join(' ')}, here ${cpu.here!.join(' ')}; here/base min ${Math.min(...ratios).toFixed(3)} median ${median(ratios).toFixed(3)}`,
    );
  }
}
