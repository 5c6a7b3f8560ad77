// Every notebook in notebooks/ executes under Jupyter's own nbconvert on the bwvm kernel
// (kernelspec from `bwvm install --prefix`), with no error outputs.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWith } from '../support/prereqs.js';
import { jupyterEnv, ROOT, type JupyterEnv } from './jupyter-env.js';

const NOTEBOOKS = join(ROOT, 'notebooks');
const notebooks = readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb') && !f.endsWith('.nbconvert.ipynb')).sort();

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    p.on('close', (code) => resolve({ code, out }));
  });
}

describeWith(['jupyter'], 'jupyter nbconvert --execute on the bwvm kernel', () => {
  let je: JupyterEnv;
  beforeAll(() => { je = jupyterEnv(); });
  afterAll(() => je?.cleanup());

  it('finds the notebooks', () => {
    expect(notebooks).toContain('quickstart.ipynb');
    expect(notebooks).toContain('kernel-tour.ipynb');
  });

  for (const name of notebooks) {
    it(`executes ${name} with no error outputs`, async () => {
      const out = join(je.dir, name);
      const r = await run('/usr/bin/jupyter', [
        'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.kernel_name=bwvm',
        '--ExecutePreprocessor.timeout=240', '--output', out, join(NOTEBOOKS, name),
      ], je.env, NOTEBOOKS);
      expect(r.code, r.out).toBe(0);
      const nb = JSON.parse(readFileSync(out, 'utf8')) as { cells: { cell_type: string; outputs?: { output_type: string; ename?: string; evalue?: string }[] }[] };
      const errors = nb.cells.flatMap((c, i) => (c.outputs ?? []).filter((o) => o.output_type === 'error').map((o) => `cell ${i + 1}: ${o.ename}: ${o.evalue}`));
      expect(errors).toEqual([]);
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      expect(code.length).toBeGreaterThan(0);
      expect(code.some((c) => (c.outputs ?? []).length > 0)).toBe(true);
    }, 300_000);
  }
});
