// The notebook model: validation messages name the file and the problem; writes are atomic.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeNotebook, readNotebook, splitLines, validateNotebook, writeNotebook } from '../../../src/display/notebook/model.js';
import { isBwvmError } from '../../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'bwvm-nb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readError(text: string): Error {
  const p = join(dir, `bad-${Math.random().toString(36).slice(2)}.ipynb`);
  writeFileSync(p, text);
  try {
    readNotebook(p);
  } catch (e) {
    return e as Error;
  }
  throw new Error('readNotebook accepted an invalid notebook');
}

describe('notebook model', () => {
  it('reads a valid notebook and fills in code cell defaults', () => {
    const p = join(dir, 'ok.ipynb');
    writeFileSync(p, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', source: ['a\n', 'b'] }] }));
    const nb = readNotebook(p);
    expect(nb.cells[0]).toEqual({ cell_type: 'code', source: ['a\n', 'b'], metadata: {}, outputs: [], execution_count: null });
  });

  it('names the file and what is wrong', () => {
    const e1 = readError('{not json');
    expect(isBwvmError(e1, 'NB_JSON')).toBe(true);
    expect(e1.message).toMatch(/bad-.*\.ipynb is not valid JSON/);
    const e2 = readError(JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, cells: [{ cell_type: 'heading', source: 1 }] }));
    expect(isBwvmError(e2, 'NB_INVALID')).toBe(true);
    expect(e2.message).toMatch(/nbformat is 3, expected 4/);
    expect(e2.message).toMatch(/cell 1: cell_type "heading"/);
    expect(e2.message).toMatch(/cell 1: source must be a string/);
    expect(isBwvmError(readError('x'), 'NB_JSON')).toBe(true);
    expect(() => readNotebook(join(dir, 'missing.ipynb'))).toThrow(/cannot read notebook .*missing\.ipynb/);
  });

  it('validates the cell list', () => {
    expect(validateNotebook([])).toEqual(['the top level is not a JSON object']);
    expect(validateNotebook({ nbformat: 4, nbformat_minor: 1, metadata: {} })).toEqual(['cells is missing or not a list']);
    expect(validateNotebook(makeNotebook([{ source: 'x' }, { type: 'markdown', source: '# t' }]))).toEqual([]);
  });

  it('writes atomically, leaving no temp files, and round-trips', () => {
    const p = join(dir, 'sub', 'w.ipynb');
    const nb = makeNotebook([{ source: 'print(1)' }]);
    writeNotebook(p, nb);
    writeNotebook(p, nb);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['w.ipynb']);
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual(nb);
  });

  it('splits text into Jupyter lines', () => {
    expect(splitLines('a\nb\n')).toEqual(['a\n', 'b\n']);
    expect(splitLines('a\nb')).toEqual(['a\n', 'b']);
    expect(splitLines('')).toEqual([]);
  });
});
