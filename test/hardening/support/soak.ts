// The session soak shared by the reduced test (test/hardening/soak.test.ts) and the full one
// (test/soak/session.soak.ts): N mixed cells through the real kernel over real zmq, each checked
// for its reply, its busy/idle pair with the right parent and a consecutive execution count;
// the executor child's RSS is sampled before and after, with `%release --all` along the way.
import type { JupyterMessage } from '../../../src/jupyter/wire.js';
import { rssBytes, type KernelProcess } from './kernel-process.js';

export interface SoakCell {
  code: string;
  /** Expected reply status. */
  status: 'ok' | 'error';
  /** An iopub message type the cell must produce (besides status/execute_input). */
  produces?: string;
}

/** Cell i of the mix: declarations, expressions, output, display, errors and magics. */
export function soakCell(i: number): SoakCell {
  const mix: (() => SoakCell)[] = [
    () => ({ code: `const v${i}: number = ${i}; const buf${i} = new Float64Array(4096).fill(${i})`, status: 'ok' }),
    () => ({ code: `v${i - 1} * 2 + buf${i - 1}.length`, status: 'ok', produces: 'execute_result' }),
    () => ({ code: `console.log("cell ${i}")`, status: 'ok', produces: 'stream' }),
    () => ({ code: `display.html("<b>${i}</b>")`, status: 'ok', produces: 'display_data' }),
    () => ({ code: `throw new RangeError("soak ${i}")`, status: 'error', produces: 'error' }),
    () => ({ code: `%time [...Array(100).keys()].reduce((a, b) => a + b, ${i})`, status: 'ok', produces: 'stream' }),
    () => ({ code: `%env SOAK_${i % 10}=${i}`, status: 'ok' }),
    () => ({ code: '%lsmagic', status: 'ok' }),
    () => ({ code: 'JSON.parse("{not json")', status: 'error', produces: 'error' }),
    () => ({ code: `%timeit -n 5 -r 2 Math.sqrt(${i})`, status: 'ok', produces: 'stream' }),
  ];
  if (i % 100 === 55) return { code: `%load_model lenet5 --no-graph --name soak${i % 3}`, status: 'ok', produces: 'execute_result' };
  if (i % 100 === 99) return { code: '%release --all', status: 'ok', produces: 'stream' };
  return mix[i % mix.length]!();
}

export interface SoakReport {
  cells: number;
  seconds: number;
  cellsPerSecond: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  rssPeakMB: number;
  failures: string[];
}

const MB = 1024 * 1024;

/** Run cells 0..n-1; checks every message and returns the figures (failures listed, not thrown). */
export async function runSoak(k: KernelProcess, n: number, onProgress?: (i: number, r: SoakReport) => void): Promise<SoakReport> {
  const c = k.client;
  const failures: string[] = [];
  const pid = k.executorPid();
  const warm = await c.execute('1 + 1', { timeoutMs: 60_000 });
  let count = Number(warm.reply.content.execution_count);
  const rssBefore = rssBytes(pid);
  let peak = rssBefore;
  const t0 = Date.now();
  const report = (done: number): SoakReport => {
    const seconds = (Date.now() - t0) / 1000;
    return { cells: done, seconds, cellsPerSecond: done / seconds, rssBeforeMB: rssBefore / MB, rssAfterMB: rssBytes(pid) / MB, rssPeakMB: peak / MB, failures };
  };
  for (let i = 0; i < n; i++) {
    const cell = soakCell(i);
    const id = await c.submit(cell.code);
    const [reply, iopub] = await Promise.all([c.reply(id, 120_000), c.iopubFor(id, 120_000)]);
    const fail = (why: string) => failures.push(`cell ${i} (${cell.code.slice(0, 60)}): ${why}`);
    if (reply.parent_header.msg_id !== id) fail('reply parent');
    if (reply.content.status !== cell.status) fail(`status ${String(reply.content.status)} ${JSON.stringify(reply.content).slice(0, 200)}`);
    const first = iopub[0], last = iopub[iopub.length - 1];
    const state = (m: JupyterMessage | undefined) => (m?.header.msg_type === 'status' ? m.content.execution_state : undefined);
    if (state(first) !== 'busy' || state(last) !== 'idle') fail(`status pair ${String(state(first))}..${String(state(last))}`);
    if (iopub.filter((m) => m.header.msg_type === 'status').length !== 2) fail('more than one busy/idle pair');
    if (iopub.some((m) => m.parent_header.msg_id !== id)) fail('iopub parent');
    if (cell.produces && !iopub.some((m) => m.header.msg_type === cell.produces)) fail(`no ${cell.produces}`);
    const ec = Number(reply.content.execution_count);
    if (ec !== count + 1) fail(`execution_count ${ec} after ${count}`);
    count = ec;
    if (i % 50 === 0) peak = Math.max(peak, rssBytes(pid));
    if (onProgress && i % 1000 === 999) onProgress(i + 1, report(i + 1));
    if (failures.length > 20) break;
  }
  if (k.executorPid() !== pid) failures.push('the executor process was replaced during the soak');
  await c.execute('%release --all');
  const r = report(n);
  r.rssPeakMB = Math.max(peak, rssBytes(pid)) / MB;
  return r;
}
