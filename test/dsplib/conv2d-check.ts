// Test support for conv2d kernels (on-chip and DDR-tiled): random data, the reference chain
// Conv -> Add (residual) -> Relu / Clip(0, 6) / LeakyRelu from the bwdnn reference executor, and
// a run of the generated kernel on the simulator returning its output and profile.
import type { Conv2dOptions, Conv2dShape, DspKernel } from '../../src/dsplib/index.js';
import type { TargetDesc } from '../../src/target/index.js';
import { rand, reference, simulate } from './harness.js';

export interface ConvData { x: Float32Array; w: Float32Array; b: Float32Array; addend: Float32Array }

export const outHW = (sh: Conv2dShape): [number, number] =>
  [Math.floor((sh.H + 2 * sh.pad - sh.kH) / sh.stride) + 1, Math.floor((sh.W + 2 * sh.pad - sh.kW) / sh.stride) + 1];

export function convData(sh: Conv2dShape, seed = 11): ConvData {
  const N = sh.N ?? 1, [OH, OW] = outHW(sh);
  return {
    x: rand(N * sh.C * sh.H * sh.W, seed), w: rand(sh.M * sh.C * sh.kH * sh.kW, seed + 1), b: rand(sh.M, seed + 2),
    addend: rand(N * sh.M * OH * OW, seed + 3),
  };
}

/** Reference output of conv (+ addend) (+ activation) for the kernel options. */
export function convReference(sh: Conv2dShape, d: ConvData, o: Conv2dOptions = {}): Float32Array {
  const N = sh.N ?? 1, [OH, OW] = outHW(sh);
  let y = reference('Conv', [{ shape: [N, sh.C, sh.H, sh.W], data: d.x }, { shape: [sh.M, sh.C, sh.kH, sh.kW], data: d.w }, { shape: [sh.M], data: d.b }],
    { kernel_shape: [sh.kH, sh.kW], strides: [sh.stride, sh.stride], pads: [sh.pad, sh.pad, sh.pad, sh.pad] });
  const shape = [N, sh.M, OH, OW];
  if (o.addend) y = reference('Add', [{ shape, data: y }, { shape, data: d.addend }], {});
  if (o.activation === 'relu') y = reference('Relu', [{ shape, data: y }], {});
  if (o.activation === 'relu6') y = reference('Clip', [{ shape, data: y }], { min: 0, max: 6 });
  if (o.activation === 'leaky') y = reference('LeakyRelu', [{ shape, data: y }], { alpha: o.alpha ?? 0.01 });
  return y;
}

/** Run a conv kernel (on-chip or tiled: symbols x, w, b, addend, y) with the data. */
export function runConv(k: DspKernel, t: TargetDesc, d: ConvData) {
  const feeds: Record<string, Float32Array> = { x: d.x, w: d.w, b: d.b };
  if (k.inputs.some((i) => i.symbol === 'addend')) feeds['addend'] = d.addend;
  return simulate(k, t, feeds);
}
