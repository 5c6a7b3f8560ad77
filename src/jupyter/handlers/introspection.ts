// complete_request, inspect_request and is_complete_request: forwarded to the executor; a
// failing or not-ready executor gives an error reply, never a dead kernel.
import { errorReply, num, str, type Handler } from '../core.js';

export const completeRequest: Handler = async (req, core) => {
  const code = str(req.msg.content, 'code');
  const cursor = num(req.msg.content, 'cursor_pos', code.length)!;
  try {
    await core.executorReady();
    const r = await core.executor.complete(code, cursor);
    await core.reply(req, { status: 'ok', matches: r.matches, cursor_start: r.cursor_start, cursor_end: r.cursor_end, metadata: r.metadata ?? {} });
  } catch (e) {
    await core.reply(req, errorReply(e));
  }
};

export const inspectRequest: Handler = async (req, core) => {
  const code = str(req.msg.content, 'code');
  const cursor = num(req.msg.content, 'cursor_pos', code.length)!;
  const detail = num(req.msg.content, 'detail_level', 0)!;
  try {
    await core.executorReady();
    const r = await core.executor.inspect(code, cursor, detail);
    await core.reply(req, { status: 'ok', found: r.found, data: r.data ?? {}, metadata: r.metadata ?? {} });
  } catch (e) {
    await core.reply(req, errorReply(e));
  }
};

export const isCompleteRequest: Handler = async (req, core) => {
  try {
    await core.executorReady();
    const r = await core.executor.isComplete(str(req.msg.content, 'code'));
    await core.reply(req, r.status === 'incomplete' ? { status: r.status, indent: r.indent ?? '' } : { status: r.status });
  } catch (e) {
    core.log(`is_complete failed: ${String(e)}`);
    await core.reply(req, { status: 'unknown' });
  }
};
