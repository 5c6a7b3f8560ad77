// Channel concat of 2..4 NCHW fp32 tensors (same N, H, W): per image and input, one contiguous
// run of C_i·H·W words copied into the output at its channel offset with copy.ts (4-word loads
// and stores, 1.5 quads per line). On-chip copies beat DMA here: DMA only moves DDR <-> on-chip,
// at 4 words/cycle, against ~6 words/cycle for the copy loop.
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { copyPlanes } from './copy.js';
import { dataSection, placeTensors, staticLines } from './emit.js';
import type { DspKernel } from './kernel.js';

export interface ConcatShape { N: number; C: number[]; H: number; W: number }

/** rows x cols = q quads (cols a multiple of 4, at most 256 words): the longest rows that divide q. */
export function runShape(q: number): { rows: number; cols: number } {
  let d = 1;
  for (let k = 1; k <= Math.min(q, 64); k++) if (q % k === 0) d = k;
  return { rows: q / d, cols: 4 * d };
}

export function concat(sh: ConcatShape, t: TargetDesc): DspKernel {
  const { N, C, H, W } = sh;
  if (!Array.isArray(C) || C.length < 2 || C.length > 4) throw new BwvmError('DSPLIB_SHAPE', `concat: 2..4 inputs (got ${Array.isArray(C) ? C.length : C})`, { hint: 'concatenate more inputs in several calls' });
  if (![N, H, W, ...C].every((v) => Number.isInteger(v) && v > 0)) throw new BwvmError('DSPLIB_SHAPE', `concat: N, H, W and every C must be positive integers (got N=${N} C=${C.join(',')} ${H}x${W})`);
  const hw = H * W, Ct = C.reduce((a, b) => a + b, 0);
  const what = `concat N=${N} C=${C.join('+')} ${H}x${W}`;
  const placed = placeTensors([...C.map((c, i) => ({ name: `x${i}`, words: N * c * hw })), { name: 'y', words: N * Ct * hw }], t, what);
  const y = placed[C.length]!;
  const code: string[] = [];
  let c0 = 0;
  C.forEach((c, i) => {
    const L = c * hw, main = L - (L % 4);
    const run = (off: number, rows: number, cols: number): string[] =>
      copyPlanes({ src: placed[i]!, srcOff: off, srcRow: cols, srcPlane: L, dst: y, dstOff: c0 * hw + off, dstRow: cols, dstPlane: Ct * hw, planes: N, rows, cols }, t);
    if (main > 0) { const { rows, cols } = runShape(main / 4); code.push(...run(0, rows, cols)); }
    if (L % 4) code.push(...run(main, 1, L % 4));
    c0 += c;
  });
  const asm = [`// ${what} on ${t.name}`, ...dataSection(placed), '.text', 'main:', ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: 'concat', dtype: 'f32', asm, flops: N * Ct * hw, description: `${what} (fp32 copies; flops = words written, as for relu)`,
    inputs: C.map((c, i) => ({ symbol: `x${i}`, shape: [N, c, H, W], layout: 'NCHW' })),
    outputs: [{ symbol: 'y', shape: [N, Ct, H, W], layout: 'NCHW' }],
    params: { words: N * Ct * hw, staticLines: staticLines(code) },
  };
}
