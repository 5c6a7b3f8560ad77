// %report PATH: this session's cells and their outputs (session.history) written as a standalone
// HTML report (the renderer of `bwvm run --html`: interactive Plotly, works offline) or as an
// .ipynb notebook; --cells picks cells by execution count, --no-code keeps only the outputs.
import { extname, resolve } from 'node:path';
import { renderReport } from '../../display/notebook/html.js';
import { serializeNotebook, writeFileAtomic, type CodeCell } from '../../display/notebook/model.js';
import { BwvmError } from '../../util/errors.js';
import { LANGUAGE_INFO, NOTEBOOK_KERNELSPEC } from '../../jupyter/kernel-info.js';
import { MagicOutput, type MagicFamily } from '../types.js';

/** Execution counts selected by a spec like "3-7,9,12-" (inclusive; "12-" = from 12 on). */
export function cellFilter(spec: string): (n: number) => boolean {
  const parts = spec.split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
    const m = /^(\d+)(?:-(\d*))?$/.exec(p);
    if (!m) throw new BwvmError('report-cells', `--cells '${spec}': '${p}' is not N, A-B or A-`, { hint: 'e.g. --cells 3-7,9 or --cells 12- (execution counts, the numbers in In [N])' });
    const lo = Number(m[1]), hi = m[2] === undefined ? lo : m[2] === '' ? Infinity : Number(m[2]);
    if (hi < lo) throw new BwvmError('report-cells', `--cells '${spec}': range ${p} is empty`, { hint: 'write the smaller execution count first' });
    return [lo, hi] as const;
  });
  if (!parts.length) throw new BwvmError('report-cells', '--cells needs execution counts', { hint: 'e.g. --cells 3-7,9' });
  return (n) => parts.some(([lo, hi]) => n >= lo && n <= hi);
}

/** "In [4]" or "In [1] to In [7]": the execution counts a history holds. */
function span(cells: readonly CodeCell[]): string {
  const a = cells[0]!.execution_count, b = cells.at(-1)!.execution_count;
  return a === b ? `In [${a}]` : `In [${a}] to In [${b}]`;
}

export interface ReportResult { path: string; format: 'html' | 'ipynb'; cells: number; outputs: number }

export const reportFamily: MagicFamily = {
  name: 'core.report',
  magics: [{
    name: 'report',
    kind: 'line',
    summary: "write this session's cells and their outputs as a standalone HTML report (or an .ipynb notebook)",
    usage: '%report PATH.html|PATH.ipynb [--title TITLE] [--cells 3-7,9] [--no-code]',
    flags: [
      { name: 'title', type: 'string', help: 'the report\'s title (default: bwvm session report)' },
      { name: 'cells', type: 'string', help: 'execution counts to include, e.g. 3-7,9 or 12- (default: every cell run so far)' },
      { name: 'code', type: 'boolean', default: true, help: 'show the cells\' code (--no-code: only their outputs; HTML)' },
    ],
    positionals: [{ name: 'path', help: 'the file to write: .html (standalone report) or .ipynb (notebook); directories are created' }],
    run(args, ctx) {
      const path = resolve(process.cwd(), args.pos('path')!);
      const ext = extname(path).toLowerCase();
      if (ext !== '.html' && ext !== '.htm' && ext !== '.ipynb') {
        throw new BwvmError('report-format', `%report ${args.pos('path')}: unknown report format '${ext || '(no extension)'}'`, { hint: 'end the path in .html (a standalone report) or .ipynb (a notebook)' });
      }
      const h = ctx.session.history, spec = args.str('cells');
      const keep = spec === undefined ? undefined : cellFilter(spec);
      const nb = h.notebook({ title: args.str('title') ?? 'bwvm session report', kernelspec: NOTEBOOK_KERNELSPEC, language_info: LANGUAGE_INFO },
        keep && ((c) => keep(c.execution_count ?? -1)));
      if (!nb.cells.length) {
        throw new BwvmError('report-empty', h.cells.length ? `no cell of this session matches --cells ${spec}` : 'nothing to report: no cell has finished in this session yet',
          { hint: h.cells.length ? `this session has ${span(h.cells)}` : 'run some cells first; %report writes the cells before it' });
      }
      const outputs = nb.cells.reduce((n, c) => n + (c as CodeCell).outputs.length, 0);
      try {
        writeFileAtomic(path, ext === '.ipynb' ? serializeNotebook(nb) : renderReport(nb, { code: args.bool('code'), generator: 'bwvm %report' }));
      } catch (e) {
        throw new BwvmError('report-write', `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { hint: 'check the path and its permissions', cause: e });
      }
      const dropped = h.dropped ? ` (the ${h.dropped} oldest cells are no longer kept)` : '';
      ctx.stdout(`wrote ${path}: ${nb.cells.length} cell${nb.cells.length === 1 ? '' : 's'}, ${outputs} output${outputs === 1 ? '' : 's'}${dropped}\n`);
      const result: ReportResult = { path, format: ext === '.ipynb' ? 'ipynb' : 'html', cells: nb.cells.length, outputs };
      return new MagicOutput(result, undefined);
    },
  }],
};
