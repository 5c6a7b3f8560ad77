// Cell globals: display and its per-type helpers, handles, clear_output, mime builders, progress,
// and the TypeScript declarations handed to the Repl.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PLOTLY_MIME } from '../../src/display/index.js';
import { CELL_GLOBALS_DTS } from '../../src/magics/globals.js';
import { makeExecutor, resultText, run } from './support/harness.js';

const bundles = (r: Awaited<ReturnType<typeof run>>) => r.events.filter((e) => e.type === 'display_data').map((e) => (e as { data: Record<string, unknown> }).data);

describe('cell globals', () => {
  it('display() and display.<type> publish display_data bundles', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, [
      'display({a: 1})',
      'display.html("<b>x</b>")',
      'display.markdown("# T")',
      'display.svg("<svg></svg>")',
      'display.png(new Uint8Array([137, 80, 78, 71]), {width: 10})',
      'display.jpeg("AAEC")',
      'display.json({k: [1, 2]})',
      'display.latex("$x^2$")',
      'display.text("raw")',
      'display.table([{n: 1, s: "a"}])',
      'display.plotly({data: [{y: [1, 2]}]})',
    ].join('\n'));
    expect(r.outcome.status).toBe('ok');
    const b = bundles(r);
    expect(b.map((x) => Object.keys(x).filter((k) => k !== 'text/plain')[0] ?? 'text/plain')).toEqual([
      'text/plain', 'text/html', 'text/markdown', 'image/svg+xml', 'image/png', 'image/jpeg', 'application/json', 'text/latex', 'text/plain', 'text/html', PLOTLY_MIME,
    ]);
    expect(b[0]!['text/plain']).toBe('{ a: 1 }');
    expect(b[4]!['image/png']).toBe('iVBORw==');
    expect(b[8]!['text/plain']).toBe('raw');
    expect(String(b[10]!['text/html'])).toContain('window.Plotly');
  });
  it('handles update their display and clear_output clears', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, 'var h = display("one", {id: "d1"})\nh.update("two")\nclear_output(true)\nh.id');
    const types = r.events.map((e) => e.type);
    expect(types).toEqual(['display_data', 'update_display_data', 'clear_output', 'execute_result']);
    expect(r.events[1]).toMatchObject({ transient: { display_id: 'd1' }, data: { 'text/plain': "'two'" } });
    expect(r.events[2]).toEqual({ type: 'clear_output', wait: true });
    expect(resultText(r)).toBe("'d1'");
  });
  it('mime builders make values that show as the cell result', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, 'mime.html("<i>hi</i>")');
    expect(r.result).toMatchObject({ data: { 'text/html': '<i>hi</i>', 'text/plain': 'hi' } });
  });
  it('progress() shows a bar that updates through its handle', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, 'var p = progress(3, "work", {minIntervalMs: 0})\np.tick()\np.tick()\np.tick()\np.done()');
    const types = r.events.map((e) => e.type);
    expect(types[0]).toBe('display_data');
    expect(types.slice(1).every((t) => t === 'update_display_data')).toBe(true);
    expect(r.result).toBeUndefined();
    const last = r.events.at(-1) as { data: Record<string, string> };
    expect(last.data['text/plain']).toContain('3/3 (100%)');
  });
  it('declarations go to a Repl that accepts them', () => {
    const { repl } = makeExecutor();
    expect(repl.declarations).toEqual([CELL_GLOBALS_DTS]);
    for (const name of ['display', 'clear_output', 'input', 'prompt', 'session', 'progress', 'mime']) expect(CELL_GLOBALS_DTS).toMatch(new RegExp(`declare (const|function) ${name}\\b`));
  });
  it('the declarations type-check, and so does code using them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-dts-'));
    writeFileSync(join(dir, 'globals.d.ts'), CELL_GLOBALS_DTS);
    writeFileSync(join(dir, 'use.ts'), [
      'const h = display.table([{a: 1}], {caption: "c"}); h.update(1);',
      'display.plotly({data: [{y: [1]}]}); clear_output(true);',
      'const p = progress(10, "x"); p.tick(); p.done();',
      'async function f(): Promise<number> { const s: string = await input("q"); await session.magic("timeit", "1"); return s.length + session.resultNames().length; }',
      'export { f };',
    ].join('\n'));
    const program = ts.createProgram([join(dir, 'globals.d.ts'), join(dir, 'use.ts')], {
      noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, lib: ['lib.es2022.d.ts'], types: [],
    });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diags).toEqual([]);
  });
});
