// The classic Notebook in headless Chromium: open a notebook on the bwvm kernel through a real
// notebook server, run a cell that draws a Plotly figure, and find the drawn figure in the page.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { describeWith } from '../support/prereqs.js';
import { makeNotebook, serializeNotebook } from '../../src/display/notebook/model.js';
import { jupyterEnv, startNotebookServer, type JupyterEnv, type NotebookServer } from './jupyter-env.js';

const PLOTLY_JS = join(import.meta.dirname, '..', '..', 'node_modules', 'plotly.js-dist-min', 'plotly.min.js');
/** The kernel under test and a cell drawing a figure (python3 is kept for developing this test). */
const LANG = {
  bwvm: {
    spec: { name: 'bwvm', display_name: 'TypeScript (bwvm)', language: 'typescript' },
    cell: "display.plotly({ data: [{ type: 'scatter', y: [1, 3, 2] }], layout: { title: { text: 'from bwvm' } } });",
  },
  python3: {
    spec: { name: 'python3', display_name: 'Python 3', language: 'python' },
    cell: `from IPython.display import HTML, display\nsrc = open(${JSON.stringify(PLOTLY_JS)}).read()\n`
      + `display(HTML("<div id='p' style='height:300px'></div><script>var d=window.define;window.define=undefined;" + src + ";window.define=d;Plotly.newPlot('p',[{y:[1,3,2]}])</script>"))`,
  },
} as const;
const KERNEL = 'bwvm' as 'bwvm' | 'python3';
const L = LANG[KERNEL];

describeWith(['jupyter', 'chromium'], 'classic Notebook in Chromium with the bwvm kernel', () => {
  let je: JupyterEnv;
  let server: NotebookServer | undefined;
  let browser: BrowserContext | undefined;
  const profile = mkdtempSync(join(tmpdir(), 'bwvm-chromium-'));

  beforeAll(async () => {
    je = jupyterEnv();
    const nb = makeNotebook([{ source: L.cell }], { kernelspec: L.spec });
    writeFileSync(join(je.dir, 'nb', 'plot.ipynb'), serializeNotebook(nb));
    server = await startNotebookServer(je);
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    je?.cleanup();
    rmSync(profile, { recursive: true, force: true });
  });

  it('runs a cell that draws a Plotly figure', async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server!.url}/notebooks/plot.ipynb?token=${server!.token}`);
    await page.waitForFunction(() => {
      const j = (globalThis as unknown as { Jupyter?: { notebook?: { kernel?: { info_reply?: { status?: string } } } } }).Jupyter;
      return j?.notebook?.kernel?.info_reply?.status === 'ok';
    }, undefined, { timeout: 120_000 });
    await page.evaluate(() => {
      (globalThis as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells();
    });
    const svg = page.locator('.output_area .js-plotly-plot svg.main-svg').first();
    await svg.waitFor({ state: 'attached', timeout: 120_000 });
    expect(await page.locator('.output_area .js-plotly-plot').count()).toBe(1);
    expect(await page.locator('.output_area .output_error').count()).toBe(0);
    expect(await page.locator('.output_area .js-plotly-plot .scatterlayer .trace').count()).toBe(1);
    await page.close();
  }, 180_000);
});
