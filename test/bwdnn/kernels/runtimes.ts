// The runtime matrix kernel tests run on: plain and relaxed SIMD builds, 1 and 2 threads.
import { afterAll } from 'vitest';
import { createRuntime, type DnnRuntime } from '../../../src/bwdnn/kernels/runtime.js';

export interface Variant { name: string; rt: DnnRuntime }

export function runtimeMatrix(): Variant[] {
  const out: Variant[] = [];
  for (const relaxed of ['off', 'on'] as const) {
    for (const threads of [1, 2]) {
      // spin low: the test machine is shared
      out.push({ name: `${relaxed === 'on' ? 'relaxed' : 'simd'} x${threads}`, rt: createRuntime({ relaxed, threads, spinMicros: 20 }) });
    }
  }
  afterAll(() => { for (const v of out) v.rt.close(); });
  return out;
}
