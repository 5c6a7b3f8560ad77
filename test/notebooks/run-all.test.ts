// Every notebook in notebooks/ runs headless through `bwvm run` (the real kernel over ZeroMQ)
// without a failing cell and yields an executed notebook and a standalone HTML report.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ROOT, BWVM_BIN } from '../conformance/build.js';

const DIR = join(ROOT, 'notebooks');
const notebooks = readdirSync(DIR).filter((f) => f.endsWith('.ipynb') && !f.endsWith('.nbconvert.ipynb')).sort();

describe('bwvm run over every notebook', () => {
  it('finds the notebooks', () => {
    expect(notebooks).toEqual(expect.arrayContaining(['quickstart.ipynb', 'models.ipynb', 'training.ipynb', 'compression.ipynb', 'dsp-simulator.ipynb']));
  });

  for (const nb of notebooks) {
    it(nb, () => {
      ensureBuilt();
      const out = mkdtempSync(join(tmpdir(), 'bwvm-nb-'));
      const r = spawnSync(process.execPath, [BWVM_BIN, 'run', join(DIR, nb), '-o', join(out, nb), '--html', join(out, 'report.html'), '--timeout', '300'], { encoding: 'utf8' });
      expect(r.status, r.stderr.slice(-3000)).toBe(0);
      const executed = JSON.parse(readFileSync(join(out, nb), 'utf8')) as { cells: { cell_type: string; outputs?: { output_type: string }[] }[] };
      const code = executed.cells.filter((c) => c.cell_type === 'code');
      expect(code.every((c) => !(c.outputs ?? []).some((o) => o.output_type === 'error'))).toBe(true);
      expect(existsSync(join(out, 'report.html'))).toBe(true);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toMatch(/<script[^>]+src=["']https?:/);
    }, 600_000);
  }
});
