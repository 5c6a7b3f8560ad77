// Batch-norm inference as a per-channel affine map y = x * scale[c] + shift[c] over an NCHW
// tensor (N = 1), scale = gamma / sqrt(var + eps) and shift = beta - mean * scale folded on the
// host (`foldBatchNorm`). Per channel: scale/shift loaded into two registers, then 4 words per
// access through fmul + fadd with rotating registers.
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { dataSection, emitNest, placeTensors, staticLines } from './emit.js';
import type { DspKernel } from './kernel.js';
import { type Op, schedule } from './schedule.js';

export interface BatchNormShape { C: number; H: number; W: number }

const SC = 61, SH = 62, ROT = 20;

/** Host-side folding of inference batch-norm parameters into scale and shift. */
export function foldBatchNorm(gamma: ArrayLike<number>, beta: ArrayLike<number>, mean: ArrayLike<number>, variance: ArrayLike<number>, eps = 1e-5): { scale: Float32Array; shift: Float32Array } {
  const n = gamma.length, scale = new Float32Array(n), shift = new Float32Array(n);
  for (let c = 0; c < n; c++) { scale[c] = gamma[c]! / Math.sqrt(variance[c]! + eps); shift[c] = beta[c]! - mean[c]! * scale[c]!; }
  return { scale, shift };
}

export function batchnorm(sh: BatchNormShape, t: TargetDesc): DspKernel {
  const { C, H, W } = sh, hw = H * W;
  if (![C, H, W].every((v) => Number.isInteger(v) && v > 0)) throw new BwvmError('DSPLIB_SHAPE', `batchnorm: C, H, W must be positive integers (got ${C}, ${H}, ${W})`);
  const quads = Math.floor(hw / 4), rest = hw % 4;
  if (quads + rest > 400) throw new BwvmError('DSPLIB_CODE_SIZE', `batchnorm C=${C} ${H}x${W}: ${hw} words per channel exceed one loop body (max ~1600)`, { hint: 'split the plane (fewer rows per call)' });
  const placed = placeTensors([{ name: 'x', words: C * hw }, { name: 'scale', words: C }, { name: 'shift', words: C }, { name: 'y', words: C * hw }], t, `batchnorm C=${C} ${H}x${W}`);
  const at = (s: string) => placed.find((p) => p.name === s)!;
  const b = new OpBuilder(t);
  const sx = b.stream(0, at('x').addr, 0), sy = b.stream(1, at('y').addr, 0), ss = b.stream(2, at('scale').addr, 0), st = b.stream(2, at('shift').addr, 0);
  const ops: Op[] = [b.loadOp(ss, 0, 'xyzt', 0, { p: SC }, -2), b.loadOp(st, 0, 'xyzt', 0, { p: SH }, -1)];
  for (let i = 0; i < quads + rest; i++) {
    const quad = i < quads, off = quad ? 4 * i : 4 * quads + (i - quads);
    const mask = quad ? 'xyzt' : 'x', stride = quad ? 1 : 0;
    const ra = 1 + (i % ROT), rd = 21 + (i % ROT);
    ops.push(b.loadOp(sx, off, mask, stride, { p: ra }, 3 * i));
    ops.push({ kind: 'fmac', op: 'fmul', acc: rd, a: { p: ra }, b: { p: SC }, prio: 3 * i + 1 });
    ops.push({ kind: 'fmac', op: 'fadd', acc: rd, a: { p: SH }, b: { p: SH }, prio: 3 * i + 1 });
    ops.push(b.storeOp(sy, off, mask, stride, { p: rd }, 3 * i + 2));
  }
  const [body] = resolveIncrements([ops], 4, [hw, hw, 1, 1]);
  const lines = schedule(body!, b.streams, [], t);
  const names = ['x', 'y', 'scale', 'shift'];
  const code = emitNest([C], b.streams.map((s, k) => ({ ...s, base: `${names[k]}+0`, steps: [k < 2 ? hw : 1] })), { head: lines, tail: [] }, t);
  const asm = [`// batchnorm (inference, folded) C=${C} ${H}x${W} on ${t.name}`, ...dataSection(placed), '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: 'batchnorm', dtype: 'f32', asm, flops: 2 * C * hw, description: `batch-norm inference C=${C} ${H}x${W} (folded scale/shift)`,
    inputs: [{ symbol: 'x', shape: [1, C, H, W], layout: 'NCHW' }, { symbol: 'scale', shape: [C], layout: 'C' }, { symbol: 'shift', shape: [C], layout: 'C' }],
    outputs: [{ symbol: 'y', shape: [1, C, H, W], layout: 'NCHW' }],
    params: { staticLines: staticLines(code) },
  };
}
