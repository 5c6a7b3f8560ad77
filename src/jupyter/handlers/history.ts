// history_request: tail, range and search over this session's in-memory history.
import { bool, num, str, type Handler } from '../core.js';
import type { HistoryTuple } from '../history.js';

export const historyRequest: Handler = async (req, core) => {
  const c = req.msg.content;
  const output = bool(c, 'output', false);
  const type = str(c, 'hist_access_type', 'tail');
  let history: HistoryTuple[];
  if (type === 'tail') history = core.history.tail(num(c, 'n', 10), output);
  else if (type === 'range') history = core.history.range(num(c, 'session', 0)!, num(c, 'start', 1), num(c, 'stop'), output);
  else if (type === 'search') history = core.history.search(str(c, 'pattern', '*'), num(c, 'n'), bool(c, 'unique', false), output);
  else {
    await core.reply(req, { status: 'error', ename: 'ValueError', evalue: `unknown hist_access_type '${type}' (use tail, range or search)`, traceback: [] });
    return;
  }
  await core.reply(req, { status: 'ok', history });
};
