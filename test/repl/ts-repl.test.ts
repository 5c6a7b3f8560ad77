// TsRepl.evaluate: persistence of every declaration kind, redeclaration, top-level await, the
// value rule, imports, console capture, error line numbers, non-Error throws and aborts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { CellError, TsRepl } from '../../src/repl/index.js';
import { ModuleLoader, packageRoot } from '../../src/repl/modules.js';

let repl: TsRepl;
const out: string[] = [];
const run = (code: string, lineOffset = 0) => repl.evaluate(code, { lineOffset });
const value = async (code: string) => (await run(code)).value;
async function failure(code: string, lineOffset = 0): Promise<CellError> {
  try {
    await run(code, lineOffset);
  } catch (e) {
    expect(e).toBeInstanceOf(CellError);
    return e as CellError;
  }
  throw new Error(`cell did not fail: ${code}`);
}

beforeEach(() => {
  repl = new TsRepl();
  out.length = 0;
  repl.setConsole({ stdout: (t) => out.push(`out:${t}`), stderr: (t) => out.push(`err:${t}`) });
});

describe('declarations persist across cells', () => {
  it('const, let, var and destructuring', async () => {
    await run('const a: number = 1\nlet b = 2\nvar c = 3\nconst { d, e: [f] } = { d: 4, e: [5] }');
    expect(await value('a + b + c + d + f')).toBe(15);
  });

  it('functions, classes, enums, namespaces, generics, parameter properties', async () => {
    await run([
      'function twice<T>(x: T): T[] { return [x, x] }',
      'class Point { constructor(public x: number, private readonly y = 2) {} sum(): number { return this.x + this.y } }',
      'enum Color { Red, Green = 5 }',
      'namespace Geo { export const unit = 10 }',
      'interface Shape { area(): number }',
      'type Pair = [number, number]',
    ].join('\n'));
    expect(await value('twice<number>(3)')).toEqual([3, 3]);
    expect(await value('new Point(1).sum()')).toBe(3);
    expect(await value('Color.Green + Geo.unit')).toBe(15);
    expect(await value('const s: Shape = { area: () => 1 }; const p: Pair = [1, 2]; s.area() + p[1]')).toBe(3);
  });

  it('compiles what V8 lacks (decorators, auto-accessors) through TypeScript', async () => {
    await run('function twiceResult(m: any, _c: ClassMethodDecoratorContext) { return function (this: any) { return 2 * m.call(this) } }');
    expect(await value('class Dec { @twiceResult m() { return 21 } }\nnew Dec().m()')).toBe(42);
    expect(await value('class Acc { accessor v = 9 }\nnew Acc().v')).toBe(9);
  });

  it('allows redeclaring a const in a later cell (notebook style)', async () => {
    await run('const x = 1');
    await run('const x = "two"');
    expect(await value('x')).toBe('two');
    await run('class K { v = 1 }');
    await run('class K { v = 2 }');
    expect(await value('new K().v')).toBe(2);
  });

  it('evaluating cells never starts the language service', async () => {
    await run('const cheap = 1\nfunction f() { return cheap }\nf()');
    expect(repl.languageServiceStarted).toBe(false);
  });

  it('`let x;` without initializer resets to undefined', async () => {
    await run('let u = 5');
    await run('let u: number');
    expect(await value('u')).toBeUndefined();
  });
});

describe('values and await', () => {
  it('returns the last expression, none for declarations or a trailing semicolon', async () => {
    expect(await run('1 + 2')).toEqual({ hasValue: true, value: 3 });
    expect((await run('const q = 1')).hasValue).toBe(false);
    expect((await run('q + 1;')).hasValue).toBe(false);
    expect(await run('q + 1 // comment')).toEqual({ hasValue: true, value: 2 });
    expect((await run('interface I {}\nq\ntype T = I')).value).toBe(1);
  });

  it('supports top-level await, keeping declarations', async () => {
    expect(await value('const w = await Promise.resolve(21)\nw * 2')).toBe(42);
    expect(await value('w')).toBe(21);
    await run('for await (const z of [Promise.resolve(1)]) { var seen = z }');
    expect(await value('seen')).toBe(1);
    await run('await null\nif (seen > 5) var big = true\nconst after = await 2\nlet l = after;\n(l)');
    expect(await value('[big, after, l]')).toEqual([undefined, 2, 2]);
    expect(await value('async function later() { return 7 }\nawait later()')).toBe(7);
    expect(await value('later.name')).toBe('later');
  });

  it('captures console output in order', async () => {
    await run('console.log("a", { b: 1 }); console.error("c"); process.stdout.write("d")');
    expect(out).toEqual(['out:a { b: 1 }\n', 'err:c\n', 'out:d']);
  });
});

