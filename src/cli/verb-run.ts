// `bwvm run NB.ipynb`: execute a notebook headlessly on the bwvm kernel (real ZeroMQ), write the
// executed notebook and optionally a standalone HTML report; non-zero exit on a failing cell.
import { parseArgs } from 'node:util';
import { isBwvmError, errorMessage } from '../util/errors.js';
import { runNotebook } from './run/runner.js';

export const RUN_USAGE = `usage: bwvm run NB.ipynb [-o OUT.ipynb] [--html OUT.html] [--timeout S] [--allow-errors] [--cwd DIR]

Runs every code cell of NB.ipynb in order on a fresh bwvm kernel.
  -o, --output OUT.ipynb  where to write the executed notebook (default: NB.nbconvert.ipynb)
  --html OUT.html         also write a standalone HTML report (works offline)
  --timeout S             per-cell timeout in seconds: the cell is interrupted and fails
                          (default and 0: none)
  --allow-errors          keep going after a failing cell (exit status 0)
  --cwd DIR               working directory of the kernel (default: the notebook's folder)
  --kernel-cmd JSON       kernel argv as a JSON list with "{connection_file}" (default: bwvm's kernel)`;

export const RUN_SUMMARY = 'execute a notebook headlessly; write the executed .ipynb and an HTML report';

/** Exit status: 0 ok, 1 a cell failed, 2 usage or set-up error. */
export async function runVerb(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        html: { type: 'string' },
        timeout: { type: 'string' },
        'allow-errors': { type: 'boolean' },
        cwd: { type: 'string' },
        'kernel-cmd': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    process.stderr.write(`bwvm run: ${errorMessage(e)}\n${RUN_USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    process.stdout.write(RUN_USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`bwvm run: expected exactly one notebook, got ${positionals.length}\n${RUN_USAGE}\n`);
    return 2;
  }
  const timeout = v.timeout === undefined || Number(v.timeout) === 0 ? undefined : Number(v.timeout); // 0: no timeout
  if (timeout !== undefined && !(timeout > 0)) {
    process.stderr.write(`bwvm run: --timeout must be a positive number of seconds (or 0: none), got '${v.timeout}'\n`);
    return 2;
  }
  let kernelArgv: string[] | undefined;
  if (v['kernel-cmd'] !== undefined) {
    try {
      kernelArgv = JSON.parse(v['kernel-cmd']) as string[];
      if (!Array.isArray(kernelArgv) || kernelArgv.length === 0 || !kernelArgv.every((a) => typeof a === 'string')) throw new Error('not a list');
    } catch {
      process.stderr.write(`bwvm run: --kernel-cmd must be a JSON list of strings, e.g. '["python3","-m","ipykernel_launcher","-f","{connection_file}"]'\n`);
      return 2;
    }
  }
  try {
    const r = await runNotebook({
      input: positionals[0]!, output: v.output, html: v.html, timeout, allowErrors: v['allow-errors'] ?? false, cwd: v.cwd, kernelArgv,
    });
    if (r.failures.length === 0) return 0;
    const first = r.failures[0]!;
    process.stderr.write(`bwvm run: cell ${first.cell} failed (${first.ename})${v['allow-errors'] ? '; continued (--allow-errors)' : ''}\n`);
    return v['allow-errors'] && r.completed ? 0 : 1;
  } catch (e) {
    process.stderr.write(`bwvm run: ${isBwvmError(e) ? e.message : errorMessage(e)}\n`);
    return 2;
  }
}
