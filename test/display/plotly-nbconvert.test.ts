// Plotly outputs in a notebook exported by Debian's nbconvert (whose template loads require.js)
// render offline in Chromium: the library arrives with the first figure, AMD define hidden.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { PlotlyEmbedder } from '../../src/display/plotly.js';
import { describeWith } from '../support/prereqs.js';

describeWith(['jupyter', 'chromium'], 'plotly in nbconvert HTML', () => {
  it('two figure outputs render with require.js on the page', { timeout: 240_000 }, async () => {
    const e = new PlotlyEmbedder();
    const output = (fig: object) => ({ output_type: 'display_data', data: e.bundle(fig as never), metadata: {} });
    const nb = {
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { name: 'bwvm', display_name: 'TypeScript (bwvm)', language: 'typescript' } },
      cells: [
        { cell_type: 'code', id: 'a', execution_count: 1, metadata: {}, source: 'display.plotly(f1)', outputs: [output({ data: [{ y: [1, 3, 2] }] })] },
        { cell_type: 'code', id: 'b', execution_count: 2, metadata: {}, source: 'display.plotly(f2)', outputs: [output({ data: [{ type: 'bar', y: [2, 1] }] })] },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-nbc-'));
    writeFileSync(join(dir, 'figs.ipynb'), JSON.stringify(nb));
    const r = spawnSync('/usr/bin/jupyter', ['nbconvert', '--to', 'html', join(dir, 'figs.ipynb')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const htmlPath = join(dir, 'figs.html');
    expect(readFileSync(htmlPath, 'utf8')).toMatch(/require(\.min)?\.js/);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(String(err)));
      await page.route(/^https?:/, (route) => route.abort());
      await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'domcontentloaded', timeout: 120_000 });
      await page.waitForFunction("document.querySelectorAll('.bwvm-plotly .main-svg').length > 0 && document.querySelectorAll('.bwvm-plotly').length === 2 && [...document.querySelectorAll('.bwvm-plotly')].every((d) => d.querySelector('.main-svg'))", undefined, { timeout: 120_000 });
      expect(await page.evaluate("typeof window.require === 'function' && typeof window.define === 'function'")).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
