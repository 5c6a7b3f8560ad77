// runNotebook against a real kernel over real ZeroMQ: Debian's IPython kernel (the runner takes
// the kernel command as a parameter), checking Jupyter's output semantics end to end.
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWith } from '../../support/prereqs.js';
import { runNotebook } from '../../../src/cli/run/runner.js';
import { makeNotebook, serializeNotebook, type CodeCell } from '../../../src/display/notebook/model.js';

const IPYKERNEL = ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '{connection_file}'];
const dir = mkdtempSync(join(tmpdir(), 'bwvm-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nbFile(name: string, cells: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, serializeNotebook(makeNotebook(cells.map((source) => ({ source })))));
  return p;
}

describeWith(['jupyter'], 'runNotebook with the IPython kernel', () => {
  it('collects outputs like Jupyter: streams merge, display updates, clear_output(wait), results, counts', async () => {
    const input = nbFile('ok.ipynb', [
      'import sys\nprint("a"); print("b", flush=True)\nsys.stderr.write("e\\n"); sys.stderr.flush()\nprint("c")',
      'from IPython.display import display, clear_output\nh = display({"text/plain": "first"}, raw=True, display_id="d1")',
      'h.update({"text/plain": "second"}, raw=True)\nimport os\nos.getcwd()',
      'print("gone")\nclear_output(wait=True)\nprint("kept")',
      '6 * 7',
    ]);
    const lines: string[] = [];
    const r = await runNotebook({ input, kernelArgv: IPYKERNEL, log: (l) => lines.push(l) });
    expect(r.failures).toEqual([]);
    expect(r.completed).toBe(true);
    const cells = JSON.parse(readFileSync(r.outputPath, 'utf8')).cells as CodeCell[];
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, 3, 4, 5]);
    expect(cells[0]!.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      { output_type: 'stream', name: 'stderr', text: 'e\n' },
      { output_type: 'stream', name: 'stdout', text: 'c\n' },
    ]);
    expect(cells[1]!.outputs).toEqual([{ output_type: 'display_data', data: { 'text/plain': 'second' }, metadata: {} }]);
    expect(cells[2]!.outputs[0]).toMatchObject({ output_type: 'execute_result', execution_count: 3, data: { 'text/plain': `'${dir}'` } });
    expect(cells[3]!.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'kept\n' }]);
    expect(cells[4]!.outputs).toEqual([{ output_type: 'execute_result', execution_count: 5, data: { 'text/plain': '42' }, metadata: {} }]);
    expect(lines.some((l) => l.includes('cell 5 ok'))).toBe(true);
  });

  it('stops at a failing cell, reports its traceback, and writes the partial notebook', async () => {
    const input = nbFile('fail.ipynb', ['x = 1', 'raise ValueError("boom")', 'x = 2']);
    const lines: string[] = [];
    const r = await runNotebook({ input, output: join(dir, 'fail.out.ipynb'), kernelArgv: IPYKERNEL, log: (l) => lines.push(l) });
    expect(r.completed).toBe(false);
    expect(r.failures).toMatchObject([{ cell: 2, ename: 'ValueError', evalue: 'boom', timedOut: false }]);
    expect(lines.join('\n')).toMatch(/cell 2 FAILED: ValueError: boom/);
    const cells = JSON.parse(readFileSync(join(dir, 'fail.out.ipynb'), 'utf8')).cells as CodeCell[];
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, null]);
    expect(cells[1]!.outputs[0]).toMatchObject({ output_type: 'error', ename: 'ValueError' });
  });

  it('with allowErrors runs every cell', async () => {
    const input = nbFile('allow.ipynb', ['1/0', 'print("after")']);
    const r = await runNotebook({ input, allowErrors: true, kernelArgv: IPYKERNEL, log: () => undefined });
    expect(r.completed).toBe(true);
    expect(r.failures.map((f) => f.ename)).toEqual(['ZeroDivisionError']);
    expect(r.notebook.cells[1]).toMatchObject({ outputs: [{ output_type: 'stream', text: 'after\n' }] });
  });

  it('reports a kernel that dies mid-cell and still writes the notebook', async () => {
    const input = nbFile('dies.ipynb', ['print("before")', 'import os\nos._exit(3)', 'print("never")']);
    const r = await runNotebook({ input, allowErrors: true, kernelArgv: IPYKERNEL, log: () => undefined });
    expect(r.completed).toBe(false);
    expect(r.failures).toMatchObject([{ cell: 2, ename: 'DeadKernelError' }]);
    const cells = JSON.parse(readFileSync(r.outputPath, 'utf8')).cells as CodeCell[];
    expect(cells[0]!.outputs).toMatchObject([{ text: 'before\n' }]);
    expect(cells[1]!.outputs).toMatchObject([{ output_type: 'error', ename: 'DeadKernelError' }]);
    expect(cells[2]!.execution_count).toBeNull();
  });

  it('runs the kernel in --cwd when given', async () => {
    const input = nbFile('cwd.ipynb', ['import os\nos.getcwd()']);
    const r = await runNotebook({ input, cwd: tmpdir(), kernelArgv: IPYKERNEL, log: () => undefined });
    expect(r.notebook.cells[0]).toMatchObject({ outputs: [{ data: { 'text/plain': `'${realpathSync(tmpdir())}'` } }] });
  });

  it('interrupts a cell past its timeout and fails it; the kernel survives for later cells', async () => {
    const input = nbFile('slow.ipynb', ['y = 5', 'import time\nwhile True: time.sleep(0.05)', 'print(y)']);
    const r = await runNotebook({ input, timeout: 2, allowErrors: true, kernelArgv: IPYKERNEL, log: () => undefined });
    expect(r.failures).toMatchObject([{ cell: 2, ename: 'CellTimeoutError', timedOut: true }]);
    expect(r.notebook.cells[2]).toMatchObject({ outputs: [{ output_type: 'stream', text: '5\n' }] });
  });
});
