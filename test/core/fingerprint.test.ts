import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, normalizeSource } from '../../src/core/fingerprint.ts';
import { variantParams } from '../../src/core/model.ts';
import { models } from '../../model/index.ts';

// The same step functions as String(fn) prints them under (a) tsx, (b) tsx in CJS mode,
// (c) vitest (vite SSR) and (d) tsc. The first four groups are measured output.
const SAME: Record<string, string[]> = {
  alloc_largest_available: [
    '(k,c)=>{const page=c==="ok"?alloc_page(k.world):-1;if(page<0)return fail(k,-ENOMEM,"free_buffer");k.local.pages.push(page);return k.local.pages.length<k.local.fsize?"alloc_largest_available":"dma_buf_export"}',
    '(k,c)=>{const page=c==="ok"?(0,import_page.alloc_page)(k.world):-1;if(page<0)return fail(k,-import_errno.ENOMEM,"free_buffer");k.local.pages.push(page);return k.local.pages.length<k.local.fsize?"alloc_largest_available":"dma_buf_export"}',
    '(k, c) => {\n\t\t\t\t\tconst page = c === "ok" ? (0,__vite_ssr_import_7__.alloc_page)(k.world) : -1;\n\t\t\t\t\tif (page < 0) return fail(k, -__vite_ssr_import_3__.ENOMEM, "free_buffer");\n\t\t\t\t\tk.local.pages.push(page);\n\t\t\t\t\treturn k.local.pages.length < k.local.fsize ? "alloc_largest_available" : "dma_buf_export";\n\t\t\t\t}',
    "(k, c) => {\n    const page = c === 'ok' ? alloc_page(k.world) : -1;\n    if (page < 0)\n        return fail(k, -ENOMEM, 'free_buffer');\n    k.local.pages.push(page);\n    return k.local.pages.length < k.local.fsize ? 'alloc_largest_available' : 'dma_buf_export';\n}",
  ],
  free_buffer: [
    'k=>{for(const page of k.local.pages)__free_pages(k.world,page);k.local.pages=[];return"error_file"}',
    'k=>{for(const page of k.local.pages)(0,import_page.__free_pages)(k.world,page);k.local.pages=[];return"error_file"}',
    '(k) => {\n\t\t\t\tfor (const page of k.local.pages) (0,__vite_ssr_import_7__.__free_pages)(k.world, page);\n\t\t\t\tk.local.pages = [];\n\t\t\t\treturn "error_file";\n\t\t\t}',
    "(k) => {\n    for (const page of k.local.pages)\n        __free_pages(k.world, page);\n    k.local.pages = [];\n    return 'error_file';\n}",
  ],
  // tsc keeps prettier's parentheses around a ternary arrow body, and around a comma after return
  kzalloc: [
    '(k,c)=>c==="ok"?"alloc_largest_available":fail(k,-ENOMEM,"error_file")',
    '(k,c)=>c==="ok"?"alloc_largest_available":fail(k,-import_errno.ENOMEM,"error_file")',
    '(k, c) => c === "ok" ? "alloc_largest_available" : fail(k, -__vite_ssr_import_3__.ENOMEM, "error_file")',
    "(k, c) => (c === 'ok' ? 'alloc_largest_available' : fail(k, -ENOMEM, 'error_file'))",
  ],
  fcntl: [
    '(k,seal)=>{if(typeof got==="number")return k.local.ret=got,DONE;return"inode_lock"}',
    '(k,seal)=>{if(typeof got==="number")return k.local.ret=got,import_src.DONE;return"inode_lock"}',
    '(k, seal) => {\n\tif (typeof got === "number") return k.local.ret = got, __vite_ssr_import_0__.DONE;\n\treturn "inode_lock";\n}',
    "(k, seal) => {\n    if (typeof got === 'number')\n        return ((k.local.ret = got), DONE);\n    return 'inode_lock';\n}",
  ],
  // vite writes `};` after an if block and expands the shorthand { file } only for imports
  mmap: [
    '(k,fd)=>{if(f.kind!=="dma_buf"){fput(w,file);return DONE}assertDmaBufLive(w,f.dmabuf,`mmap(fd ${fd})`);w.vmas.push({file,owner:name,DONE})}',
    '(k,fd)=>{if(f.kind!=="dma_buf"){(0,import_file.fput)(w,file);return import_src.DONE}(0,import_dma_buf.assertDmaBufLive)(w,f.dmabuf,`mmap(fd ${fd})`);w.vmas.push({file,owner:name,DONE:import_src.DONE})}',
    '(k, fd) => {\n\tif (f.kind !== "dma_buf") {\n\t\t(0,__vite_ssr_import_3__.fput)(w, file);\n\t\treturn __vite_ssr_import_1__.DONE;\n\t};\n\t(0,__vite_ssr_import_2__.assertDmaBufLive)(w, f.dmabuf, `mmap(fd ${fd})`);\n\tw.vmas.push({\n\t\tfile,\n\t\towner: name,\n\t\tDONE: __vite_ssr_import_1__.DONE\n\t});\n}',
    "(k, fd) => {\n    if (f.kind !== 'dma_buf') {\n        fput(w, file);\n        return DONE; // -ENODEV\n    }\n    assertDmaBufLive(w, f.dmabuf, `mmap(fd ${fd})`);\n    w.vmas.push({ file, owner: name, DONE });\n}",
  ],
  // made up: templates with nested ${}, comments, quotes, escapes, numbers, trailing commas
  template: [
    'k=>{const msg=`fd ${k.fd} \\u2192 ${k.ok?"ok":`bad ${k.err}`}`;return log(msg,1e3,16,[1,2],{a:"it\'s",b:"y"})}',
    'k=>{const msg=`fd ${k.fd} \\u2192 ${k.ok?"ok":`bad ${k.err}`}`;return(0,import_log.log)(msg,1e3,16,[1,2],{a:"it\'s",b:"y"})}',
    '(k) => {\n\tconst msg = `fd ${k.fd} \\u2192 ${k.ok ? "ok" : `bad ${k.err}`}`;\n\treturn (0,__vite_ssr_import_2__.log)(msg, 1e3, 16, [1, 2], {\n\t\ta: "it\'s",\n\t\tb: "y"\n\t});\n}',
    "(k) => {\n  // say where we are\n  const msg = `fd ${k.fd} → ${k.ok ? 'ok' : `bad ${k.err /* errno */}`}`;\n  return log(msg, 1_000, 0x10, [1, 2,], { a: 'it\\'s', b: \"y\", },);\n}",
  ],
  esbuildIsms: [
    'x=>{if(x===void 0)return __name(function f(){},"f")}',
    'x => { if (x === undefined) return function f() {}; }',
  ],
};

