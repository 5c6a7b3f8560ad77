// bwvm's kernel behind a real Jupyter notebook server, driven from TypeScript with
// @jupyterlab/services (REST + websocket): execute, magics, iopub, interrupt, restart, shutdown.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from '@jupyterlab/services';
import WebSocket from 'ws';
import { describeWith } from '../support/prereqs.js';
import { jupyterEnv, startNotebookServer, type JupyterEnv, type NotebookServer } from './jupyter-env.js';

/** The kernel under test and the code it runs (python3 is kept for developing this test). */
const LANG = {
  bwvm: { declare: 'let kept = 41;', use: 'console.log(kept + 1)', magic: '%time kept * 2', loop: 'while (true) {}', value: 'kept', gone: 'typeof kept' },
  python3: { declare: 'kept = 41', use: 'print(kept + 1)', magic: '%time kept * 2', loop: 'while True: pass', value: 'kept', gone: "'kept' in dir()" },
} as const;
const KERNEL = 'bwvm' as 'bwvm' | 'python3';
const L = LANG[KERNEL];

interface Ran { reply: KernelMessage.IExecuteReplyMsg['content']; stdout: string; results: string[]; types: string[] }

async function run(kernel: Kernel.IKernelConnection, code: string, onBusy?: () => void): Promise<Ran> {
  const out: Ran = { reply: undefined as never, stdout: '', results: [], types: [] };
  const future = kernel.requestExecute({ code });
  future.onIOPub = (msg) => {
    out.types.push(msg.header.msg_type);
    const c = msg.content as Record<string, unknown>;
    if (msg.header.msg_type === 'status' && c.execution_state === 'busy') onBusy?.();
    if (msg.header.msg_type === 'stream') out.stdout += String(c.text);
    if (msg.header.msg_type === 'execute_result') out.results.push(String((c.data as Record<string, unknown>)['text/plain']));
  };
  out.reply = (await future.done).content;
  return out;
}

describeWith(['jupyter'], 'bwvm kernel through a Jupyter server (@jupyterlab/services)', () => {
  let je: JupyterEnv;
  let server: NotebookServer | undefined;
  let km: KernelManager;
  let kernel: Kernel.IKernelConnection;

  beforeAll(async () => {
    je = jupyterEnv();
    server = await startNotebookServer(je);
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: server.url, wsUrl: server.url.replace(/^http/, 'ws'), token: server.token, appendToken: true,
      fetch, Request, Headers, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    km = new KernelManager({ serverSettings });
    await km.ready;
    kernel = await km.startNew({ name: KERNEL });
  });

  afterAll(async () => {
    km?.dispose();
    await server?.stop();
    je?.cleanup();
  });

  it('executes code and reads its iopub output', async () => {
    const info = await kernel.info;
    expect(info.status).toBe('ok');
    expect((await run(kernel, L.declare)).reply.status).toBe('ok');
    const r = await run(kernel, L.use);
    expect(r.reply.status).toBe('ok');
    expect(r.stdout).toBe('42\n');
    expect(r.types).toContain('execute_input');
  });

  it('runs a magic', async () => {
    const r = await run(kernel, L.magic);
    expect(r.reply.status).toBe('ok');
    expect(r.results.join('') + r.stdout).toMatch(/82/);
    expect(r.stdout).toMatch(/Wall time|wall/i);
  });

  it('interrupts a runaway loop and keeps the state', async () => {
    let busy!: () => void;
    const started = new Promise<void>((resolve) => { busy = resolve; });
    const pending = run(kernel, L.loop, busy);
    await started;
    await new Promise((r) => setTimeout(r, 300));
    await kernel.interrupt();
    const r = await pending;
    expect(r.reply.status).toBe('error');
    const after = await run(kernel, L.value);
    expect(after.results).toEqual(['41']);
  });

  it('restarts with fresh state, then shuts down', async () => {
    await kernel.restart();
    // the server re-subscribes to the new process's iopub asynchronously (ZeroMQ slow joiner):
    // like Jupyter's own front ends, wait until a probe cell's output arrives before asserting
    for (let i = 0; i < 40; i++) {
      if ((await run(kernel, '1 + 1')).results.length > 0) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    const r = await run(kernel, L.gone);
    expect(r.results).toEqual([KERNEL === 'bwvm' ? "'undefined'" : 'False']);
    await kernel.shutdown();
    expect(kernel.isDisposed || kernel.status === 'dead').toBe(true);
  });
});
