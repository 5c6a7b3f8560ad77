// `bwvm compile` through bin/bwvm.js (built dist/): writes the C files of a zoo model and an
// ONNX file, --check builds them with strict gcc and matches the reference; usage errors exit 2,
// an unavailable emitter exits 1 with its code.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { have } from '../support/prereqs.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/bwvm.js');
const bwvm = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT });

describe('bwvm compile', () => {
  it('needs a build', () => {
    expect(existsSync(join(ROOT, 'dist/cli/verb-compile.js')), 'run npm run build first').toBe(true);
  });

  it('zoo model to C with --check: files, sizes, arena, gcc and reference agreement', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bwvm-compile-')), 'out');
    const check = have('gcc') ? ['--check'] : [];
    const r = bwvm('compile', 'mobilenet', '--target', 'bwdsp104x', '--emit', 'c', '-o', dir, '-O2', ...check);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mobilenet: -O2, target bwdsp104x/);
    for (const f of ['model.c', 'model.h', 'model_weights.c', 'harness.c']) expect(r.stdout).toContain(f);
    expect(r.stdout).toMatch(/arena \d+ B \(lower bound \d+ B\)/);
    if (check.length) expect(r.stdout).toMatch(/max rel \S+ \(ok\)/);
    const h = readFileSync(join(dir, 'model.h'), 'utf8');
    expect(h).toContain('#define MODEL_IN0_SHAPE { 1, 1, 28, 28 }');
    expect(h).toContain('int model_run(const float* in0, float* out0);');
    expect(readFileSync(join(dir, 'model.c'), 'utf8')).not.toMatch(/\bmalloc\s*\(/);
  });

  it('ONNX file with -O0 and a blob, and the errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-compile-'));
    const ok = bwvm('compile', join(ROOT, 'fixtures/onnx/seqmlp_op13.onnx'), '-o', dir, '-O0', '--weights', 'blob', '--prefix', 'mlp');
    expect(ok.status, ok.stderr).toBe(0);
    expect(existsSync(join(dir, 'mlp_weights.bin'))).toBe(true);
    expect(bwvm('compile', 'lenet5').status).toBe(2);
    const asm = bwvm('compile', 'lenet5', '-o', dir, '--emit', 'bin');
    expect(asm.status).toBe(1);
    expect(asm.stderr).toMatch(/\[CG_EMIT\] unknown emitter 'bin'/);
  });
});