const DIFFERENT: [string, string][] = [
  ['k=>{return"error_file"}', "(k) => { return 'error_put'; }"], // a label
  ['k=>k.local.copied<k.local.isize', '(k) => k.local.copied <= k.local.isize'], // an operator
  ['k=>(0,import_page.alloc_page)(k.world)', '(k) => (0,__vite_ssr_import_7__.free_page)(k.world)'], // the called function
  ['k=>fail(k,-1)', '(k) => fail(k, -2)'], // a number
  ['k=>1_000', 'k => 1_001'],
  ['k=>k.local.pages', '(k) => k.local.files'], // a.b vs a.c
  ['k=>`a${k}b`', 'k => `a${k}c`'], // a template's text
  ['k=>`a${k.x}b`', 'k => `a${k.y}b`'], // an expression inside a template
  ['k=>f(0,import_page.alloc_page)', 'k => f(alloc_page)'], // a real call with 0 is not a loader's (0, ns.f)
  ['x=[(a,b)]', 'x = [a, b]'], // parentheses that matter
  ['y=- -x', 'y = --x'],
  ['k=>"a"+"b"', 'k => "a+b"'],
];

describe('normalizeSource', () => {
  for (const [name, texts] of Object.entries(SAME)) {
    it(`gives one string for every loader's text of ${name}`, () => {
      const normalised = texts.map(normalizeSource);
      for (const n of normalised) expect(n).toBe(normalised[0]);
    });
  }

  it('keeps string values and numbers, not their spelling', () => {
    expect(normalizeSource('f(\'a\\u2192b\', "c", 1_000, 0x10, .5, 10n)')).toBe('f("a→b","c",1000,16,0.5,10n)');
    expect(normalizeSource('x = /a\\/b[/]/g.test(s) / 2')).toBe('x=/a\\/b[/]/g.test(s)/2');
  });

  for (const [a, b] of DIFFERENT) {
    it(`tells ${a} from ${b}`, () => expect(normalizeSource(a)).not.toBe(normalizeSource(b)));
  }
});

describe('fingerprintOf', () => {
  it('is 16 hex digits, the same across loaders for functions, by JSON for other values', () => {
    const [tsx, , vite] = SAME.alloc_largest_available!;
    const fp = (text: string) => fingerprintOf(new Function(`return ${text}`)());
    expect(fp(tsx!)).toMatch(/^[0-9a-f]{16}$/);
    expect(fp(vite!)).toBe(fp(tsx!));
    expect(fp(SAME.free_buffer![0]!)).not.toBe(fp(tsx!));
    expect(fingerprintOf(['ok', '-ENOMEM'])).toBe(fingerprintOf(['ok', '-ENOMEM']));
    expect(fingerprintOf(['ok', '-ENOMEM'])).not.toBe(fingerprintOf(['ok', '-EIO']));
  });
});

// The real thing: every model's step and property functions, as vitest loaded them here and
// as tsx (the CLI's loader) loads them in a child process, normalise to the same strings.
const COLLECT = `
  const text = (f) => (typeof f === 'function' ? String(f) : (JSON.stringify(f) ?? ''));
  for (const m of models) for (const v of Object.keys(m.variants)) {
    const params = variantParams(m, v);
    const threads = Object.fromEntries(m.threads(params).map((t) => [t.name,
      Object.fromEntries(Object.entries(t.steps).map(([label, s]) => [label, [s.run, s.enabled, s.choices].map(text)]))]));
    out[m.name + '/' + v] = { threads, properties: Object.fromEntries(m.properties(params).map((p) => [p.name, text(p.check)])) };
  }`;

describe('model functions under vitest and tsx', () => {
  it('normalise to the same strings', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const script = `
      const { models } = await import(${JSON.stringify(root + 'model/index.ts')});
      const { variantParams } = await import(${JSON.stringify(root + 'src/core/model.ts')});
      const out = {};
      ${COLLECT}
      process.stdout.write(JSON.stringify(out));`;
    const underTsx = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], {
        cwd: root,
        encoding: 'utf8',
      }),
    );
    const here: Record<string, unknown> = {};
    new Function('models', 'variantParams', 'out', COLLECT)(models, variantParams, here);

    const normalised = (value: unknown) =>
      JSON.parse(JSON.stringify(value), (_, v) => (typeof v === 'string' ? normalizeSource(v) : v));
    expect(Object.keys(here)).toEqual(models.flatMap((m) => Object.keys(m.variants).map((v) => `${m.name}/${v}`)));
    expect(underTsx).not.toEqual(here); // the raw texts differ, or this test shows nothing
    expect(normalised(underTsx)).toEqual(normalised(here));
  });
});
