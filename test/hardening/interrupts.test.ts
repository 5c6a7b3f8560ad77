// Interrupting every long loop through the real kernel (interrupt_request on control, real zmq):
// %train, %sensitivity, %simulate of an %%asm spin loop, %timeit, a TypeScript busy loop and a
// never-settling await. Each cell ends with a KeyboardInterrupt error, the executor process is the
// same one (the loop stopped itself, it was not killed), and the session keeps its state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JupyterMessage } from '../../src/jupyter/wire.js';
import { startKernel, type KernelProcess } from './support/kernel-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('interrupting long work through the real kernel', () => {
  let k: KernelProcess;
  beforeAll(async () => {
    k = await startKernel();
    for (const code of ['const kept: number = 41', '%load_model lenet5 --no-graph', '%load_model vgg_small --no-graph']) {
      const r = await k.client.execute(code, { timeoutMs: 120_000 });
      expect(r.reply.content.status, `${code}\n${JSON.stringify(r.outputs)}\n${k.log()}`).toBe('ok');
    }
  }, 300_000);
  afterAll(async () => { await k?.stop(); });

  const textOf = (ms: JupyterMessage[]) => ms.map((m) => JSON.stringify(m.content)).join('\n');

  /** Submit `code`, wait until `started` sees one of its iopub messages, interrupt, collect. */
  async function interrupted(code: string, started: (m: JupyterMessage) => boolean) {
    const pid = k.executorPid();
    const id = await k.client.submit(code);
    const deadline = Date.now() + 120_000;
    while (!k.client.allIopub.some((m) => m.parent_header.msg_id === id && started(m))) {
      if (Date.now() > deadline) throw new Error(`${code}: never started\n${k.log()}`);
      await sleep(50);
    }
    await sleep(300);
    const intr = await k.client.request('control', 'interrupt_request', {});
    const reply = await k.client.reply(id, 60_000);
    const iopub = await k.client.iopubFor(id, 60_000);
    await sleep(1200); // past the kernel's interrupt grace timer, so tests stay independent
    expect(intr.reply.content.status).toBe('ok');
    expect(reply.content.status, textOf(iopub)).toBe('error');
    expect(reply.content.ename, textOf(iopub)).toBe('KeyboardInterrupt');
    expect(iopub.some((m) => m.header.msg_type === 'error' && m.content.ename === 'KeyboardInterrupt')).toBe(true);
    // The loop honoured the interrupt: no kill-and-respawn of the executor process.
    expect(k.executorPid(), k.log()).toBe(pid);
    return { reply, iopub };
  }

  async function ok(code: string) {
    const r = await k.client.execute(code, { timeoutMs: 120_000 });
    expect(r.reply.content.status, `${code}\n${textOf(r.outputs)}`).toBe('ok');
    return r;
  }
  const plain = (r: { outputs: JupyterMessage[] }) => r.outputs.map((m) => (m.content.text as string | undefined) ?? (m.content.data as Record<string, string> | undefined)?.['text/plain'] ?? '').join('');
  const isProgress = (m: JupyterMessage) => m.header.msg_type === 'update_display_data';
  const isInput = (m: JupyterMessage) => m.header.msg_type === 'execute_input';

  it('%train --epochs 50: stops, keeps the last good weights, the model still evaluates', async () => {
    await interrupted('%train --model lenet5 --epochs 50 --batch-size 16', isProgress);
    const ev = await ok('%evaluate --model lenet5 --limit 64');
    expect(plain(ev)).toMatch(/accuracy \d+\.\d+ %, loss \d+\.\d+ over 64 samples/);
    expect(plain(await ok('kept + 1'))).toBe('42');
  }, 240_000);

  it('%sensitivity on vgg_small: stops after some points and keeps the finished prefix', async () => {
    const { iopub } = await interrupted('%sensitivity --model vgg_small --ratios 0.1:0.9:0.1 --samples 8 --calib 8 --fresh',
      (m) => isProgress(m) && /keep 0\.\d+: acc/.test(JSON.stringify(m.content)));
    expect(textOf(iopub)).toMatch(/finished points are kept/);
    const r = await ok('(() => { const s = session.store.get({ kind: "sensitivity" } as any, "vgg_small") as any; return `${s.complete} ${s.curves.reduce((n: number, c: any) => n + c.points.length, 0)}` })()');
    const [complete, points] = plain(r).replace(/'/g, '').split(' ');
    expect(complete).toBe('false');
    expect(Number(points)).toBeGreaterThan(0);
    expect(Number(points)).toBeLessThan(6 * 9); // 6 conv layers x 9 ratios would be complete
    expect(plain(await ok('kept'))).toBe('41');
  }, 240_000);

  it('%simulate of an %%asm program that never halts: stops; the cycle limit faults clearly', async () => {
    await ok('%%asm --name spin\nspin:\n  nop\n  b spin\n');
    await interrupted('%simulate --program spin --max-cycles 1e15', isInput);
    const lim = await k.client.execute('%simulate --program spin --max-cycles 20000');
    expect(lim.reply.content.status).toBe('error');
    expect(textOf(lim.outputs)).toMatch(/SIM_CYCLE_LIMIT|no halt after 20000 cycles/);
    expect(plain(await ok('kept'))).toBe('41');
  }, 240_000);

  it('%timeit of a slow statement stops', async () => {
    await ok('function slow(): number { const t = Date.now(); let n = 0; while (Date.now() - t < 20) n++; return n }');
    await interrupted('%timeit -n 100000 -r 7 slow()', isInput);
    expect(plain(await ok('kept'))).toBe('41');
  }, 240_000);

  it('a TypeScript busy loop stops; state declared before survives', async () => {
    await interrupted('let spins = 0; while (true) { spins++ }', isInput);
    expect(plain(await ok('kept * 2'))).toBe('82');
  }, 240_000);

  it('a never-settling await stops', async () => {
    await interrupted('await new Promise<void>(() => {})', isInput);
    expect(plain(await ok('kept'))).toBe('41');
    const info = await k.client.request('shell', 'kernel_info_request', {});
    expect(info.reply.content.status).toBe('ok');
  }, 240_000);
});
