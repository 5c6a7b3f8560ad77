// Headless notebook execution: start a kernel, run the code cells in order collecting outputs,
// interrupt a cell past its timeout, stop at the first failing cell (unless allowErrors), write
// the executed notebook atomically (also on failure) and an optional HTML report.
import { dirname, resolve } from 'node:path';
import { BwvmError } from '../../util/errors.js';
import { sleep } from './client.js';
import { RunningKernel } from './kernel-process.js';
import { joinSource, readNotebook, writeNotebook, type CodeCell, type ErrorOutput, type Notebook } from '../../display/notebook/model.js';
import { OutputCollector, stripAnsi } from '../../display/notebook/outputs.js';
import { writeHtmlReport } from '../../display/notebook/html.js';

export interface RunOptions {
  /** The notebook to run. */
  input: string;
  /** Where to write the executed notebook (default: NAME.nbconvert.ipynb next to the input). */
  output?: string;
  /** Also write a standalone HTML report here. */
  html?: string;
  /** Per-cell timeout in seconds (default: none). */
  timeout?: number;
  allowErrors?: boolean;
  /** Working directory of the kernel (default: the notebook's folder). */
  cwd?: string;
  /** Kernel argv template with '{connection_file}' (default: the bwvm kernel). */
  kernelArgv?: string[];
  /** Progress and failure reports (default: process.stderr). */
  log?: (line: string) => void;
  /** Seconds the kernel gets to answer an interrupt before it is given up on. */
  interruptGrace?: number;
}

export interface CellFailure {
  /** 1-based position of the cell in the notebook. */
  cell: number;
  ename: string;
  evalue: string;
  traceback: string[];
  timedOut: boolean;
}

export interface RunResult {
  notebook: Notebook;
  outputPath: string;
  htmlPath?: string;
  failures: CellFailure[];
  /** True when every code cell ran (false when a failure stopped the run). */
  completed: boolean;
}

export function defaultOutputPath(input: string): string {
  return input.replace(/(\.ipynb)?$/i, '.nbconvert.ipynb');
}

export async function runNotebook(opts: RunOptions): Promise<RunResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const input = resolve(opts.input);
  const nb = readNotebook(input);
  const outputPath = resolve(opts.output ?? defaultOutputPath(input));
  const cwd = resolve(opts.cwd ?? dirname(input));
  const codeCells = nb.cells.map((c, i) => ({ c, i })).filter((x): x is { c: CodeCell; i: number } => x.c.cell_type === 'code');

  const kernel = await RunningKernel.start({ argv: opts.kernelArgv, cwd });
  const lang = (kernel.info.content.language_info as { name?: string } | undefined)?.name;
  if (lang) nb.metadata.language_info = kernel.info.content.language_info;
  // An empty silent request first: a kernel may start its executor lazily, and that start-up
  // must not count against the first cell's --timeout.
  const warm = await Promise.race([kernel.client.execute('', () => undefined, { silent: true, storeHistory: false }), kernel.exit, sleep(120_000)]);
  if (!warm) {
    await kernel.stop();
    throw new BwvmError('KERNEL_START', `the kernel ${kernel.alive ? 'did not answer an empty request within 120 s' : 'exited during start-up'}\n${kernel.recentLog.trim()}`, {
      hint: 'run the kernel by hand to see why: node bin/bwvm.js kernel -f CONN',
    });
  }
  const collector = new OutputCollector();
  const failures: CellFailure[] = [];
  let completed = true;
  try {
    for (const [k, { c, i }] of codeCells.entries()) {
      const code = joinSource(c.source);
      if (code.trim() === '') continue;
      const t0 = Date.now();
      log(`[bwvm run] cell ${i + 1} (${k + 1}/${codeCells.length}) ...`);
      collector.begin(c);
      const failure = await runCell(kernel, collector, c, code, i + 1, opts);
      const secs = ((Date.now() - t0) / 1000).toFixed(2);
      if (!failure) {
        log(`[bwvm run] cell ${i + 1} ok (${secs}s)`);
        continue;
      }
      failures.push(failure);
      log(`[bwvm run] cell ${i + 1} FAILED${failure.timedOut ? ` (timeout after ${opts.timeout}s)` : ''}: ${failure.ename}: ${failure.evalue}`);
      for (const line of failure.traceback) log(process.stderr.isTTY ? line : stripAnsi(line));
      if (!kernel.alive || (failure.timedOut && !(await stillResponsive(kernel)))) {
        completed = false;
        log('[bwvm run] the kernel is no longer responding; stopping');
        break;
      }
      if (!opts.allowErrors) {
        completed = false;
        break;
      }
    }
  } finally {
    await kernel.stop();
    writeNotebook(outputPath, nb);
    log(`[bwvm run] wrote ${outputPath}`);
    if (opts.html) {
      writeHtmlReport(resolve(opts.html), nb, { title: titleOf(input) });
      log(`[bwvm run] wrote ${resolve(opts.html)}`);
    }
  }
  return { notebook: nb, outputPath, htmlPath: opts.html && resolve(opts.html), failures, completed };
}

