// The npm package, end to end, as a user gets it: build and pack this repository, install
// the tarball into an empty project outside it (no @types/node there), type-check a model
// that imports only 'kmcheck' (and one using 'kmcheck/kernel', '/properties', '/userspace')
// under a strict tsconfig with skipLibCheck off, and run the installed package with plain
// node. KMC_KEEP_PACKAGE_TMP=1 keeps the temporary folder for a look afterwards.

import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
const tsc = join(repo, 'node_modules', '.bin', 'tsc');

// npm run test sets npm_* variables (npm_config_local_prefix=<repo>, npm_package_*,
// npm_lifecycle_*); the nested npm commands must see none of them but the user's cache,
// registry and config file
const KEEP = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') || KEEP.has(k.toLowerCase())),
);

async function sh(cmd: string, args: string[], cwd: string) {
  try {
    return await run(cmd, args, { cwd, env, maxBuffer: 64 << 20 });
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${x.message}\n${x.stdout ?? ''}\n${x.stderr ?? ''}`);
  }
}

let tmp = '';
let project = '';
let packed: string[] = [];

beforeAll(async () => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'kmcheck-package-')));
  project = join(tmp, 'project');
  await sh('npm', ['run', 'build'], repo);
  // prepare (the build) just ran; --ignore-scripts so pack does not build a second time
  const { stdout } = await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], repo);
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'kmcheck-user', private: true, type: 'module' }, null, 2),
  );
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp, info!.filename)], project);
}, 180_000);

afterAll(() => {
  if (tmp && !process.env.KMC_KEEP_PACKAGE_TMP) rmSync(tmp, { recursive: true, force: true });
});

// a user's model, importing only 'kmcheck': two threads increment a shared counter with a
// separate load and store, so one increment can be lost
const MODEL = `import { atEnd, defineModel, DONE, thread, violation, type Model, type Property, type State, type Thread } from 'kmcheck';

interface Counter {
  x: number;
}

const incrementer = (i: number): Thread<Counter> =>
  thread<Counter, { tmp: number }>({
    name: \`t\${i}\`,
    locals: { tmp: 0 },
    steps: {
      load: { run: (k) => ((k.local.tmp = k.world.x), 'store') },
      store: {
        run: (k) => {
          if (k.local.tmp < 0) violation('negative', 'the counter went negative');
          k.world.x = k.local.tmp + 1;
          return DONE;
        },
      },
    },
    symmetry: 'incrementer',
  });

const noLostUpdate = (n: number): Property<Counter> =>
  atEnd<Counter>('no-lost-update', 'every increment lands', (s: State<Counter>) => (s.world.x === n ? undefined : \`x = \${s.world.x}, expected \${n}\`));

export const counter: Model<Counter, { threads: number }> = defineModel({
  name: 'user/counter',
  title: 'unsynchronised increments',
  params: { threads: 2 },
  world: (): Counter => ({ x: 0 }),
  threads: (p) => Array.from({ length: p.threads }, (_, i) => incrementer(i)),
  properties: (p) => [noLostUpdate(p.threads)],
  variants: {
    racy: { description: 'two threads, plain load/store', expect: { violates: 'no-lost-update' } },
    alone: { description: 'one thread', params: { threads: 1 }, expect: 'holds' },
  },
});

export const models = [counter];
export default counter;
`;

// the kernel world, racers and properties from their subpaths
const KERNEL_MODEL = `import { checkVariant, defineModel, DONE, exploreBfs, compile, thread, type Model } from 'kmcheck';
import { addInode, allocFile, close_fd, emptyWorld, EXT4_FILE_OPERATIONS, fd_install, get_unused_fd_flags, type KernelWorld } from 'kmcheck/kernel';
import { danglingReference, noLeak } from 'kmcheck/properties';
import { fdCloser } from 'kmcheck/userspace';

export const install: Model<KernelWorld, {}> = defineModel({
  name: 'user/install',
  title: 'install an fd while a closer guesses it',
  params: {},
  world: () => emptyWorld(4, 4),
  threads: () => [
    thread<KernelWorld, { fd: number; ret: number }>({
      name: 'kernel',
      locals: { fd: -1, ret: 0 },
      steps: {
        open: {
          fails: ['-ENOMEM'],
          run: (k, c) => {
            if (c !== 'ok') return DONE;
            const inode = addInode(k.world, 'f', 1);
            const fd = get_unused_fd_flags(k.world);
            if (fd < 0) return DONE;
            fd_install(k.world, fd, allocFile(k.world, { name: 'f', f_op: EXT4_FILE_OPERATIONS, inode }));
            k.local.fd = fd;
            return 'close';
          },
        },
        // the closer may have closed it first: then close() says -EBADF
        close: { run: (k) => ((k.local.ret = close_fd(k.world, k.local.fd)), DONE) },
      },
    }),
    fdCloser('closer'),
  ],
  properties: () => [noLeak, danglingReference],
  variants: { plain: { description: 'as is', expect: 'holds' } },
});

const r = exploreBfs(compile(install, 'plain'), { maxStates: 10_000, por: true });
export const verdicts: string[] = checkVariant(install, 'plain', { strategy: 'bfs', exhaustive: { maxStates: 10_000 } }).map((c) => c.verdict);
export const kind: string = r.kind;
`;

const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    noEmit: true,
  },
  include: ['*.ts', 'examples/*.ts'],
};

// plain node, no TypeScript: the lost update, found by BFS, on one thread and on two workers
const RUN = `import { atEnd, compile, defineModel, DONE, exploreBfs, exploreBfsParallel, thread } from 'kmcheck';
import * as kernel from 'kmcheck/kernel';
import * as properties from 'kmcheck/properties';
import * as userspace from 'kmcheck/userspace';

export const lostUpdate = defineModel({
  name: 'user/lost-update',
  title: 'two unsynchronised increments',
  params: {},
  world: () => ({ x: 0 }),
  threads: () =>
    ['a', 'b'].map((name) =>
      thread({
        name,
        locals: { tmp: 0 },
        steps: {
          load: { run: (k) => ((k.local.tmp = k.world.x), 'store') },
          store: { run: (k) => ((k.world.x = k.local.tmp + 1), DONE) },
        },
      }),
    ),
  properties: () => [atEnd('no-lost-update', 'both increments land', (s) => (s.world.x === 2 ? undefined : \`x = \${s.world.x}\`))],
  variants: { racy: { description: 'plain load/store', expect: { violates: 'no-lost-update' } } },
});
export const models = [lostUpdate];

if (process.argv[2] === 'run') {
  const one = exploreBfs(compile(lostUpdate, 'racy'));
  const two = await exploreBfsParallel(compile(lostUpdate, 'racy'), { workers: 2, source: import.meta.url });
  const show = (r) => ({ kind: r.kind, property: r.violation?.property, message: r.violation?.message, steps: r.path?.length, exhaustive: r.coverage.exhaustive, workers: r.coverage.workers });
  console.log(JSON.stringify({
    one: show(one),
    two: show(two),
    subpaths: { kernel: typeof kernel.emptyWorld, properties: typeof properties.noLeak, userspace: typeof userspace.fdCloser },
  }));
}
`;

describe('the kmcheck package', () => {
  it('packs dist, bin and the README, and nothing from test/, bench/, traces/ or CI', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'bin/kmc.mjs',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/explore/worker-entry.mjs',
        'dist/model/kernel/index.d.ts',
        'dist/model/userspace/index.js',
        'dist/properties/index.js',
      ]),
    );
    const stray = packed.filter(
      (p) =>
        /^(test|bench|traces|\.ci|kmc-out|src|model|properties|docs|node_modules|dist\/bench|dist\/test)\//.test(p) ||
        /\.test\.|\.tsbuildinfo$|\.tgz$/.test(p),
    );
    expect(stray).toEqual([]);
    const unexpected = packed.filter((p) => p.startsWith('dist/') && !/\.(js|mjs|d\.ts|d\.mts)$/.test(p));
    expect(unexpected).toEqual([]);
  });

  it('type-checks a model importing only kmcheck under a strict tsconfig, skipLibCheck off, without @types/node', async () => {
    writeFileSync(join(project, 'm.ts'), MODEL);
    writeFileSync(join(project, 'kernel.ts'), KERNEL_MODEL);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    // the README's example models, as a user would copy them
    cpSync(join(repo, 'examples'), join(project, 'examples'), { recursive: true });
    const { stdout: files } = await sh(tsc, ['-p', '.', '--listFilesOnly'], project);
    expect(files).toContain('node_modules/kmcheck/dist/src/index.d.ts');
    expect(files).not.toMatch(/@types[/\\]node/);
    // tsc prints its errors on stdout: show them when it fails
    const result = await run(tsc, ['-p', '.'], { cwd: project, env }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code?: number; stdout?: string }) => ({ code: e.code ?? -1, out: e.stdout ?? '' }),
    );
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);

  it('runs from plain node: exploreBfs finds the lost update, and so do two workers', async () => {
    writeFileSync(join(project, 'run.mjs'), RUN);
    const { stdout } = await sh(process.execPath, ['run.mjs', 'run'], project);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    const lost = { kind: 'violation', property: 'no-lost-update', message: 'x = 1', steps: 4 };
    expect(out.one).toMatchObject(lost);
    expect(out.two).toMatchObject({ ...lost, workers: 2 });
    expect(out.subpaths).toEqual({ kernel: 'function', properties: 'object', userspace: 'function' });
  }, 60_000);

  it('resolves every export, and nothing outside the exports map', async () => {
    const script = `
      const ok = {};
      for (const s of ['kmcheck', 'kmcheck/kernel', 'kmcheck/userspace', 'kmcheck/properties', 'kmcheck/package.json']) ok[s] = import.meta.resolve(s).replace(/^.*node_modules\\/kmcheck\\//, '');
      let deep = 'resolved';
      try { import.meta.resolve('kmcheck/dist/src/core/model.js'); } catch (e) { deep = e.code; }
      console.log(JSON.stringify({ ok, deep }));`;
    const { stdout } = await sh(process.execPath, ['--input-type=module', '-e', script], project);
    expect(JSON.parse(stdout)).toEqual({
      ok: {
        kmcheck: 'dist/src/index.js',
        'kmcheck/kernel': 'dist/model/kernel/index.js',
        'kmcheck/userspace': 'dist/model/userspace/index.js',
        'kmcheck/properties': 'dist/properties/index.js',
        'kmcheck/package.json': 'package.json',
      },
      deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  });
});

