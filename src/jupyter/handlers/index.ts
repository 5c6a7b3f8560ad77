// The handler table: msg_type -> handler and the channels it is accepted on. Adding a message
// type is one row here and one handler file.
import type { HandlerRow } from '../core.js';
import { commClose, commInfoRequest, commMsg, commOpen } from './comm.js';
import { executeRequest } from './execute.js';
import { historyRequest } from './history.js';
import { completeRequest, inspectRequest, isCompleteRequest } from './introspection.js';
import { interruptRequest, kernelInfoRequest, shutdownRequest } from './lifecycle.js';

export const HANDLERS: Readonly<Record<string, HandlerRow>> = {
  kernel_info_request: { handler: kernelInfoRequest, channels: ['shell', 'control'], immediate: true },
  execute_request: { handler: executeRequest, channels: ['shell'] },
  complete_request: { handler: completeRequest, channels: ['shell'] },
  inspect_request: { handler: inspectRequest, channels: ['shell'] },
  is_complete_request: { handler: isCompleteRequest, channels: ['shell'] },
  history_request: { handler: historyRequest, channels: ['shell'] },
  comm_info_request: { handler: commInfoRequest, channels: ['shell', 'control'] },
  comm_open: { handler: commOpen, channels: ['shell'] },
  comm_msg: { handler: commMsg, channels: ['shell'] },
  comm_close: { handler: commClose, channels: ['shell'] },
  shutdown_request: { handler: shutdownRequest, channels: ['shell', 'control'] },
  interrupt_request: { handler: interruptRequest, channels: ['control'] },
};
