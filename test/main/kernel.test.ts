// The real kernel process (`bwvm kernel -f`, built dist/, ChildExecutor running TypeScript cells)
// over real zmq: kernel_info, output, errors, both interrupt paths (interrupt_request and SIGINT
// to the process, which must survive), and shutdown ending the process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newConnectionInfo, writeConnectionFile, type ConnectionInfo } from '../../src/jupyter/connection.js';
import { BWVM_BIN, ensureBuilt, ROOT } from '../conformance/build.js';
import { JupyterClient } from '../support/jupyter-client.js';

describe('bwvm kernel process (real zmq, real executor)', () => {
  let proc: ChildProcess;
  let client: JupyterClient;
  let info: ConnectionInfo;
  let log = '';
  let exit: Promise<number | null>;

  beforeAll(async () => {
    ensureBuilt();
    info = await newConnectionInfo();
    const file = join(mkdtempSync(join(tmpdir(), 'bwvm-kernel-')), 'conn.json');
    writeConnectionFile(file, info);
    proc = spawn(process.execPath, [BWVM_BIN, 'kernel', '-f', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (b) => { log += b; });
    proc.stderr!.on('data', (b) => { log += b; });
    exit = new Promise((r) => proc.on('exit', (code) => r(code)));
    client = await JupyterClient.connect(info, 60_000);
  }, 300_000);

  afterAll(() => {
    client?.close();
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  });

  it('answers kernel_info with language typescript and protocol 5.3', async () => {
    const { reply } = await client.request('shell', 'kernel_info_request', {});
    expect(reply.content).toMatchObject({ protocol_version: '5.3', implementation: 'bwvm', language_info: { name: 'typescript', file_extension: '.ts' } });
  });

  it('runs TypeScript cells: stdout, execute_result, errors', async () => {
    const out = await client.execute('console.log("hello, world")', { timeoutMs: 60_000 });
    expect(out.reply.content.status, log).toBe('ok');
    expect(out.outputs.filter((m) => m.header.msg_type === 'stream').map((m) => m.content.text).join('')).toBe('hello, world\n');
    const res = await client.execute('const n: number = 20; n + 22');
    expect(res.outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data).toMatchObject({ 'text/plain': '42' });
    const err = await client.execute('throw new TypeError("bad")');
    expect(err.reply.content).toMatchObject({ status: 'error', ename: 'TypeError', evalue: 'bad' });
  });

  it('interrupt_request stops a runaway loop; state survives', async () => {
    await client.execute('let kept = 7');
    const id = await client.submit('while (true) {}');
    await new Promise((r) => setTimeout(r, 500));
    const intr = await client.request('control', 'interrupt_request', {});
    expect(intr.reply.content.status).toBe('ok');
    expect((await client.reply(id, 30_000)).content.status).toBe('error');
    await client.iopubFor(id);
    const after = await client.execute('kept');
    expect(after.reply.content.status).toBe('ok');
  });

  it('SIGINT to the kernel process interrupts the cell and the kernel lives on', async () => {
    // ChildExecutor ignores a second interrupt while the grace timer (1 s) of the previous one is
    // pending (reported to its owner); keep this test independent of that.
    await new Promise((r) => setTimeout(r, 1500));
    const id = await client.submit('while (true) {}');
    await new Promise((r) => setTimeout(r, 500));
    proc.kill('SIGINT');
    expect((await client.reply(id, 30_000)).content.status).toBe('error');
    await client.iopubFor(id);
    expect(proc.exitCode).toBeNull();
    const r = await client.execute('console.log("alive")');
    expect(r.outputs.map((m) => m.content.text).join('')).toBe('alive\n');
  });

  it('shutdown_request ends the process with status 0', async () => {
    const r = await client.request('control', 'shutdown_request', { restart: false });
    expect(r.reply.content).toEqual({ status: 'ok', restart: false });
    expect(await exit).toBe(0);
  });
});
