// Test harness: an InProcessExecutor on the fake Repl, and run() collecting a cell's events.
import type { ExecuteOutcome, ExecutorEvent, RequestContext } from '../../../src/jupyter/executor-api.js';
import { InProcessExecutor, type InProcessExecutorOptions } from '../../../src/magics/executor.js';
import { PlotlyEmbedder } from '../../../src/display/index.js';
import { FakeRepl } from './fake-repl.js';

export interface CellRun {
  outcome: ExecuteOutcome;
  events: ExecutorEvent[];
  stdout: string;
  stderr: string;
  result: ExecutorEvent | undefined;
}

export function makeExecutor(opts: InProcessExecutorOptions = {}): { exec: InProcessExecutor; repl: FakeRepl } {
  const repl = new FakeRepl();
  return { exec: new InProcessExecutor(repl, { plotly: new PlotlyEmbedder(), ...opts }), repl };
}

export function context(events: ExecutorEvent[], input?: (p: string, pw: boolean) => Promise<string>): RequestContext {
  return {
    emit: (ev) => events.push(ev),
    input: input ?? (async () => { throw new Error('no stdin in this test'); }),
  };
}

export async function run(
  exec: InProcessExecutor,
  code: string,
  opts: { silent?: boolean; userExpressions?: Record<string, string>; allowStdin?: boolean; input?: (p: string, pw: boolean) => Promise<string>; executionCount?: number; storeHistory?: boolean } = {},
): Promise<CellRun> {
  const events: ExecutorEvent[] = [];
  const outcome = await exec.execute(
    { code, silent: opts.silent ?? false, storeHistory: opts.storeHistory ?? true, userExpressions: opts.userExpressions ?? {}, allowStdin: opts.allowStdin ?? false, executionCount: opts.executionCount ?? 1 },
    context(events, opts.input),
  );
  const text = (name: string): string => events.filter((e) => e.type === 'stream' && e.name === name).map((e) => (e as { text: string }).text).join('');
  return { outcome, events, stdout: text('stdout'), stderr: text('stderr'), result: events.find((e) => e.type === 'execute_result') };
}

/** text/plain of the execute_result. */
export function resultText(r: CellRun): string | undefined {
  return r.result && 'data' in r.result ? (r.result.data['text/plain'] as string) : undefined;
}
