// The workloads of `npm run bench:dnn`: each knows its FLOPs, how bwDNN runs it (on a given
// runtime), how onnxruntime runs it (an ONNX model built with bwvm's IR + exporter) and how the
// TF.js WASM peer runs it; the PyTorch peer (bench/peers/dnn_torch.py) uses the same names.
import * as ort from 'onnxruntime-node';
import type { DnnRuntime } from '../src/bwdnn/kernels/runtime.js';
import { conv2dPtr, type ConvGeometry } from '../src/bwdnn/kernels/conv.js';
import { gemmPtr } from '../src/bwdnn/kernels/gemm.js';
import { createGraph } from '../src/ir/graph.js';
import { inferShapes } from '../src/ir/infer.js';
import { exportOnnx } from '../src/frontend/onnx/export.js';
import type { Attrs, Tensor } from '../src/ir/types.js';
import { tfConv, tfGemm, tfVggInference, tfVggTrainStep, type TfRunner } from './dnn-tfjs.js';
import { vggFlops, vggInference, vggOnnx, vggTrainStep } from './dnn-vgg.js';

export interface OnnxCase { model: Uint8Array; feeds: Record<string, ort.Tensor> }

export interface Workload {
  name: string;
  flops: number;
  /** bwDNN: returns a function running the workload once (inputs already resident). */
  prepare(rt: DnnRuntime): () => void;
  /** true when bwDNN's run does not depend on the plain/relaxed build (measured once). */
  oneBuild?: boolean;
  onnx?(): OnnxCase;
  tfjs?(): TfRunner;
}

export const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => Math.random() - 0.5);
const tensor = (shape: number[]): Tensor => ({ dtype: 'float32', shape, data: rand(shape.reduce((a, b) => a * b, 1)) });

function singleOp(op: string, attrs: Attrs, inputs: { shape: number[]; init?: boolean }[]): OnnxCase {
  const g = createGraph({ name: op, opset: 13 });
  const feeds: Record<string, ort.Tensor> = {};
  const names = inputs.map((s, i) => {
    const name = `in${i}`;
    const t = tensor(s.shape);
    if (s.init) g.initializers.set(name, { name, ...t });
    else {
      g.inputs.push({ name, dtype: 'float32', shape: s.shape });
      feeds[name] = new ort.Tensor('float32', t.data as Float32Array, s.shape);
    }
    return name;
  });
  g.nodes.push({ name: `${op}_0`, op, inputs: names, outputs: ['out'], attrs });
  g.outputs = [{ name: 'out', dtype: 'float32', shape: [] }];
  inferShapes(g);
  return { model: exportOnnx(g), feeds };
}

function convWorkload(name: string, g: ConvGeometry): Workload {
  const groups = g.groups ?? 1;
  const OH = g.H, OW = g.W; // 3x3, pad 1, stride 1
  const wShape = [g.Cout, g.C / groups, g.kh, g.kw];
  return {
    name,
    flops: 2 * g.N * g.Cout * OH * OW * (g.C / groups) * g.kh * g.kw,
    prepare(rt) {
      const x = rt.upload(rand(g.N * g.C * g.H * g.W));
      const w = rt.upload(rand(wShape.reduce((a, b) => a * b, 1)));
      const b = rt.upload(rand(g.Cout));
      const y = rt.arena.alloc(g.N * g.Cout * OH * OW * 4);
      return () => { conv2dPtr(rt, g, x, w, b, y); };
    },
    onnx: () => singleOp('Conv', { kernel_shape: [g.kh, g.kw], pads: [1, 1, 1, 1], group: groups },
      [{ shape: [g.N, g.C, g.H, g.W] }, { shape: wShape, init: true }, { shape: [g.Cout], init: true }]),
    tfjs: () => tfConv(g.N, g.C, g.H, g.W, g.Cout, groups > 1),
  };
}

const S = 1024, VGG_N = 64;
export const WORKLOADS: Workload[] = [
  convWorkload('conv 3x3 64->64 32x32 N=32', { N: 32, C: 64, H: 32, W: 32, Cout: 64, kh: 3, kw: 3, pads: [1, 1, 1, 1] }),
  convWorkload('conv 3x3 1->32 28x28 N=64', { N: 64, C: 1, H: 28, W: 28, Cout: 32, kh: 3, kw: 3, pads: [1, 1, 1, 1] }),
  convWorkload('depthwise 3x3 C=128 32x32 N=32', { N: 32, C: 128, H: 32, W: 32, Cout: 128, kh: 3, kw: 3, pads: [1, 1, 1, 1], groups: 128 }),
  {
    name: 'GEMM 1024^3',
    flops: 2 * S * S * S,
    prepare(rt) {
      const a = rt.upload(rand(S * S)), b = rt.upload(rand(S * S)), c = rt.arena.alloc(S * S * 4);
      return () => gemmPtr(rt, { M: S, N: S, K: S, a, b, c });
    },
    onnx: () => singleOp('MatMul', {}, [{ shape: [S, S] }, { shape: [S, S], init: true }]),
    tfjs: () => tfGemm(S),
  },
  {
    name: `vgg_small inference N=${VGG_N}`,
    flops: vggFlops(VGG_N),
    prepare: (rt) => vggInference(rt, VGG_N),
    onnx: () => vggOnnx(VGG_N),
    tfjs: () => tfVggInference(VGG_N),
  },
  {
    name: `vgg_small training step N=${VGG_N}`,
    flops: 3 * vggFlops(VGG_N), // forward + input gradient + weight gradient
    prepare: (rt) => vggTrainStep(rt, VGG_N),
    tfjs: () => tfVggTrainStep(VGG_N),
  },
];
