// complete / inspect / is_complete on cells with magics; TS parts delegated to the Repl masked.
import { describe, expect, it } from 'vitest';
import { maskMagics } from '../../src/magics/editing.js';
import { createRegistry } from '../../src/magics/table.js';
import { makeExecutor } from './support/harness.js';

describe('complete', () => {
  it('completes magic names after % and %%', async () => {
    const { exec } = makeExecutor();
    expect(await exec.complete('%ti', 3)).toEqual({ matches: expect.arrayContaining(['%time', '%timeit']), cursor_start: 0, cursor_end: 3, metadata: {} });
    expect((await exec.complete('%ti', 3)).matches.every((m) => m.startsWith('%ti'))).toBe(true);
    const code = 'x = 1\n  %%t';
    const r = await exec.complete(code, code.length);
    expect(r.matches).toEqual(expect.arrayContaining(['%%time', '%%timeit']));
    expect(r.matches.every((m) => m.startsWith('%%t'))).toBe(true);
    expect(r.cursor_start).toBe(8);
    expect((await exec.complete('%', 1)).matches).toEqual(expect.arrayContaining(['%cd', '%env', '%lsmagic']));
  });
  it('completes flags of the magic on the line', async () => {
    const { exec } = makeExecutor();
    const code = '%timeit -n 3 --re';
    expect(await exec.complete(code, code.length)).toEqual({ matches: ['--repeat'], cursor_start: 13, cursor_end: code.length, metadata: {} });
    expect((await exec.complete('%timeit -', 9)).matches).toEqual(['--number', '-n', '--repeat', '-r', '--quiet', '-q']);
  });
  it('delegates TypeScript to the Repl with magic lines blanked', async () => {
    const { exec, repl } = makeExecutor();
    repl.defineGlobals({ zebraCount: 1 });
    const code = '%env X=1\nzebr';
    const r = await exec.complete(code, code.length);
    expect(r.matches).toEqual(['zebraCount']);
    expect(r.metadata.code).toBe('        \nzebr');
  });
});

describe('maskMagics', () => {
  it('keeps TS bodies of %%time and TS args of %time, blanks the rest', () => {
    const reg = createRegistry();
    expect(maskMagics('%%time\nfoo()', reg)).toBe('      \nfoo()');
    expect(maskMagics('%%lsmagic\nfoo()', reg)).toBe('         \n     ');
    expect(maskMagics('a\n%time f(1)\ntimeit?', reg)).toBe('a\n      f(1)\n       ');
  });
});

describe('inspect', () => {
  it('gives magic help on a magic name, else asks the Repl', async () => {
    const { exec, repl } = makeExecutor();
    const r = await exec.inspect('%cd /tmp', 2, 0);
    expect(r.found).toBe(true);
    expect(r.data['text/plain']).toContain("%cd: change the kernel's working directory");
    expect((await exec.inspect('%nosuch', 3, 0)).found).toBe(false);
    repl.defineGlobals({ llama: 3 });
    expect((await exec.inspect('%env A=1\nllama', 12, 0)).data['text/plain']).toBe('llama: 3');
  });
});

describe('isComplete', () => {
  it('magic lines are complete; TS decides otherwise; cell magics end with a blank line', async () => {
    const { exec } = makeExecutor();
    expect(await exec.isComplete('%lsmagic')).toEqual({ status: 'complete' });
    expect((await exec.isComplete('%env A=1\nfunction f() {')).status).toBe('incomplete');
    expect((await exec.isComplete('%env A=(\n1')).status).toBe('complete');
    expect((await exec.isComplete('%%time\nf()')).status).toBe('incomplete');
    expect((await exec.isComplete('%%time\nf()\n')).status).toBe('complete');
    expect((await exec.isComplete('a\n%%time')).status).toBe('invalid');
  });
});

describe('completion and inspection extras', () => {
  it('completes magic names after %help and inspects bare magic names', async () => {
    const { exec } = makeExecutor();
    const code = '%help tim';
    expect(await exec.complete(code, code.length)).toMatchObject({ matches: expect.arrayContaining(['time', 'timeit']), cursor_start: 6 });
    const r = await exec.inspect('timeit', 3, 0);
    expect(r.found).toBe(true);
    expect(r.data['text/plain']).toContain('%timeit:');
    expect((await exec.inspect('zzz', 1, 0)).found).toBe(false);
  });
});
