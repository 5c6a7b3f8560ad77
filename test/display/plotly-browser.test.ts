// Plotly HTML really renders offline in Chromium, with an AMD `define` on the page (as in the
// classic Notebook): the first output brings the library, the second reuses window.Plotly.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { PlotlyEmbedder } from '../../src/display/plotly.js';
import { describeWith } from '../support/prereqs.js';

const AMD = '<script>window.define = function () { window.amdCalls = (window.amdCalls || 0) + 1; }; window.define.amd = {};</script>';

describeWith(['chromium'], 'plotly html in a browser', () => {
  async function withPage<T>(html: string, fn: (page: import('playwright-core').Page) => Promise<T>): Promise<T> {
    const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.route(/^https?:/, (route) => route.abort()); // offline: nothing may be fetched
      const file = join(mkdtempSync(join(tmpdir(), 'bwvm-plotly-')), 'page.html');
      writeFileSync(file, html);
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      return await fn(page);
    } finally {
      await browser.close();
    }
  }

  it('draws two figures next to require.js-style define, library shipped once', { timeout: 120_000 }, async () => {
    const e = new PlotlyEmbedder();
    const first = e.bundle({ data: [{ y: [1, 3, 2] }] })['text/html'] as string;
    const second = e.bundle({ data: [{ type: 'bar', y: [2, 1] }] })['text/html'] as string;
    const html = `<!DOCTYPE html><html><head><meta charset="utf-8">${AMD}</head><body>${first}${second}</body></html>`;
    await withPage(html, async (page) => {
      // browser-side code as strings: the test tsconfig has no DOM lib
      await page.waitForFunction("document.querySelectorAll('.bwvm-plotly .main-svg').length >= 2", undefined, { timeout: 90_000 });
      const state = await page.evaluate(`({
        plotly: typeof window.Plotly,
        define: typeof window.define,
        amdCalls: window.amdCalls || 0,
        traces: document.querySelectorAll('.bwvm-plotly .trace').length,
      })`);
      expect(state).toEqual({ plotly: 'object', define: 'function', amdCalls: 0, traces: 2 });
    });
  });
});
