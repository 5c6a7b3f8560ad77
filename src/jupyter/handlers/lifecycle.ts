// kernel_info_request (answered without the executor), shutdown_request (restart or stop) and
// interrupt_request (control channel).
import { bool, errorReply, type Handler } from '../core.js';
import { kernelInfoContent } from '../kernel-info.js';

export const kernelInfoRequest: Handler = (req, core) => core.reply(req, kernelInfoContent(core.identity));

export const shutdownRequest: Handler = async (req, core) => {
  const restart = bool(req.msg.content, 'restart', false);
  try {
    await core.shutdown(restart);
    await core.reply(req, { status: 'ok', restart });
  } catch (e) {
    await core.reply(req, { ...errorReply(e), restart });
  }
};

export const interruptRequest: Handler = async (req, core) => {
  try {
    await core.interrupt();
    await core.reply(req, { status: 'ok' });
  } catch (e) {
    await core.reply(req, errorReply(e));
  }
};
