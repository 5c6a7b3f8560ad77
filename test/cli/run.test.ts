// `bwvm run` end to end (the built CLI, the bwvm kernel, real ZeroMQ): executed notebook and HTML
// report, a failing cell (exit status, traceback, partial notebook), --allow-errors, --timeout.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeNotebook, serializeNotebook, joinSource, type CodeCell, type Notebook } from '../../src/display/notebook/model.js';

const BWVM = resolve(import.meta.dirname, '..', '..', 'bin', 'bwvm.js');
const dir = mkdtempSync(join(tmpdir(), 'bwvm-run-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bwvm(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [BWVM, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    p.on('close', (code) => res({ code, stderr }));
  });
}

function write(name: string, cells: { type?: 'code' | 'markdown'; source: string }[]): string {
  const p = join(dir, name);
  writeFileSync(p, serializeNotebook(makeNotebook(cells)));
  return p;
}

const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Notebook;
const code = (nb: Notebook) => nb.cells.filter((c): c is CodeCell => c.cell_type === 'code');
const fig = "display.plotly({ data: [{ type: 'bar', x: ['a', 'b'], y: [3, 1] }], layout: { title: { text: 'bars' } } })";

describe('bwvm run', () => {
  it('writes the executed notebook and a standalone HTML report', async () => {
    const nb = write('ok.ipynb', [
      { type: 'markdown', source: '# Report title\n\nSome **bold** text.' },
      { source: 'let x: number = 20;\nconsole.log("hello from", "bwvm");' },
      { source: 'x * 2 + 2' },
      { source: fig },
      { source: fig },
    ]);
    const out = join(dir, 'ok.out.ipynb');
    const html = join(dir, 'ok.html');
    const r = await bwvm(['run', nb, '-o', out, '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/cell 5 ok/);
    const cells = code(read(out));
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, 3, 4]);
    expect(cells[0]!.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'hello from bwvm\n' }]);
    expect(cells[1]!.outputs).toMatchObject([{ output_type: 'execute_result', execution_count: 2, data: { 'text/plain': '42' } }]);
    expect(cells[2]!.outputs[0]).toMatchObject({ output_type: 'display_data', data: { 'application/vnd.plotly.v1+json': { data: [{ type: 'bar' }] } } });
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h1>Report title</h1>');
    expect(page).toContain('<strong>bold</strong>');
    expect(page).toContain('hello from bwvm');
    expect(page.split('Plotly.newPlot(').length - 1).toBe(2);
    expect(page.match(/\* plotly\.js v\d/g)?.length).toBe(1);
    expect(page).not.toMatch(/<script[^>]*\bsrc=["']?https?:/i);
  });

  it('a failing cell: non-zero exit, cell number and traceback on stderr, partial notebook written', async () => {
    const nb = write('fail.ipynb', [
      { source: 'const before = 1;' },
      { source: 'function boom(): never {\n  throw new Error("kaboom in cell two");\n}\nboom();' },
      { source: 'console.log("never runs")' },
    ]);
    const out = join(dir, 'fail.out.ipynb');
    const r = await bwvm(['run', nb, '-o', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cell 2 FAILED/);
    expect(r.stderr).toMatch(/kaboom in cell two/);
    const cells = code(read(out));
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, null]);
    expect(cells[1]!.outputs.some((o) => o.output_type === 'error')).toBe(true);
    expect(cells[2]!.outputs).toEqual([]);
  });

  it('--allow-errors runs on and exits 0', async () => {
    const nb = write('allow.ipynb', [{ source: 'throw new Error("first")' }, { source: 'console.log("second ran")' }]);
    const out = join(dir, 'allow.out.ipynb');
    const r = await bwvm(['run', nb, '-o', out, '--allow-errors']);
    expect(r.code, r.stderr).toBe(0);
    const cells = code(read(out));
    expect(cells[1]!.outputs.map((o) => (o.output_type === 'stream' ? joinSource(o.text) : ''))).toEqual(['second ran\n']);
  });

  it('--timeout interrupts a runaway cell and fails it', async () => {
    const nb = write('slow.ipynb', [{ source: 'let alive = "yes";' }, { source: 'while (true) {}' }, { source: 'alive' }]);
    const out = join(dir, 'slow.out.ipynb');
    const r = await bwvm(['run', nb, '-o', out, '--timeout', '8']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cell 2 FAILED \(timeout after 8s\)/);
    const cells = code(read(out));
    expect(cells[1]!.outputs.some((o) => o.output_type === 'error' && o.ename === 'CellTimeoutError')).toBe(true);
    expect(cells[2]!.execution_count).toBeNull();
  });

  it('rejects a notebook that is not nbformat 4, naming the file', async () => {
    const bad = join(dir, 'bad.ipynb');
    writeFileSync(bad, JSON.stringify({ nbformat: 3, cells: [] }));
    const r = await bwvm(['run', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.ipynb is not a valid nbformat 4 notebook/);
    expect(existsSync(join(dir, 'bad.nbconvert.ipynb'))).toBe(false);
  });
});
