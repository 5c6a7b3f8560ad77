// ChildExecutor against a real forked executor process (dist/, so `npm run build` first):
// round trips with streams, interrupts of runaway loops and hanging awaits with state kept,
// process.exit, an externally killed child, a stuck child replaced, restart, input.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecuteOutcome, ExecutorEvent, RequestContext } from '../../src/jupyter/executor-api.js';
import { ChildExecutor } from '../../src/main/executor-proxy.js';
import { packageRoot } from '../../src/repl/modules.js';

const req = (code: string) => ({ code, silent: false, storeHistory: true, userExpressions: {}, allowStdin: true, executionCount: 1 });

/** A request context recording events; `waitFor` resolves when some stdout contains `text`. */
function recorder(answer = 'forty-two') {
  const events: ExecutorEvent[] = [];
  const prompts: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  const stdout = () => events.flatMap((e) => (e.type === 'stream' && e.name === 'stdout' ? [e.text] : [])).join('');
  const ctx: RequestContext = {
    emit: (ev) => {
      events.push(ev);
      for (const w of waiters.filter((w) => stdout().includes(w.text))) w.resolve();
    },
    input: async (prompt) => {
      prompts.push(prompt);
      return answer;
    },
  };
  const waitFor = (text: string) => new Promise<void>((resolve) => {
    if (stdout().includes(text)) resolve();
    else waiters.push({ text, resolve });
  });
  const result = () => events.find((e) => e.type === 'execute_result') as Extract<ExecutorEvent, { type: 'execute_result' }> | undefined;
  return { ctx, events, prompts, stdout, waitFor, result };
}

async function valueOf(ex: ChildExecutor, code: string): Promise<unknown> {
  const r = recorder();
  const out = await ex.execute(req(code), r.ctx);
  expect(out, JSON.stringify(out)).toMatchObject({ status: 'ok' });
  return r.result()?.data['text/plain'];
}

