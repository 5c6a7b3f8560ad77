// The in-process cell runner on the fake Repl: segments in order with cell line offsets,
// execute_result, error replies, user_expressions, interrupts, stdin, session.magic, restart.
import { describe, expect, it } from 'vitest';
import type { MagicFamily } from '../../src/magics/types.js';
import { MagicOutput } from '../../src/magics/types.js';
import { BwvmError } from '../../src/util/errors.js';
import { makeExecutor, resultText, run } from './support/harness.js';

const slow: MagicFamily = {
  name: 'test.slow',
  magics: [
    {
      name: 'spin', kind: 'line', summary: 'waits until interrupted (checks the signal)', usage: '%spin', flags: [], positionals: [],
      async run(_a, ctx) {
        for (;;) {
          ctx.signal.throwIfAborted();
          await new Promise((r) => setTimeout(r, 5));
        }
      },
    },
    {
      name: 'deaf', kind: 'line', summary: 'waits forever ignoring the signal', usage: '%deaf', flags: [], positionals: [],
      run: () => new Promise(() => undefined),
    },
    {
      name: 'answer', kind: 'both', summary: 'returns 42 (or the body length)', usage: '%answer', flags: [{ name: 'hide', type: 'boolean', help: 'store only' }], positionals: [],
      run: (a) => (a.bool('hide') ? new MagicOutput(42) : a.body !== undefined ? a.body.length : 42),
    },
    {
      name: 'fail', kind: 'line', summary: 'throws', usage: '%fail', flags: [], positionals: [],
      run: () => { throw new BwvmError('test-fail', 'it failed', { hint: 'do not call %fail' }); },
    },
  ],
};

