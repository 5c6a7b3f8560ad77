// Shared checks of the integer library-mode tests: compile an integer model, run images on the
// simulator and expect the integer outputs to equal bwDNN's fixed-point reference bit for bit.
import { expect } from 'vitest';
import { checkQuantizedRun, compileQuantizedLibrary, runQuantizedLibrary, type QLibraryRun } from '../../../src/session/qlibrary.js';
import type { QModel } from '../../../src/ir/quant-model.js';
import type { Tensor } from '../../../src/ir/types.js';
import { getTarget } from '../../../src/target/index.js';

export const T = getTarget('bwdsp104x');

export const wave = (shape: number[], seed: number): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => 2 * Math.sin(i * 0.731 + seed)) });

/** Compile q, run each image, expect 0 integer mismatches; returns the last run. */
export async function expectBitExact(q: QModel, images: Float32Array[]): Promise<QLibraryRun> {
  const m = compileQuantizedLibrary(q, T);
  let last: QLibraryRun | undefined;
  for (const x of images) {
    const r = await runQuantizedLibrary(m, T, x);
    const c = checkQuantizedRun(q, r, x);
    expect(c.outputs).toBeGreaterThan(0);
    expect(Array.from(r.q)).toEqual(Array.from(c.ref));
    expect(c.mismatches).toBe(0);
    last = r;
  }
  return last!;
}