describe('ChildExecutor', () => {
  let ex: ChildExecutor;
  beforeAll(async () => {
    expect(existsSync(join(packageRoot(), 'dist', 'main', 'executor-child.js')), 'run `npm run build` first').toBe(true);
    ex = new ChildExecutor({ interruptGraceMs: 10_000 });
    await ex.ready();
  });
  afterAll(async () => {
    await ex?.shutdown();
  });

  it('runs a cell: stream output in order, then the value', async () => {
    const r = recorder();
    const out = await ex.execute(req('console.log("one"); console.error("two"); console.log("three")\n6 * 7'), r.ctx);
    expect(out.status).toBe('ok');
    const streams = r.events.filter((e) => e.type === 'stream').map((e) => (e as { text: string }).text);
    expect(streams.join('')).toBe('one\ntwo\nthree\n');
    expect(r.result()?.data['text/plain']).toBe('42');
    expect(await ex.isComplete('foo(')).toMatchObject({ status: 'incomplete' });
    expect((await ex.complete('Math.ma', 7)).matches).toContain('max');
    const info = await ex.inspect('Math.max', 6, 0);
    expect(info.data['text/plain']).toContain('max(...values: number[]): number');
  });

  it('interrupts a runaway synchronous loop and keeps the state', async () => {
    await valueOf(ex, 'const keptVar = 7');
    const pid = ex.pid;
    const r = recorder();
    const running = ex.execute(req('console.log("looping")\nwhile (true) {}'), r.ctx);
    await r.waitFor('looping');
    await ex.interrupt();
    const out = await running;
    expect(out).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
    expect(ex.pid).toBe(pid);
    expect(await valueOf(ex, 'keptVar')).toBe('7');
  });

  it('interrupts a top-level await that never settles', async () => {
    const r = recorder();
    const running = ex.execute(req('console.log("waiting")\nawait new Promise(() => {})'), r.ctx);
    await r.waitFor('waiting');
    await ex.interrupt();
    expect(await running).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
    expect(await valueOf(ex, 'keptVar + 1')).toBe('8');
  });

  it('ignores SIGINT while idle, and repeated interrupts stop a cell once', async () => {
    await valueOf(ex, 'const idleVar = 3');
    const pid = ex.pid!;
    process.kill(pid, 'SIGINT');
    process.kill(pid, 'SIGINT');
    expect(await valueOf(ex, 'idleVar')).toBe('3');
    expect(ex.pid).toBe(pid);
    const r = recorder();
    const running = ex.execute(req('console.log("spin")\nwhile (true) {}'), r.ctx);
    await r.waitFor('spin');
    await Promise.all([ex.interrupt(), ex.interrupt(), ex.interrupt()]);
    const out = await running;
    expect(out, JSON.stringify(out)).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
    expect(await valueOf(ex, 'idleVar')).toBe('3');
    expect(ex.pid).toBe(pid);
  });

  it('process.exit in a cell is an error, and nothing exits', async () => {
    const pid = ex.pid;
    const out = await ex.execute(req('process.exit(2)'), recorder().ctx);
    expect(out).toMatchObject({ status: 'error', ename: 'ProcessExitError' });
    expect(ex.pid).toBe(pid);
    expect(await valueOf(ex, 'keptVar')).toBe('7');
  });

  it('input() round trip through the kernel', async () => {
    const r = recorder('Ada');
    const out = await ex.execute(req('const who = await input("name? ");\n`hi ${who}`'), r.ctx);
    expect(out.status).toBe('ok');
    expect(r.prompts).toEqual(['name? ']);
    expect(r.result()?.data['text/plain']).toContain('hi Ada');
  });

  it('a child killed during a request ends it with a clear error; the next request works', async () => {
    const pid = ex.pid!;
    const r = recorder();
    const running = ex.execute(req('console.log("started")\nawait new Promise((r) => setTimeout(r, 60_000))'), r.ctx);
    await r.waitFor('started');
    process.kill(pid, 'SIGKILL');
    const out: ExecuteOutcome = await running;
    expect(out.status).toBe('error');
    expect(out.evalue).toMatch(/exited with signal SIGKILL.*state was lost.*fresh/);
    expect(await valueOf(ex, '1 + 1')).toBe('2');
    expect(ex.pid).not.toBe(pid);
    expect(await valueOf(ex, 'typeof keptVar')).toBe("'undefined'");
  });

  it('an exception thrown later by a callback is reported, and the child lives on', async () => {
    const pid = ex.pid;
    const r = recorder();
    await ex.execute(req('setTimeout(() => { throw new Error("late boom") }, 10)\nPromise.reject(new Error("nobody catches"));'), r.ctx);
    const stderr = () => r.events.flatMap((e) => (e.type === 'stream' && e.name === 'stderr' ? [e.text] : [])).join('');
    await expect.poll(stderr, { timeout: 10_000 }).toContain('late boom');
    await expect.poll(stderr, { timeout: 10_000 }).toContain('nobody catches');
    expect(await valueOf(ex, '"still here"')).toBe("'still here'");
    expect(ex.pid).toBe(pid);
  });

  it('restart drops all state', async () => {
    await valueOf(ex, 'const beforeRestart = 1');
    await ex.restart();
    expect(await valueOf(ex, 'typeof beforeRestart')).toBe("'undefined'");
  });
});

describe('ChildExecutor with a child stuck outside the interruptible context', () => {
  it('kills it after the grace period, reports the lost state, and starts a fresh one', async () => {
    const ex = new ChildExecutor({ interruptGraceMs: 300 });
    try {
      await ex.ready();
      const pid = ex.pid;
      const r = recorder();
      // execSync blocks inside Node's C++ code, where breakOnSigint cannot stop it.
      const running = ex.execute(req('console.log("blocked")\nrequire("node:child_process").execSync("sleep 3")'), r.ctx);
      await r.waitFor('blocked');
      await ex.interrupt();
      const out = await running;
      expect(out).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
      expect(out.evalue).toMatch(/did not stop.*state was lost/);
      expect(await valueOf(ex, '"alive"')).toBe("'alive'");
      expect(ex.pid).not.toBe(pid);
    } finally {
      await ex.shutdown();
    }
  });
});

describe('the executor process outlives nothing', () => {
  it('exits when the kernel process dies', async () => {
    const proxy = join(packageRoot(), 'dist', 'main', 'executor-proxy.js');
    const script = `const { ChildExecutor } = await import(${JSON.stringify(proxy)}); const ex = new ChildExecutor(); await ex.ready(); console.log(ex.pid); setInterval(() => {}, 1000);`;
    const kernel = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve) => kernel.stdout!.once('data', (b) => resolve(Number(String(b).trim()))));
    const alive = () => { try { process.kill(childPid, 0); return true; } catch { return false; } };
    expect(alive()).toBe(true);
    kernel.kill('SIGKILL');
    await expect.poll(alive, { timeout: 20_000, interval: 100 }).toBe(false);
  });
});
