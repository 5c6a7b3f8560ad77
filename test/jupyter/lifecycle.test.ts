// Request flow over real zmq with a FakeExecutor: stop_on_error aborting queued cells, control
// handled while shell is busy (interrupt_request), SIGINT interrupting instead of killing,
// stdin round trips, kernel_info before the executor is ready, shutdown and restart, and
// thousands of quick executes losing no message.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/kernel-harness.js';
import { FakeExecutor } from './support/fake-executor.js';

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('kernel request lifecycle (real zmq)', () => {
  let h: Harness | undefined;
  afterEach(async () => { await h?.stop(); h = undefined; });

  it('stop_on_error: execute_requests queued behind a failing cell are aborted without running', async () => {
    h = await startHarness();
    const { client, executor, server } = h;
    const base = server.stats.received.shell;
    const failing = await client.submit('gate g1\nfail Error boom');
    const q1 = await client.submit('print never1');
    const q2 = await client.submit('print never2');
    await until(() => server.stats.received.shell >= base + 3, 'the queued requests to arrive');
    executor.open('g1');
    expect((await client.reply(failing)).content.status).toBe('error');
    for (const id of [q1, q2]) {
      const r = await client.reply(id);
      expect(r.header.msg_type).toBe('execute_reply');
      expect(r.content.status).toBe('aborted');
      expect((await client.iopubFor(id)).map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
    }
    expect(executor.executed.filter((c) => c.includes('never'))).toEqual([]);
    // Abort mode ends with the queue: the next cell runs.
    expect((await client.execute('print after')).reply.content.status).toBe('ok');
    expect(executor.executed.at(-1)).toBe('print after');
  });

  it('stop_on_error=false: queued cells still run after a failure', async () => {
    h = await startHarness();
    const { client, executor, server } = h;
    const base = server.stats.received.shell;
    const failing = await client.submit('gate g2\nfail Error boom', { stop_on_error: false });
    const next = await client.submit('print runs');
    await until(() => server.stats.received.shell >= base + 2, 'the queued request');
    executor.open('g2');
    expect((await client.reply(failing)).content.status).toBe('error');
    expect((await client.reply(next)).content.status).toBe('ok');
    expect(executor.executed).toContain('print runs');
  });

  it('interrupt_request on control is handled while a long cell runs on shell', async () => {
    h = await startHarness();
    const { client, executor } = h;
    const long = await client.submit('print start\nblock');
    await until(() => executor.executed.includes('print start\nblock'), 'the cell to start');
    const intr = await client.request('control', 'interrupt_request', {});
    expect(intr.reply.header.msg_type).toBe('interrupt_reply');
    expect(intr.reply.content).toEqual({ status: 'ok' });
    expect(intr.iopub.map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
    expect(executor.interrupts).toBe(1);
    const reply = await client.reply(long);
    expect(reply.content).toMatchObject({ status: 'error', ename: 'Interrupted' });
    expect((await client.execute('print next')).reply.content.status).toBe('ok');
  });

  it('SIGINT to the kernel process interrupts the running cell and does not kill the process', async () => {
    h = await startHarness();
    const { client, executor, server } = h;
    const uninstall = server.installSignalHandlers();
    try {
      const long = await client.submit('block');
      await until(() => executor.executed.includes('block'), 'the cell to start');
      process.kill(process.pid, 'SIGINT');
      expect((await client.reply(long)).content).toMatchObject({ status: 'error', ename: 'Interrupted' });
      expect(executor.interrupts).toBe(1);
      expect((await client.execute('print still alive')).outputs[0]!.content.text).toBe('still alive\n');
    } finally {
      uninstall();
    }
  });

  it('stdin: input_request goes to the requesting client and the reply reaches the cell', async () => {
    h = await startHarness();
    const { client } = h;
    client.onInputRequest = (prompt, password) => `${prompt}|${password}`;
    const r = await client.execute('input Name?\npassword Secret?');
    expect(r.reply.content.status).toBe('ok');
    expect(r.outputs.map((m) => m.content.text)).toEqual(['got Name?|false\n', 'got Secret?|true\n']);
    expect(client.inputRequests.map((m) => m.content)).toEqual([{ prompt: 'Name?', password: false }, { prompt: 'Secret?', password: true }]);
    expect(client.inputRequests[0]!.parent_header.msg_id).toBe(r.reply.parent_header.msg_id);
  });

  it('stdin: input() with allow_stdin=false fails with a clear error instead of hanging', async () => {
    h = await startHarness();
    const r = await h.client.execute('input Name?', { allow_stdin: false });
    expect(r.reply.content.status).toBe('error');
    expect(String(r.reply.content.evalue)).toMatch(/allow_stdin is false/);
    expect(h.client.inputRequests).toEqual([]);
  });

  it('stdin: an interrupt fails a pending input()', async () => {
    h = await startHarness();
    const { client } = h;
    const id = await client.submit('input never answered');
    await until(() => client.inputRequests.length === 1, 'the input_request');
    await client.request('control', 'interrupt_request', {});
    expect((await client.reply(id)).content).toMatchObject({ status: 'error', ename: 'InputError' });
  });

  it('answers kernel_info before the executor is ready; executes once it is', async () => {
    const executor = new FakeExecutor();
    const openReady = executor.holdReady();
    h = await startHarness({ executor });
    const { client } = h;
    const exec = await client.submit('print ready now');
    const info = await client.request('shell', 'kernel_info_request', {});
    expect(info.reply.content.status).toBe('ok');
    expect(executor.executed).toEqual([]);
    openReady();
    expect((await client.reply(exec)).content.status).toBe('ok');
    expect(executor.executed).toEqual(['print ready now']);
  });

  it('shutdown_request restart=true restarts the executor in place and resets the count', async () => {
    h = await startHarness();
    const { client, executor, server } = h;
    await client.execute('print one');
    const r = await client.request('control', 'shutdown_request', { restart: true });
    expect(r.reply.content).toEqual({ status: 'ok', restart: true });
    expect(executor.restarts).toBe(1);
    expect(server.executionCount).toBe(0);
    expect((await client.execute('print two')).reply.content.execution_count).toBe(1);
  });

  it('shutdown_request restart=true with restartInPlace=false stops the server like a shutdown', async () => {
    h = await startHarness({ restartInPlace: false });
    const r = await h.client.request('control', 'shutdown_request', { restart: true });
    expect(r.reply.content).toEqual({ status: 'ok', restart: true });
    await h.server.done;
    expect(h.executor.restarts).toBe(0);
    expect(h.executor.shutdowns).toBe(1);
  });

  it.each(['control', 'shell'] as const)('shutdown_request on %s replies, publishes idle, then stops', async (channel) => {
    h = await startHarness();
    const r = await h.client.request(channel, 'shutdown_request', { restart: false });
    expect(r.reply.header.msg_type).toBe('shutdown_reply');
    expect(r.reply.content).toEqual({ status: 'ok', restart: false });
    expect(r.iopub.map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
    await h.server.done;
    expect(h.executor.shutdowns).toBe(1);
  });

  it('2,000 quick executes sent back to back: every one gets its reply, outputs and idle', async () => {
    h = await startHarness();
    const { client } = h;
    const N = 2000;
    const start = h.server.executionCount;
    const ids: string[] = [];
    for (let i = 0; i < N; i++) ids.push(await client.submit(`print cell ${i}\nresult ${i}`));
    for (let i = 0; i < N; i++) {
      const [reply, iopub] = await Promise.all([client.reply(ids[i]!), client.iopubFor(ids[i]!)]);
      expect(reply.content.status).toBe('ok');
      expect(iopub.map((m) => m.header.msg_type)).toEqual(['status', 'execute_input', 'stream', 'execute_result', 'status']);
      expect(iopub[2]!.content.text).toBe(`cell ${i}\n`);
      expect(iopub[3]!.content.data).toEqual({ 'text/plain': String(i) });
    }
    expect(h.server.executionCount).toBe(start + N);
    expect(h.executor.executed.length).toBe(N);
  });
});
