// KernelServer over real ZeroMQ with a FakeExecutor: kernel_info, busy/idle ordering and parents,
// execute with each event type, errors, silent/store_history, user_expressions, introspection,
// history, comms, heartbeat, binding only the connection file's ip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { startHarness, type Harness } from './support/kernel-harness.js';

const types = (ms: { header: { msg_type: string } }[]) => ms.map((m) => m.header.msg_type);

describe('KernelServer (real zmq, fake executor)', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h.stop(); });

  it('answers kernel_info with the TypeScript language_info, protocol 5.3, busy then idle', async () => {
    const { reply, iopub } = await h.client.request('shell', 'kernel_info_request', {});
    expect(reply.header.msg_type).toBe('kernel_info_reply');
    expect(reply.header.version).toBe('5.3');
    const c = reply.content as Record<string, any>;
    expect(c.status).toBe('ok');
    expect(c.protocol_version).toBe('5.3');
    expect(c.implementation).toBe('bwvm');
    expect(c.implementation_version).toBe('0.0.0-test');
    expect(c.language_info).toEqual({ name: 'typescript', version: '5.9.0', mimetype: 'text/typescript', file_extension: '.ts', pygments_lexer: 'typescript', codemirror_mode: 'text/typescript' });
    expect(c.help_links.length).toBeGreaterThan(0);
    expect(typeof c.banner).toBe('string');
    expect(iopub.map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
    expect(iopub.every((m) => m.parent_header.msg_id === reply.parent_header.msg_id)).toBe(true);
  });

  it('answers kernel_info on control too, with busy/idle parented to the control request', async () => {
    const { reply, iopub } = await h.client.request('control', 'kernel_info_request', {});
    expect(reply.content.protocol_version).toBe('5.3');
    expect(types(iopub)).toEqual(['status', 'status']);
  });

  it('publishes busy, execute_input, every event type in order, idle; replies ok with the count', async () => {
    const code = ['print hi', 'eprint oops', 'display text/html <b>x</b>', 'displayid d1 one', 'update d1 two', 'clear wait', 'comm c9 tgt', 'result 42'].join('\n');
    const before = h.server.executionCount;
    const r = await h.client.execute(code);
    const n = before + 1;
    expect(r.reply.content).toMatchObject({ status: 'ok', execution_count: n, user_expressions: {}, payload: [] });
    expect(types(r.iopub)).toEqual(['status', 'execute_input', 'stream', 'stream', 'display_data', 'display_data', 'update_display_data', 'clear_output', 'comm_open', 'execute_result', 'status']);
    expect(r.iopub[0]!.content.execution_state).toBe('busy');
    expect(r.iopub.at(-1)!.content.execution_state).toBe('idle');
    expect(r.iopub[1]!.content).toEqual({ code, execution_count: n });
    expect(r.iopub[2]!.content).toEqual({ name: 'stdout', text: 'hi\n' });
    expect(r.iopub[3]!.content).toEqual({ name: 'stderr', text: 'oops\n' });
    expect(r.iopub[4]!.content).toEqual({ data: { 'text/html': '<b>x</b>' }, metadata: {}, transient: {} });
    expect(r.iopub[5]!.content).toMatchObject({ transient: { display_id: 'd1' } });
    expect(r.iopub[6]!.content).toEqual({ data: { 'text/plain': 'two' }, metadata: {}, transient: { display_id: 'd1' } });
    expect(r.iopub[7]!.content).toEqual({ wait: true });
    expect(r.iopub[8]!.content).toEqual({ comm_id: 'c9', target_name: 'tgt', data: {} });
    expect(r.iopub[9]!.content).toEqual({ execution_count: n, data: { 'text/plain': '42' }, metadata: {} });
    const parent = r.reply.parent_header.msg_id;
    expect(r.iopub.every((m) => m.parent_header.msg_id === parent)).toBe(true);
  });

  it('publishes an error and replies status error with ename/evalue/traceback', async () => {
    const r = await h.client.execute('print before\nfail TypeError x is not a function');
    expect(r.reply.content).toMatchObject({ status: 'error', ename: 'TypeError', evalue: 'x is not a function' });
    expect(r.reply.content.traceback).toEqual(['TypeError: x is not a function', '    at cell:1']);
    expect(types(r.outputs)).toEqual(['stream', 'error']);
    expect(r.outputs[1]!.content).toEqual({ ename: 'TypeError', evalue: 'x is not a function', traceback: ['TypeError: x is not a function', '    at cell:1'] });
  });

  it('turns an executor that throws into an error reply, and keeps serving', async () => {
    const r = await h.client.execute('throw executor exploded');
    expect(r.reply.content).toMatchObject({ status: 'error', evalue: 'executor exploded' });
    expect(types(r.outputs)).toEqual(['error']);
    expect((await h.client.execute('print alive')).reply.content.status).toBe('ok');
  });

  it('silent: no execute_input, no execute_result, count unchanged, not in history', async () => {
    const before = h.server.executionCount;
    const r = await h.client.execute('print visible\nresult hidden', { silent: true });
    expect(types(r.iopub)).toEqual(['status', 'stream', 'status']);
    expect(r.reply.content.execution_count).toBe(before);
    expect(h.server.executionCount).toBe(before);
    expect(h.executor.requests.at(-1)).toMatchObject({ silent: true, storeHistory: false });
  });

  it('store_history=false: execute_input and result still published, count unchanged', async () => {
    const before = h.server.executionCount;
    const r = await h.client.execute('result 7', { store_history: false });
    expect(types(r.iopub)).toEqual(['status', 'execute_input', 'execute_result', 'status']);
    expect(r.reply.content.execution_count).toBe(before);
    const after = await h.client.execute('result 8');
    expect(after.reply.content.execution_count).toBe(before + 1);
  });

  it('passes user_expressions through and returns their results', async () => {
    const r = await h.client.execute('print x', { user_expressions: { a: 'abc' } });
    expect(r.reply.content.user_expressions).toEqual({ a: { status: 'ok', data: { 'text/plain': 'ABC' }, metadata: {} } });
  });

  it('returns a page payload from the executor in execute_reply', async () => {
    const r = await h.client.execute('page some help');
    expect(r.reply.content.payload).toEqual([{ source: 'page', data: { 'text/plain': 'some help' }, start: 0 }]);
  });

  it('answers complete, inspect and is_complete from the executor', async () => {
    const c = await h.client.request('shell', 'complete_request', { code: 'x = pri', cursor_pos: 7 });
    expect(c.reply.header.msg_type).toBe('complete_reply');
    expect(c.reply.content).toEqual({ status: 'ok', matches: ['print', 'printf'], cursor_start: 4, cursor_end: 7, metadata: {} });
    const i = await h.client.request('shell', 'inspect_request', { code: 'print', cursor_pos: 3, detail_level: 0 });
    expect(i.reply.content).toMatchObject({ status: 'ok', found: true, data: { 'text/plain': expect.stringContaining('stdout') } });
    const ic = async (code: string) => (await h.client.request('shell', 'is_complete_request', { code })).reply.content;
    expect(await ic('print 1')).toEqual({ status: 'complete' });
    expect(await ic('if (x) {')).toEqual({ status: 'incomplete', indent: '  ' });
    expect(await ic(')')).toEqual({ status: 'invalid' });
  });

  it('answers history tail, range (with output) and search (glob, unique, n)', async () => {
    for (const code of ['result alpha', 'result beta', 'result alpha']) await h.client.execute(code);
    const hist = async (content: Record<string, unknown>) => (await h.client.request('shell', 'history_request', { output: false, raw: true, ...content })).reply.content;
    const tail = await hist({ hist_access_type: 'tail', n: 3 });
    expect(tail.status).toBe('ok');
    const rows = tail.history as [number, number, string][];
    expect(rows.map((r) => r[2])).toEqual(['result alpha', 'result beta', 'result alpha']);
    const [session, start] = rows[0]!;
    const range = (await hist({ hist_access_type: 'range', session, start, stop: start + 1, output: true })).history as unknown[];
    expect(range).toEqual([[session, start, ['result alpha', 'alpha']]]);
    const search = (await hist({ hist_access_type: 'search', pattern: 'result a*' })).history as unknown[];
    expect(search.length).toBeGreaterThanOrEqual(2);
    expect((await hist({ hist_access_type: 'search', pattern: 'result a*', unique: true })).history).toEqual([[session, start + 2, 'result alpha']]);
    expect(((await hist({ hist_access_type: 'search', pattern: 'result *', n: 2 })).history as unknown[]).length).toBe(2);
    // store_history=false and silent cells are not recorded.
    await h.client.execute('result unrecorded', { store_history: false });
    await h.client.execute('result quiet', { silent: true });
    expect(((await hist({ hist_access_type: 'tail', n: 3 })).history as [number, number, string][]).map((r) => r[2])).toEqual(['result alpha', 'result beta', 'result alpha']);
  });

  it('handles comm_open / comm_msg / comm_close and comm_info, each with busy/idle', async () => {
    const open = await h.client.send('shell', 'comm_open', { comm_id: 'k1', target_name: 'jupyter.widget', data: { a: 1 } });
    expect(types(await h.client.iopubFor(open))).toEqual(['status', 'status']);
    const info = await h.client.request('shell', 'comm_info_request', { target_name: 'jupyter.widget' });
    expect(info.reply.content).toEqual({ status: 'ok', comms: { k1: { target_name: 'jupyter.widget' } } });
    const msg = await h.client.send('shell', 'comm_msg', { comm_id: 'k1', data: { x: 2 } });
    const msgIopub = await h.client.iopubFor(msg);
    expect(types(msgIopub)).toEqual(['status', 'comm_msg', 'status']);
    expect(msgIopub[1]!.content).toEqual({ comm_id: 'k1', data: { echo: { x: 2 } } });
    const close = await h.client.send('shell', 'comm_close', { comm_id: 'k1', data: {} });
    await h.client.iopubFor(close);
    expect(h.executor.commLog).toEqual(['open k1 jupyter.widget {"a":1}', 'msg k1 {"x":2}', 'close k1 {}']);
    expect((await h.client.request('shell', 'comm_info_request', {})).reply.content.comms).toEqual({});
  });

  it('echoes heartbeats', async () => {
    expect((await h.client.heartbeat('beat-1')).toString()).toBe('beat-1');
  });

  it('drops an unknown msg_type with a log line and keeps serving', async () => {
    await h.client.send('shell', 'frobnicate_request', {});
    await h.client.request('shell', 'kernel_info_request', {});
    expect(h.logs.some((l) => l.includes("unknown msg_type 'frobnicate_request'"))).toBe(true);
  });

  it('binds only the connection file ip (127.0.0.2 is refused)', async () => {
    const tryConnect = (host: string) => new Promise<boolean>((resolve) => {
      const s = connect({ host, port: h.info.shell_port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    expect(await tryConnect('127.0.0.1')).toBe(true);
    expect(await tryConnect('127.0.0.2')).toBe(false);
  });
});