// The kmc command from the installed package (bin/kmc.mjs runs dist/ there), on the user's
// model file: kept apart from the library checks above, since the CLI's flags and JSON are
// its own.
describe('the kmc command from the installed package', () => {
  const npx = (args: string[], cwd = project) =>
    run('npx', ['--no-install', 'kmc', ...args], { cwd, env }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? -1,
        out: e.stdout ?? '',
        err: e.stderr ?? '',
      }),
    );
  let trace = '';

  it('npx kmc check ./m.ts --json: exit 0, every verdict as expected, a trace written', async () => {
    writeFileSync(join(project, 'm.ts'), MODEL);
    const r = await npx(['check', './m.ts', '--json', '--progress', '0']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { results } = JSON.parse(r.out) as {
      results: { variant: string; verdict: string; asExpected: boolean; trace?: string }[];
    };
    expect(results.map((x) => [x.variant, x.verdict, x.asExpected])).toEqual([
      ['racy', 'violates', true],
      ['alone', 'holds', true],
    ]);
    trace = results[0]!.trace ?? '';
    expect(trace).not.toBe('');
  }, 60_000);

  it('npx kmc replay <the trace it wrote>', async () => {
    expect(trace).not.toBe('');
    const r = await npx(['replay', trace]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('no-lost-update');
  }, 60_000);

  // tsx's loader hooks cost ≈ 0.2 s and slow every module loaded after them: the installed
  // kmc loads dist/ without them and registers tsx when it first imports a .ts file
  it('registers tsx for the first .ts file only: not for kmc --version, for kmc check ./m.ts', async () => {
    writeFileSync(
      join(project, 'tsx-flag.mjs'),
      `process.on('exit', () => process.stderr.write('tsx registered: ' + (globalThis[Symbol.for('kmcheck.typescript-loader')] === true) + '\\n'));\n`,
    );
    const bin = join(project, 'node_modules', 'kmcheck', 'bin', 'kmc.mjs');
    const registered = async (args: string[]) => {
      const { stderr } = await sh(process.execPath, ['--import', './tsx-flag.mjs', bin, ...args], project);
      return /^tsx registered: (true|false)$/m.exec(stderr)?.[1];
    };
    expect(await registered(['--version'])).toBe('false');
    expect(await registered(['check', './m.ts', '--json', '--progress', '0'])).toBe('true');
  }, 60_000);

  it('npx kmc check ./m.ts --workers 2', async () => {
    const r = await npx(['check', './m.ts', '--workers', '2']);
    // (text mode: the seed line goes to stderr)
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 workers');
  }, 60_000);

  it('a folder without "type": "module" (npm init\'s default) loads its .ts model as CommonJS', async () => {
    const cjs = join(project, 'cjs');
    mkdirSync(cjs, { recursive: true });
    writeFileSync(join(cjs, 'package.json'), JSON.stringify({ name: 'cjs-user', private: true, type: 'commonjs' }));
    writeFileSync(join(cjs, 'm.ts'), MODEL);
    const r = await npx(['check', './m.ts', '--json', '--workers', '2', '--progress', '0'], cjs);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { results } = JSON.parse(r.out) as { results: { source?: string; asExpected: boolean; trace?: string }[] };
    expect(results.every((x) => x.asExpected)).toBe(true);
    expect((await npx(['replay', results[0]!.trace!], cjs)).code).toBe(0);
  }, 60_000);

  it('a step that throws is a model error: exit 4, naming the step and its line in m.ts', async () => {
    writeFileSync(
      join(project, 'throws.ts'),
      MODEL.replace('k.world.x = k.local.tmp + 1;', '(k.world as any).nothing.x = 1;'),
    );
    const r = await npx(['check', './throws.ts', '--variant', 'racy']);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(
      /model error: user\/counter \(variant racy\), thread t0, step store: TypeError: Cannot set properties of undefined \(setting 'x'\) \(throws\.ts:16:\d+\)/,
    );
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);

  it('npx kmc check examples: every example model in the folder, as expected', async () => {
    cpSync(join(repo, 'examples'), join(project, 'examples'), { recursive: true });
    const r = await npx(['check', 'examples', '--json']);
    expect(r.code).toBe(0);
    const { results } = JSON.parse(r.out) as { results: { model: string; asExpected: boolean }[] };
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((x) => x.asExpected && x.model.startsWith('example/'))).toBe(true);
  }, 60_000);

  it('a syntax error in a model file: exit 4, one line naming the place', async () => {
    writeFileSync(join(project, 'syntax.ts'), 'export default {\n  name: ;\n};\n');
    expect(await npx(['check', './syntax.ts'])).toMatchObject({
      code: 4,
      err: 'kmc: model error: cannot load syntax.ts: 2:8: Unexpected ";"\n',
    });
  }, 60_000);

  it('kmc init: npm install && npx kmc check && npm test pass in the new project; a broken variant fails its test with the counterexample', async () => {
    const r = await npx(['init', 'app']);
    expect(r.code).toBe(0);
    const app = join(project, 'app');
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    // kmcheck as this project installed it: the tarball
    expect(pkg.devDependencies.kmcheck).toMatch(/^file:\/.*kmcheck-[\d.]+\.tgz$/);
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], app);
    const check = await npx(['check'], app);
    expect(check.code).toBe(0);
    expect(check.out).toMatch(/2 checks of 2 variants: 2 as expected, 0 not/);
    const test = await run('npm', ['test'], { cwd: app, env }).then(
      (x) => ({ code: 0, out: x.stdout + x.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? -1,
        out: (e.stdout ?? '') + (e.stderr ?? ''),
      }),
    );
    expect(test.code, test.out).toBe(0);
    expect(test.out).toMatch(/2 passed/);
    expect((await sh('npx', ['--no-install', 'tsc'], app)).stdout).toBe('');
    // break the holding variant: install the fd before the fill, as fd-early does
    const model = join(app, 'models', 'fd-install.ts');
    writeFileSync(
      model,
      readFileSync(model, 'utf8').replace(
        "posted: { description: 'fill, then fd_install', expect: 'holds' }",
        "posted: { description: 'fill, then fd_install', params: { fdEarly: true }, expect: 'holds' }",
      ),
    );
    const broken = await run('npm', ['test'], { cwd: app, env }).then(
      (x) => ({ code: 0, out: x.stdout + x.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? -1,
        out: (e.stdout ?? '') + (e.stderr ?? ''),
      }),
    );
    expect(broken.code).not.toBe(0);
    expect(broken.out).toContain(
      'example/fd-install posted: expected holds, found violates no-unfilled-buffer-seen (3 steps)',
    );
    expect(broken.out).toContain('Possible unsafe scenario');
    expect(broken.out).toMatch(/trace: kmc-out\/example\.fd-install\.posted\.no-unfilled-buffer-seen\.json/);
    expect(broken.out).toMatch(
      /replay: npx kmc replay kmc-out\/example\.fd-install\.posted\.no-unfilled-buffer-seen\.json/,
    );
    // and the trace the test wrote replays from the CLI
    expect((await npx(['replay', 'kmc-out/example.fd-install.posted.no-unfilled-buffer-seen.json'], app)).code).toBe(0);
  }, 180_000);
});
