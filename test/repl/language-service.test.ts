// complete / inspect through the TypeScript language service: names from earlier cells,
// member completion, injected globals' declarations, cursor ranges, hover text with JSDoc.
import { beforeAll, describe, expect, it } from 'vitest';
import { TsRepl } from '../../src/repl/index.js';

describe('complete and inspect', () => {
  const repl = new TsRepl();
  beforeAll(async () => {
    repl.setConsole({ stdout: () => {}, stderr: () => {} });
    await repl.evaluate('/** How many layers the model has. */\nconst layerCount: number = 12\nconst model = { name: "vgg", params: 1e6 }', { lineOffset: 0 });
    await repl.evaluate('const model = { name: "vgg", flops: 2e9, summary(): string { return "s" } }', { lineOffset: 0 });
    repl.defineGlobals({ showTable: () => 1 });
    repl.addDeclarations('/** Show rows as a table. */\ndeclare function showTable(rows: unknown[]): void;');
  });

  it('completes a name declared in an earlier cell, with the word range', async () => {
    const code = 'const y = 1 + layerC';
    const r = await repl.complete(code, code.length);
    expect(r.matches[0]).toBe('layerCount');
    expect(r.cursor_start).toBe(code.length - 'layerC'.length);
    expect(r.cursor_end).toBe(code.length);
  });

  it('completes members after a dot, from the latest declaration', async () => {
    const code = 'model.';
    const r = await repl.complete(code, code.length);
    expect(r.cursor_start).toBe(code.length);
    expect(r.matches).toEqual(expect.arrayContaining(['name', 'flops', 'summary']));
    expect(r.matches).not.toContain('params');
    const partial = await repl.complete('model.fl', 8);
    expect(partial.matches).toEqual(['flops']);
    expect(partial.cursor_start).toBe(6);
  });

  it('completes injected globals and Node globals, even beside magic lines', async () => {
    const code = '%timeit 1\nshowT';
    expect((await repl.complete(code, code.length)).matches).toContain('showTable');
    expect((await repl.complete('Buffer.from', 11)).matches).toContain('from');
  });

  it('inspects with the type signature and JSDoc', async () => {
    const code = 'layerCount';
    const r = await repl.inspect(code, 3, 0);
    expect(r.found).toBe(true);
    expect(r.data['text/plain']).toContain('const layerCount: number');
    expect(r.data['text/plain']).toContain('How many layers the model has.');
    expect(r.data['text/markdown']).toContain('```ts');
    const g = await repl.inspect('showTable(x)', 'showTable'.length, 0);
    expect(g.data['text/plain']).toContain('showTable(rows: unknown[]): void');
    expect(g.data['text/plain']).toContain('Show rows as a table.');
  });

  it('reports nothing found on whitespace', async () => {
    expect((await repl.inspect('   ', 1, 0)).found).toBe(false);
  });
});