describe('imports', () => {
  it('imports node builtins and npm packages in every form', async () => {
    await run('import * as path from "node:path"\nimport { join } from "path"\nimport pb from "protobufjs"\nimport type { Root } from "protobufjs"');
    expect(await value('join("a", path.basename("/x/b"))')).toBe('a/b');
    expect(await value('typeof pb.Root')).toBe('function');
    expect(await value('const os = await import("node:os"); typeof os.cpus')).toBe('function');
  });

  it("resolves 'bwvm' to the package's built public API, or says to build it", () => {
    const loader = new ModuleLoader(process.cwd());
    const api = join(packageRoot(), 'dist', 'index.js');
    if (existsSync(api)) expect(loader.resolve('bwvm')).toBe(pathToFileURL(api).href);
    else expect(() => loader.resolve('bwvm')).toThrow(/npm run build/);
  });

  // Runs once the project has a public API (src/index.ts) and `npm run build` has built it.
  it.skipIf(!existsSync(join(packageRoot(), 'src', 'index.ts')))('imports bwvm itself', async () => {
    await run('import * as bwvm from "bwvm"');
    expect(await value('Object.keys(bwvm).length > 0')).toBe(true);
  });

  it('reports a missing module at its line', async () => {
    const e = await failure('const a = 1\nimport x from "no-such-package-xyz"');
    expect(e.evalue).toContain("no-such-package-xyz");
    expect(e.traceback.join('\n')).toContain('cell line 2');
  });
});

describe('errors', () => {
  it('syntax errors name the cell line (with the chunk offset) and show a caret', async () => {
    const e = await failure('let a = 1\nlet b = (\n  2 +\n)\nlet c = 3');
    expect(e.ename).toBe('SyntaxError');
    expect(e.evalue).toContain('cell line 4');
    expect(e.traceback.join('\n')).toMatch(/> 4 \| \)\n\s+\| \^/);
    const shifted = await failure('let 1x = 2', 3);
    expect(shifted.evalue).toContain('cell line 4');
  });

  it('runtime errors point at cell lines, including earlier cells, without internal frames', async () => {
    await run('// helper\nfunction boom(): never {\n  throw new RangeError("too big")\n}');
    const e = await failure('const ok = 1\n\nboom()');
    expect(e.ename).toBe('RangeError');
    expect(e.evalue).toBe('too big');
    const tb = e.traceback.join('\n');
    expect(tb).toContain('at boom (cell #1 line 3)');
    expect(tb).toContain('at cell line 3');
    expect(tb).not.toMatch(/node:internal|ts-repl|vm\.js/);
  });

  it('runtime error lines include the chunk offset', async () => {
    const e = await failure('const v = 1\nnull!.x', 5);
    expect(e.traceback.join('\n')).toContain('at cell line 7');
  });

  it('import x = require() gives the CommonJS exports', async () => {
    await run('import pbr = require("protobufjs")');
    expect(await value('typeof pbr.Root')).toBe('function');
  });

  it('types are erased in place, so columns and lines of errors stay right', async () => {
    const e = await failure('const n: number = 1\nconst f = (a: { x: number }): number =>\n  (a as any).y.z\nf({ x: 1 })');
    expect(e.ename).toBe('TypeError');
    expect(e.traceback.join('\n')).toContain('cell line 3');
  });

  it('async cells show the cell frames only, not the wrapper', async () => {
    const e = await failure('await null\nconst o: any = null\no.x');
    const cellFrames = e.traceback.filter((l) => /cell line/.test(l));
    expect(cellFrames).toEqual(['    at cell line 3']);
  });

  it('handles thrown non-Error values', async () => {
    const e = await failure('throw { code: 42 }');
    expect(e.evalue).toContain('code: 42');
    expect((await failure('throw "plain"')).evalue).toContain("'plain'");
  });

  it('process.exit throws instead of exiting', async () => {
    const e = await failure('process.exit(3)');
    expect(e.ename).toBe('ProcessExitError');
    expect(await value('1')).toBe(1);
  });

  it('keeps state after a failing cell', async () => {
    await failure('const keep = 5\nnull!.x');
    expect(await value('keep')).toBe(5);
  });
});

describe('abort', () => {
  it('abandons a hanging top-level await with KeyboardInterrupt and keeps state', async () => {
    await run('const before = "kept"');
    const ac = new AbortController();
    const p = repl.evaluate('await new Promise(() => {})', { lineOffset: 0, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toMatchObject({ ename: 'KeyboardInterrupt' });
    expect(await value('before')).toBe('kept');
  });

  it('reset drops user state but keeps defined globals', async () => {
    repl.defineGlobals({ helper: () => 'h' });
    await run('const gone = 1');
    repl.reset();
    expect(await value('typeof gone')).toBe('undefined');
    expect(await value('helper()')).toBe('h');
  });
});