async function runCell(
  kernel: RunningKernel, collector: OutputCollector, cell: CodeCell, code: string, cellNo: number, opts: RunOptions,
): Promise<CellFailure | null> {
  const done = kernel.client.execute(code, (m) => {
    if (m.header.msg_type === 'execute_input') collector.setExecutionCount(m.content.execution_count);
    else collector.handle(m.header.msg_type, m.content);
  }, { stopOnError: !opts.allowErrors });
  const exited = kernel.exit.then(() => 'exited' as const);
  const timer = opts.timeout ? sleep(opts.timeout * 1000).then(() => 'timeout' as const) : new Promise<never>(() => undefined);
  let outcome = await Promise.race([done, timer, exited]);
  let timedOut = false;
  if (outcome === 'timeout') {
    timedOut = true;
    await Promise.race([kernel.client.interrupt().catch(() => undefined), sleep(1000)]);
    outcome = await Promise.race([done, sleep((opts.interruptGrace ?? 10) * 1000).then(() => 'timeout' as const), exited]);
  }
  if (outcome === 'exited') {
    return addFailure(cell, cellNo, 'DeadKernelError', `the kernel died while running cell ${cellNo}`, [kernel.recentLog], timedOut);
  }
  if (outcome === 'timeout') {
    return addFailure(cell, cellNo, 'CellTimeoutError', `cell ${cellNo} timed out after ${opts.timeout}s and did not stop when interrupted`, [], true);
  }
  collector.setExecutionCount(outcome.content.execution_count);
  if (timedOut) {
    return addFailure(cell, cellNo, 'CellTimeoutError', `cell ${cellNo} timed out after ${opts.timeout}s and was interrupted`, [], true);
  }
  if (outcome.content.status === 'ok') return null;
  const c = outcome.content;
  if (c.status === 'aborted') return addFailure(cell, cellNo, 'CellAborted', `the kernel aborted cell ${cellNo} (after an earlier error)`, [], false);
  const fromOutputs = cell.outputs.find((o): o is ErrorOutput => o.output_type === 'error');
  return {
    cell: cellNo, ename: String(c.ename ?? fromOutputs?.ename ?? 'Error'), evalue: String(c.evalue ?? fromOutputs?.evalue ?? ''),
    traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : fromOutputs?.traceback ?? [], timedOut: false,
  };
}

/** Record a failure the kernel did not report itself as an error output of the cell. */
function addFailure(cell: CodeCell, cellNo: number, ename: string, evalue: string, traceback: string[], timedOut: boolean): CellFailure {
  cell.outputs.push({ output_type: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`, ...traceback.filter(Boolean)] });
  return { cell: cellNo, ename, evalue, traceback, timedOut };
}

/** After an interrupted timeout: does the kernel still answer? */
async function stillResponsive(kernel: RunningKernel): Promise<boolean> {
  if (!kernel.alive) return false;
  const r = await Promise.race([kernel.client.request('shell', 'kernel_info_request', {}), sleep(5000).then(() => null)]);
  return r !== null;
}

function titleOf(path: string): string {
  return path.split(/[\\/]/).pop()!.replace(/\.ipynb$/i, '');
}