describe('InProcessExecutor.execute', () => {
  it('runs TS chunks and magics in order and shows the last value', async () => {
    const { exec, repl } = makeExecutor({ families: [slow] });
    const r = await run(exec, 'var a = 2\nconsole.log("hi", a)\n%answer\nvar b = a * 3\n\nb + 1');
    expect(r.outcome.status).toBe('ok');
    expect(r.stdout).toBe('hi 2\n');
    expect(resultText(r)).toBe('7');
    expect(repl.evaluated.map((e) => [e.code, e.lineOffset])).toEqual([['var a = 2\nconsole.log("hi", a)', 0], ['var b = a * 3\n\nb + 1', 3]]);
    expect(exec.session.results.answer).toBe(42);
    expect(exec.session.last).toBe(42);
  });
  it('a magic last in the cell gives the execute_result; MagicOutput stores without showing', async () => {
    const { exec } = makeExecutor({ families: [slow] });
    expect(resultText(await run(exec, '1\n%answer'))).toBe('42');
    const hidden = await run(exec, '%answer --hide');
    expect(hidden.result).toBeUndefined();
    expect(exec.session.results.answer).toBe(42);
    expect(resultText(await run(exec, '%%answer\nabc'))).toBe('3');
  });
  it('statements and silent requests give no execute_result', async () => {
    const { exec } = makeExecutor();
    expect((await run(exec, 'var q = 1')).result).toBeUndefined();
    expect((await run(exec, '1 + 1', { silent: true })).result).toBeUndefined();
    expect((await run(exec, 'display(5)')).result).toBeUndefined();
  });
  it('a Repl error keeps its cell line traceback and stops the cell', async () => {
    const { exec, repl } = makeExecutor();
    const r = await run(exec, 'var z = 1\n%env BWVM_T1=1\n\nnope()\n%env BWVM_T2=2');
    expect(r.outcome).toMatchObject({ status: 'error', ename: 'ReferenceError' });
    expect(r.outcome.traceback!.join('\n')).toContain('cell:4');
    expect(process.env.BWVM_T1).toBe('1');
    expect(process.env.BWVM_T2).toBeUndefined();
    delete process.env.BWVM_T1;
    expect(repl.evaluated.at(-1)).toEqual({ code: 'nope()', lineOffset: 3 });
  });
  it('a BwvmError from a magic names the code, hint and cell line', async () => {
    const { exec } = makeExecutor({ families: [slow] });
    const r = await run(exec, '1\n2\n%fail');
    expect(r.outcome).toMatchObject({ status: 'error', ename: 'BwvmError', evalue: 'it failed' });
    expect(r.outcome.traceback).toEqual(['BwvmError [test-fail]: it failed', '  hint: do not call %fail', '  at %fail (cell line 3)']);
  });
  it('unknown magics and flags become error replies listing valid names', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%timit 1');
    expect(r.outcome.status).toBe('error');
    expect(r.outcome.traceback!.join('\n')).toMatch(/unknown magic %timit\. Did you mean %timeit\b/);
    const f = await run(exec, '%timeit --bogus 1');
    expect(f.outcome.traceback!.join('\n')).toContain('valid flags: -n/--number, -r/--repeat, -q/--quiet');
    const c = await run(exec, 'x\n%%time\ny');
    expect(c.outcome.evalue).toContain('must be the first line');
  });
  it('plain thrown values and errors become error replies too', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, 'throw 5');
    expect(r.outcome.status).toBe('error');
    expect(r.outcome.ename).toBe('Error');
  });
  it('evaluates user_expressions after an ok cell', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, 'var u = 6', { userExpressions: { a: 'u * 7', b: 'missing.x' } });
    expect(r.outcome.userExpressions.a).toEqual({ status: 'ok', data: { 'text/plain': '42' }, metadata: {} });
    expect(r.outcome.userExpressions.b).toMatchObject({ status: 'error', ename: 'ReferenceError' });
    const bad = await run(exec, 'nope()', { userExpressions: { a: '1' } });
    expect(bad.outcome.userExpressions).toEqual({});
  });
  it('interrupt stops a magic that checks its signal', { timeout: 5000 }, async () => {
    const { exec } = makeExecutor({ families: [slow] });
    const p = run(exec, '%spin');
    await new Promise((r) => setTimeout(r, 50));
    await exec.interrupt();
    const r = await p;
    expect(r.outcome).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
    expect((await run(exec, '1+1')).outcome.status).toBe('ok');
  });
  it('interrupt ends the cell even when the magic ignores the signal', { timeout: 5000 }, async () => {
    const { exec } = makeExecutor({ families: [slow] });
    const p = run(exec, '%deaf\nvar never = 1');
    await new Promise((r) => setTimeout(r, 20));
    await exec.interrupt();
    const r = await p;
    expect(r.outcome.ename).toBe('KeyboardInterrupt');
    expect(r.outcome.traceback).toContain('  at %deaf (cell line 1)');
  });
  it('interrupt stops a long %timeit within the test timeout', { timeout: 5000 }, async () => {
    const { exec } = makeExecutor();
    const p = run(exec, '%timeit -n 100000 -r 50 await new Promise((r) => setTimeout(r, 1))');
    await new Promise((r) => setTimeout(r, 100));
    await exec.interrupt();
    expect((await p).outcome.ename).toBe('KeyboardInterrupt');
  });
  it('input() asks the front end, or explains when stdin is not allowed', async () => {
    const { exec } = makeExecutor();
    const ok = await run(exec, 'await input("name? ")', { allowStdin: true, input: async (p) => `<${p}>` });
    expect(resultText(ok)).toBe("'<name? >'");
    const no = await run(exec, 'await prompt("x")');
    expect(no.outcome).toMatchObject({ status: 'error', ename: 'BwvmError' });
    expect(no.outcome.evalue).toContain('allow_stdin=false');
  });
  it('session.magic runs a magic from TypeScript and returns its result', async () => {
    const { exec } = makeExecutor({ families: [slow] });
    const r = await run(exec, "var got = await session.magic('%answer')\ngot + 1");
    expect(resultText(r)).toBe('43');
    const t = await run(exec, "(await session.magic('timeit', '-n 2 -r 2 -q 1 + 1')).loops");
    expect(resultText(t)).toBe('2');
    expect(exec.session.results.timeit).toMatchObject({ loops: 2, repeat: 2 });
  });
  it('restart drops user state and results but keeps the globals', async () => {
    const { exec } = makeExecutor({ families: [slow] });
    await run(exec, 'var keep = 1\n%answer');
    await exec.restart();
    expect((await run(exec, 'keep')).outcome.ename).toBe('ReferenceError');
    expect(exec.session.results.answer).toBeUndefined();
    expect(resultText(await run(exec, 'typeof display + typeof session.magic'))).toBe("'functionfunction'");
  });
});
