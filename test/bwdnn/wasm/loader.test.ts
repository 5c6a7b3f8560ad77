// Loading the kernels: the plain build always, the relaxed build only once V8's flag is on
// (checked in child processes with and without --experimental-wasm-relaxed-simd), and the
// runtime reporting which build is active.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { wasmDir, loadKernels } from '../../../src/bwdnn/wasm/loader.js';
import { createRuntime } from '../../../src/bwdnn/kernels/runtime.js';
import { matmul } from '../../../src/bwdnn/kernels/gemm.js';
import { naiveGemm, rand, relErr } from '../kernels/naive.js';

function validateIn(flags: string[]): string {
  const file = join(wasmDir(), 'bwdnn-relaxed.wasm');
  return execFileSync(process.execPath, [...flags, '-e',
    `process.stdout.write(String(WebAssembly.validate(require('fs').readFileSync(${JSON.stringify(file)}))))`]).toString();
}

describe('kernel loader', () => {
  it('the relaxed build needs the V8 flag; the plain build does not', () => {
    expect(validateIn([])).toBe('false');
    expect(validateIn(['--experimental-wasm-relaxed-simd'])).toBe('true');
    const plain = join(wasmDir(), 'bwdnn-simd.wasm');
    const out = execFileSync(process.execPath, ['-e',
      `process.stdout.write(String(WebAssembly.validate(require('fs').readFileSync(${JSON.stringify(plain)}))))`]).toString();
    expect(out).toBe('true');
  });

  it('exposes the active build, and the builds agree', () => {
    const plain = createRuntime({ relaxed: 'off' });
    const relaxed = createRuntime({ relaxed: 'auto' });
    try {
      expect(plain.variant).toBe('simd');
      expect(plain.exports.isRelaxed()).toBe(0);
      expect(relaxed.variant).toBe('relaxed'); // auto switches the flag on in this process
      expect(relaxed.exports.isRelaxed()).toBe(1);
      expect(loadKernels('on').variant).toBe('relaxed');
      const a = rand(40 * 50, 1), b = rand(50 * 30, 2), want = naiveGemm(a, b, 40, 30, 50);
      expect(relErr(matmul(plain, a, b, 40, 30, 50), want)).toBeLessThanOrEqual(1e-4);
      expect(relErr(matmul(relaxed, a, b, 40, 30, 50), want)).toBeLessThanOrEqual(1e-4);
    } finally {
      plain.close(); relaxed.close();
    }
  });

  it('rejects thread counts other than 1 and 2', () => {
    expect(() => createRuntime({ threads: 3 })).toThrow(/threads must be 1 or 2/);
  });
});
