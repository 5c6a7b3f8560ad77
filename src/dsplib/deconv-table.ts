// Kernel-table rows for the deconv (ConvTranspose) and depthwise conv generators, spread into
// DSP_KERNELS by table.ts.
import type { TargetDesc } from '../target/index.js';
import { deconv } from './deconv.js';
import { type DeconvShape, deconvGeometry } from './deconv-geometry.js';
import { depthwise, depthwiseFlops, type DepthwiseShape } from './depthwise.js';
import type { KernelRow } from './table.js';

const DECONV: KernelRow<DeconvShape> = {
  name: 'deconv',
  description: 'fp32 ConvTranspose (ONNX: stride 1/2, pads, output_padding, bias), polyphase: one stride-1 tap nest per output phase, weights via deconvWeights',
  generate: (s, t: TargetDesc) => deconv(s, t),
  flops: (s) => 2 * deconvGeometry(s).macs,
  example: { C: 8, H: 8, W: 8, M: 8, kH: 4, kW: 4, stride: 2, pad: 1 },
};

const DEPTHWISE: KernelRow<DepthwiseShape> = {
  name: 'depthwise',
  description: 'fp32 depthwise conv (Conv group = C, k x k, stride 1/2, pad, bias), 4 columns per macro group, row-ordered loads (memory bound)',
  generate: (s, t: TargetDesc) => depthwise(s, t),
  flops: (s) => depthwiseFlops(s),
  example: { C: 8, H: 16, W: 16, stride: 1, pad: 1 },
};

export const DECONV_KERNELS = { deconv: DECONV, depthwise: DEPTHWISE } as unknown as Record<string, KernelRow<never>>;
