// The cell runner on the real TypeScript Repl: TS between magics, cell line numbers in errors,
// top-level await, the globals (with their declarations) and %timeit compiling TS.
import { describe, expect, it } from 'vitest';
import { PlotlyEmbedder } from '../../src/display/index.js';
import { InProcessExecutor } from '../../src/magics/executor.js';
import { TsRepl } from '../../src/repl/index.js';
import { resultText, run } from './support/harness.js';

function make(): InProcessExecutor {
  return new InProcessExecutor(new TsRepl({ cwd: process.cwd() }), { plotly: new PlotlyEmbedder() });
}

describe('InProcessExecutor on TsRepl', () => {
  it('runs typed TS around magics and shows the last value', async () => {
    const exec = make();
    const r = await run(exec, 'const n: number = 4\n%env BWVM_TSREPL=1\nconst sq = (x: number): number => x * x\nsq(n)');
    expect(r.outcome.status).toBe('ok');
    expect(resultText(r)).toBe('16');
    delete process.env.BWVM_TSREPL;
  });
  it('errors point at the cell line after magic lines', async () => {
    const exec = make();
    const r = await run(exec, '%env BWVM_TSREPL2=1\n\nconst a = 1\nundefinedThing.x');
    expect(r.outcome.status).toBe('error');
    expect(r.outcome.ename).toBe('ReferenceError');
    expect(r.outcome.traceback!.join('\n')).toMatch(/line 4|:4\b/);
    delete process.env.BWVM_TSREPL2;
  });
  // (the `;` works around a TsRepl ASI bug: `f()\nconst t = await x` runs as `f()(...)`)
  it('globals, await and session.magic work from TypeScript', async () => {
    const exec = make();
    const r = await run(exec, "display.table([{a: 1}]);\nconst t = await session.magic('timeit', '-n 3 -r 2 -q Math.sqrt(2)')\nt.loops * t.repeat");
    expect(r.outcome.status).toBe('ok');
    expect(resultText(r)).toBe('6');
    expect(r.events.some((e) => e.type === 'display_data')).toBe(true);
  });
  it('%timeit and %time compile TypeScript', async () => {
    const exec = make();
    const r = await run(exec, 'const f = (k: number): number => k + 1\n%timeit -n 2 -r 2 f(1 as number)\n%time f(2)');
    expect(r.outcome.status).toBe('ok');
    expect(resultText(r)).toBe('3');
    expect(r.stdout).toContain('per loop');
    expect(r.stdout).toContain('Wall time');
  });
  it('completion knows the cell globals (declarations) and works after magic lines', async () => {
    const exec = make();
    const code = '%env BWVM_X=1\ndisplay.ht';
    const r = await exec.complete(code, code.length);
    expect(r.matches).toContain('html');
    expect(code.slice(r.cursor_start, r.cursor_end)).toBe('ht');
    delete process.env.BWVM_X;
  });
});
