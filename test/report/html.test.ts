// The HTML view in a real browser: Debian's headless Chromium driven by playwright-core
// (no browser download). Loads a committed trace's page from a file with the network off,
// checks the swimlanes, clicks a step, checks the state panel marks what that step changed,
// and takes a screenshot under /tmp; then opens every stored trace's page at 1,400 and 390
// px wide: at the top, the title in view, no sideways scroll, no lane for an idle thread.
// Skips, saying why, where Chromium is absent.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, decodeTrace, replay, replayParams } from '../../src/index.ts';
import { renderHtml } from '../../src/report/html.ts';
import { models } from '../../model/index.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { activeThreads } from '../../src/report/view.ts';

function chromiumPath(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const p = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (p) return p;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const TRACES = join(import.meta.dirname, '..', '..', 'traces');
const TRACE = join(TRACES, 'dma-heap.alloc-and-read.fd-before-read.use-after-free.json');

function page(file = TRACE): { html: string; steps: number; threads: string[] } {
  const trace = decodeTrace(readFileSync(file, 'utf8'));
  const system = compile(models.find((m) => m.name === trace.model)!, trace.variant, replayParams(trace));
  const r = replay(system, trace);
  if (r.kind !== 'reproduced') throw new Error(r.message);
  const view = { trace, initial: r.initial, steps: r.steps, threadNames: system.threadNames };
  return { html: renderHtml(view), steps: r.steps.length, threads: activeThreads(view) };
}

const executablePath = chromiumPath();
const launch = async () =>
  (await import('playwright-core')).chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

describe('html view in headless Chromium', () => {
  it.skipIf(executablePath === undefined)(
    'shows swimlanes, and the state after a clicked step with its changes marked',
    { timeout: 60_000 },
    async () => {
      const { html, steps, threads } = page();
      const dir = mkdtempSync(join(tmpdir(), 'kmc-html-'));
      const file = join(dir, 'trace.html');
      writeFileSync(file, html);
      const browser = await launch();
      try {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        // self-contained: any request other than the file itself fails the test
        const requests: string[] = [];
        context.on('request', (r) => void (r.url().startsWith('file:') ? undefined : requests.push(r.url())));
        const tab = await context.newPage();
        const errors: string[] = [];
        tab.on('pageerror', (e) => void errors.push(e.message));
        await tab.goto(pathToFileURL(file).href);

        expect(await tab.title()).toBe('kmc: dma-heap/alloc-and-read fd-before-read: use-after-free');
        expect(await tab.locator('table.lanes thead th').allTextContents()).toEqual(['#', ...threads]);
        expect(await tab.locator('tr.step').count()).toBe(steps + 1); // + the initial state
        expect(await tab.locator('#violation').textContent()).toMatch(/^use-after-free: dma_buf_release of dmabuf0/);
        // the last state is shown first
        expect(await tab.locator('#state').getAttribute('data-index')).toBe(String(steps));

        // step 8 is dma_buf_fd: it installs fd 2
        await tab.locator('tr.step[data-index="8"]').click();
        expect(await tab.locator('#state h2').textContent()).toBe('state after step 8: ioctl dma_buf_fd(dmabuf0) = 2');
        expect(await tab.locator('tr.selected').getAttribute('data-index')).toBe('8');
        const changed = await tab.locator('#state li.changed > .entry').allTextContents();
        expect(changed).toContain('2: 2'); // fdtable.fd[2]
        expect(changed).toContain('fd: 2'); // the ioctl's local fd
        expect(await tab.locator('#state li.changed .was').first().textContent()).toBe('was null');
        expect(await tab.locator('#state li.inner > .entry .key').allTextContents()).toEqual(
          expect.arrayContaining(['fdtable', 'fd', 'ioctl']),
        );
        await tab.screenshot({ path: join(dir, 'step8.png'), fullPage: true });

        // arrow keys move the selection
        await tab.keyboard.press('ArrowUp');
        expect(await tab.locator('#state').getAttribute('data-index')).toBe('7');
        await tab.locator('tr.step[data-index="0"]').click();
        expect(await tab.locator('#state h2').textContent()).toBe('initial state');
        expect(await tab.locator('#state li.changed').count()).toBe(0);

        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );

  it.skipIf(executablePath === undefined)(
    'every stored trace opens at the top, title in view, no sideways scroll, lanes only for threads that step, at 1,400 and 390 px',
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kmc-html-'));
      const browser = await launch();
      try {
        const found: string[] = [];
        for (const width of [1400, 390]) {
          const tab = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
          for (const name of readdirSync(TRACES)
            .filter((f) => f.endsWith('.json'))
            .sort()) {
            const { html, threads } = page(join(TRACES, name));
            const file = join(dir, name.replace(/\.json$/, '.html'));
            writeFileSync(file, html);
            await tab.goto(pathToFileURL(file).href);
            // a string, run in the page: this project's types have no DOM
            const m: { scrollY: number; top: number; bottom: number; width: number; viewport: number; height: number } =
              await tab.evaluate(`(() => {
            const h1 = document.querySelector('h1').getBoundingClientRect();
            return { scrollY: window.scrollY, top: h1.top, bottom: h1.bottom, width: document.documentElement.scrollWidth, viewport: window.innerWidth, height: window.innerHeight };
          })()`);
            const lanes = await tab.locator('table.lanes thead th').allTextContents();
            if (m.scrollY !== 0) found.push(`${width}px ${name}: opens scrolled to ${m.scrollY}`);
            if (m.top < 0 || m.bottom > m.height) found.push(`${width}px ${name}: the title is not in view`);
            if (m.width > m.viewport) found.push(`${width}px ${name}: ${m.width} px wide in a ${m.viewport} px window`);
            if (JSON.stringify(lanes) !== JSON.stringify(['#', ...threads]))
              found.push(`${width}px ${name}: lanes ${lanes.join(', ')}`);
          }
          await tab.screenshot({ path: join(dir, `last-${width}.png`), fullPage: true });
        }
        expect(found).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );

  it.runIf(executablePath === undefined)('skipped: no chromium on PATH (apt-get install chromium)', (ctx) => {
    ctx.skip('chromium is not installed (apt-get install chromium)');
  });
});
