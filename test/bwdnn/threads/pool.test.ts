// The worker pool: shares run on the caller and a worker over the shared memory, a trap in
// a worker surfaces as a BwvmError, close() stops the workers and the pool refuses work.
import { describe, it, expect } from 'vitest';
import { createRuntime } from '../../../src/bwdnn/kernels/runtime.js';
import { isBwvmError } from '../../../src/util/errors.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('ThreadPool', () => {
  it('runs one share per thread on the shared memory', () => {
    const rt = createRuntime({ threads: 2, relaxed: 'off', spinMicros: 20 });
    try {
      const n = 1000;
      const x = rt.upload(Float32Array.from({ length: 2 * n }, (_, i) => i - n));
      const y = rt.arena.alloc(2 * n * 4);
      // caller takes the first half, the worker the second, with different activations
      rt.parallel('activation', [[x, y, n, 1, 0], [x + 4 * n, y + 4 * n, n, 3, 0.5]]);
      const out = rt.download(y, 2 * n);
      for (let i = 0; i < n; i++) expect(out[i]).toBe(Math.max(0, i - n));
      for (let i = n; i < 2 * n; i++) { const v = i - n; expect(out[i]).toBe(v >= 0 ? v : v * 0.5); }
      // a worker-only share
      rt.parallel('activation', [null, [x, y, n, 0, 0]]);
      expect(rt.download(y, 3)).toEqual(Float32Array.from([-n, -n + 1, -n + 2]));
    } finally {
      rt.close();
    }
  });

  it('reports a trap inside a worker', () => {
    const rt = createRuntime({ threads: 2, relaxed: 'off', spinMicros: 20 });
    try {
      const beyond = rt.memory.buffer.byteLength + 65536 * 100;
      let err: unknown;
      try { rt.parallel('activation', [null, [beyond, beyond, 16, 1, 0]]); } catch (e) { err = e; }
      expect(isBwvmError(err, 'bwdnn.worker-trap')).toBe(true);
      // the pool still works afterwards
      const p = rt.upload([-1, 2]);
      rt.parallel('activation', [null, [p, p, 2, 1, 0]]);
      expect(rt.download(p, 2)).toEqual(Float32Array.from([0, 2]));
    } finally {
      rt.close();
    }
  });

  it('close() ends the workers and later work is refused', async () => {
    const rt = createRuntime({ threads: 2, relaxed: 'off', spinMicros: 20 });
    const exited = rt.pool.exited();
    rt.close();
    await exited;
    rt.close(); // idempotent
    expect(() => rt.parallel('activation', [[0, 0, 0, 0, 0]])).toThrow(/closed/);
  });
});

describe('process lifetime', () => {
  it('a runtime that is never closed does not keep node alive', () => {
    const dir = new URL('.', import.meta.url);
    const out = execFileSync(process.execPath, ['--import', new URL('register-ts.mjs', dir).href, fileURLToPath(new URL('exit-child.ts', dir))],
      { timeout: 30000 }).toString().trim();
    expect(out).toBe('[0,2,0,4]');
  });
});
