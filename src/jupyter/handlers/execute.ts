// execute_request: count, publish execute_input, run the cell on the executor with a context
// mapping its events to iopub, publish the error, reply; on failure with stop_on_error, abort
// the execute_requests queued behind it. silent publishes no execute_input/execute_result.
import type { ExecuteOutcome, ExecutorEvent, RequestContext } from '../executor-api.js';
import { bool, obj, str, type Handler, type IncomingRequest, type KernelCore } from '../core.js';
import { eventToIopub } from './events.js';

function contextFor(req: IncomingRequest, core: KernelCore, silent: boolean, allowStdin: boolean, count: number, store: boolean): RequestContext {
  return {
    emit(ev: ExecutorEvent): void {
      try {
        if (silent && ev.type === 'execute_result') return;
        const m = eventToIopub(ev, count);
        if (!m) {
          core.log(`executor emitted an unknown event type '${String((ev as { type?: unknown })?.type)}'; dropped`);
          return;
        }
        if (store && ev.type === 'execute_result' && typeof ev.data['text/plain'] === 'string') core.history.setOutput(count, ev.data['text/plain']);
        void core.publish(req, m[0], m[1]);
      } catch (e) {
        core.log(`cannot publish an executor event: ${String(e)}`);
      }
    },
    input: (prompt, password) => core.input(req, allowStdin, String(prompt), !!password),
  };
}

export const executeRequest: Handler = async (req, core) => {
  const c = req.msg.content;
  const code = str(c, 'code');
  const silent = bool(c, 'silent', false);
  const storeHistory = silent ? false : bool(c, 'store_history', true);
  const allowStdin = bool(c, 'allow_stdin', true);
  const stopOnError = bool(c, 'stop_on_error', true);
  const userExpressions = Object.fromEntries(Object.entries(obj(c, 'user_expressions')).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  if (storeHistory) {
    core.executionCount++;
    core.history.add(core.executionCount, code);
  }
  const count = core.executionCount;
  if (!silent) void core.publish(req, 'execute_input', { code, execution_count: count });

  let outcome: ExecuteOutcome;
  try {
    await core.executorReady();
    const ctx = contextFor(req, core, silent, allowStdin, count, storeHistory);
    outcome = await core.executor.execute({ code, silent, storeHistory, userExpressions, allowStdin, executionCount: count }, ctx);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    core.log(`executor failed on execute_request ${req.msg.header.msg_id}: ${err.message}`);
    outcome = { status: 'error', ename: err.name || 'KernelError', evalue: err.message, traceback: [`${err.name}: ${err.message}`], userExpressions: {}, payload: [] };
  }

  if (outcome.status === 'error') {
    const error = { ename: outcome.ename ?? 'Error', evalue: outcome.evalue ?? '', traceback: outcome.traceback ?? [] };
    void core.publish(req, 'error', error);
    if (stopOnError) await core.abortQueuedExecutes();
    await core.reply(req, { status: 'error', execution_count: count, ...error, user_expressions: outcome.userExpressions ?? {}, payload: outcome.payload ?? [] },
      { status: 'error', dependencies_met: true, engine: req.msg.header.session });
    return;
  }
  await core.reply(req, { status: 'ok', execution_count: count, user_expressions: outcome.userExpressions ?? {}, payload: outcome.payload ?? [] },
    { status: 'ok', dependencies_met: true });
};

/** The reply an execute_request gets when it is aborted by stop_on_error. */
export const abortedExecute: Handler = async (req, core) => {
  await core.reply(req, { status: 'aborted', execution_count: core.executionCount }, { status: 'aborted', dependencies_met: false });
};
