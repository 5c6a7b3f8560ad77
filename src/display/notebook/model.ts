// The nbformat 4 notebook model used by `bwvm run` and `%report`: types, reading with validation (errors name
// the file and the offending cell/field), and atomic writing (temp file + rename).
import { readFileSync, renameSync, writeFileSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BwvmError } from '../../util/errors.js';

export type MultilineString = string | string[];

export interface StreamOutput { output_type: 'stream'; name: 'stdout' | 'stderr'; text: MultilineString }
export interface DisplayDataOutput { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
export interface ExecuteResultOutput {
  output_type: 'execute_result'; execution_count: number | null; data: Record<string, unknown>; metadata: Record<string, unknown>;
}
export interface ErrorOutput { output_type: 'error'; ename: string; evalue: string; traceback: string[] }
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: 'code'; id?: string; source: MultilineString; metadata: Record<string, unknown>;
  execution_count: number | null; outputs: Output[];
}
export interface TextCell { cell_type: 'markdown' | 'raw'; id?: string; source: MultilineString; metadata: Record<string, unknown>; attachments?: unknown }
export type Cell = CodeCell | TextCell;

export interface Notebook {
  nbformat: 4; nbformat_minor: number; metadata: Record<string, unknown>; cells: Cell[];
}

/** A source / text field as one string (nbformat allows a list of lines). */
export function joinSource(s: MultilineString | undefined): string {
  return Array.isArray(s) ? s.join('') : (s ?? '');
}

/** Split text into nbformat lines (each keeps its '\n'), as Jupyter writes them. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isMultiline = (v: unknown): boolean => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/** Problems with a parsed notebook (empty = valid nbformat 4 for our purposes). */
export function validateNotebook(nb: unknown): string[] {
  if (!isObj(nb)) return ['the top level is not a JSON object'];
  const errs: string[] = [];
  if (nb.nbformat !== 4) errs.push(`nbformat is ${JSON.stringify(nb.nbformat)}, expected 4 (convert with: jupyter nbconvert --to notebook)`);
  if (typeof nb.nbformat_minor !== 'number') errs.push('nbformat_minor is missing or not a number');
  if (!isObj(nb.metadata)) errs.push('metadata is missing or not an object');
  if (!Array.isArray(nb.cells)) return [...errs, 'cells is missing or not a list'];
  nb.cells.forEach((c: unknown, i: number) => {
    const at = `cell ${i + 1}`;
    if (!isObj(c)) { errs.push(`${at} is not an object`); return; }
    if (c.cell_type !== 'code' && c.cell_type !== 'markdown' && c.cell_type !== 'raw') {
      errs.push(`${at}: cell_type ${JSON.stringify(c.cell_type)} is not code, markdown or raw`);
    }
    if (!isMultiline(c.source)) errs.push(`${at}: source must be a string or a list of strings`);
    if (c.metadata !== undefined && !isObj(c.metadata)) errs.push(`${at}: metadata must be an object`);
    if (c.cell_type === 'code' && c.outputs !== undefined && !Array.isArray(c.outputs)) errs.push(`${at}: outputs must be a list`);
  });
  return errs;
}

/** Read and validate an .ipynb file; code cells get their defaults filled in. */
export function readNotebook(path: string): Notebook {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BwvmError('NB_READ', `cannot read notebook ${path}: ${(e as Error).message}`, { hint: 'check the path' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new BwvmError('NB_JSON', `${path} is not valid JSON: ${(e as Error).message}`, { hint: 'is it an .ipynb notebook?' });
  }
  const errs = validateNotebook(parsed);
  if (errs.length > 0) {
    throw new BwvmError('NB_INVALID', `${path} is not a valid nbformat 4 notebook:\n  - ${errs.join('\n  - ')}`, {
      hint: 'fix the listed fields, or re-save the notebook from Jupyter',
    });
  }
  const nb = parsed as Notebook;
  for (const c of nb.cells) {
    c.metadata ??= {};
    if (c.cell_type === 'code') {
      c.outputs ??= [];
      c.execution_count ??= null;
    }
  }
  return nb;
}

/** Serialize like Jupyter does (1-space indent, trailing newline). */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + '\n';
}

/** Write a file atomically: a temp file in the same folder, then rename over the target. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw new BwvmError('NB_WRITE', `cannot write ${path}: ${(e as Error).message}`, { hint: 'check the folder exists and is writable' });
  }
}

export function writeNotebook(path: string, nb: Notebook): void {
  writeFileAtomic(path, serializeNotebook(nb));
}

/** A fresh notebook from cell sources (used by tests and benches). */
export function makeNotebook(cells: { type?: 'code' | 'markdown'; source: string }[], metadata: Record<string, unknown> = {}): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: cells.map((c, i): Cell => c.type === 'markdown'
      ? { cell_type: 'markdown', id: `cell-${i}`, source: c.source, metadata: {} }
      : { cell_type: 'code', id: `cell-${i}`, source: c.source, metadata: {}, execution_count: null, outputs: [] }),
  };
}
