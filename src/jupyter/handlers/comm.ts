// Comms from the front end (comm_open, comm_msg, comm_close: no reply) and comm_info_request.
// Whatever the executor sends back goes through the request context onto iopub.
import type { ExecutorEvent, RequestContext } from '../executor-api.js';
import { errorReply, obj, str, type Handler, type IncomingRequest, type KernelCore } from '../core.js';
import { eventToIopub } from './events.js';

function commContext(req: IncomingRequest, core: KernelCore): RequestContext {
  return {
    emit(ev: ExecutorEvent): void {
      const m = eventToIopub(ev, core.executionCount);
      if (m) void core.publish(req, m[0], m[1]);
    },
    input: (prompt, password) => core.input(req, false, prompt, password),
  };
}

async function run(core: KernelCore, what: string, f: () => Promise<void>): Promise<void> {
  try {
    await core.executorReady();
    await f();
  } catch (e) {
    core.log(`${what} failed: ${String(e)}`);
  }
}

export const commOpen: Handler = (req, core) => {
  const c = req.msg.content;
  return run(core, 'comm_open', () => core.executor.commOpen(str(c, 'comm_id'), str(c, 'target_name'), obj(c, 'data'), commContext(req, core)));
};

export const commMsg: Handler = (req, core) => {
  const c = req.msg.content;
  return run(core, 'comm_msg', () => core.executor.commMsg(str(c, 'comm_id'), obj(c, 'data'), commContext(req, core)));
};

export const commClose: Handler = (req, core) => {
  const c = req.msg.content;
  return run(core, 'comm_close', () => core.executor.commClose(str(c, 'comm_id'), obj(c, 'data'), commContext(req, core)));
};

export const commInfoRequest: Handler = async (req, core) => {
  const target = str(req.msg.content, 'target_name') || undefined;
  try {
    await core.executorReady();
    await core.reply(req, { status: 'ok', comms: await core.executor.commInfo(target) });
  } catch (e) {
    await core.reply(req, errorReply(e));
  }
};
