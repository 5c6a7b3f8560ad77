// Step table of the compiled forward: fused group (by its main op) -> a kernel call on arena
// pointers, with constants (weights, BN folded into conv weights) uploaded once. A builder
// returns undefined when it does not cover the configuration; reshapes alias their input.
import type { Graph } from '../../ir/types.js';
import { toNumbers } from '../../ir/dtype.js';
import { windowGeometry } from '../../ir/ops/geometry.js';
import type { DnnRuntime } from '../kernels/runtime.js';
import { chooseConvAlgo, conv2dPtr, convOutputShape } from '../kernels/conv.js';
import { convGeometryOf } from '../kernels/ops.js';
import { gemmPtr } from '../kernels/gemm.js';
import { pool2dPtr } from '../kernels/pool.js';
import { activationPtr, binaryPtr, channelAffinePtr } from '../kernels/eltwise.js';
import { ACTIVATION_OPS, type FusedGroup } from './fuse.js';

export interface StepEnv {
  g: Graph;
  rt: DnnRuntime;
  /** Concrete shape of a value. */
  shape(v: string): number[];
  /** Arena pointer of a constant made once per compiled forward (cached by key). */
  constant(key: string, make: () => Float32Array): number;
}

/** An operand: a constant's pointer or an activation's name (its buffer is planned). */
export type Operand = number | string;

export interface Step {
  group: FusedGroup;
  /** Activation values the step reads. */
  inputs: string[];
  out: string;
  /** The output is input 0's buffer with another shape (no kernel runs). */
  alias?: boolean;
  exec(ptr: (o: Operand) => number): void;
}

type Builder = (grp: FusedGroup, env: StepEnv) => Step | undefined;

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const f32 = (env: StepEnv, v: string): Float32Array | undefined => {
  const t = env.g.initializers.get(v);
  return t && t.dtype === 'float32' ? (t.data as Float32Array) : undefined;
};
const attr = (grp: FusedGroup, name: string, dflt: number): number => (grp.node.attrs[name] as number | undefined) ?? dflt;

/** Operand of input i: a constant (uploaded as is) or an activation; undefined when not float32. */
function operand(env: StepEnv, v: string): Operand | undefined {
  const init = env.g.initializers.get(v);
  if (!init) return v;
  return init.dtype === 'float32' ? env.constant(v, () => init.data as Float32Array) : undefined;
}
const activations = (ops: (Operand | undefined)[]): string[] => ops.filter((o): o is string => typeof o === 'string');

/** Conv weights and bias with a following BatchNormalization folded in: w' = w*s, b' = (b-mean)*s + beta. */
function foldedConv(env: StepEnv, grp: FusedGroup): { w: Float32Array; b: Float32Array | undefined } {
  const w = f32(env, grp.node.inputs[1]!)!, b = grp.node.inputs[2] ? f32(env, grp.node.inputs[2]) : undefined;
  if (!grp.bn) return { w, b };
  const [gamma, beta, mean, variance] = grp.bn.inputs.slice(1, 5).map((v) => toNumbers(env.g.initializers.get(v!)!.data));
  const eps = (grp.bn.attrs.epsilon as number | undefined) ?? 1e-5;
  const cout = gamma!.length, per = w.length / cout;
  const wf = new Float32Array(w.length), bf = new Float32Array(cout);
  for (let c = 0; c < cout; c++) {
    const s = gamma![c]! / Math.sqrt(variance![c]! + eps);
    for (let i = 0; i < per; i++) wf[c * per + i] = w[c * per + i]! * s;
    bf[c] = ((b ? b[c]! : 0) - mean![c]!) * s + beta![c]!;
  }
  return { w: wf, b: bf };
}

const conv: Builder = (grp, env) => {
  const [x, wName] = grp.node.inputs;
  const xs = env.shape(x!), w = f32(env, wName!);
  if (!w || xs.length !== 4 || grp.node.inputs[2] && !f32(env, grp.node.inputs[2])) return undefined;
  const geom = convGeometryOf(xs, env.g.initializers.get(wName!)!.shape, grp.node, attr(grp, 'group', 1));
  const key = `conv:${grp.node.name}`;
  const folded = foldedConv(env, grp);
  const pw = env.constant(`${key}:w`, () => folded.w);
  const pb = folded.b ? env.constant(`${key}:b`, () => folded.b!) : 0;
  const res = grp.residual;
  if (!res) return { group: grp, inputs: [x!], out: grp.out, exec: (ptr) => { conv2dPtr(env.rt, geom, ptr(x!), pw, pb, ptr(grp.out), { act: grp.act }); } };
  const n = size(env.shape(grp.out));
  if (size(env.shape(res)) !== n || size(convOutputShape(geom)) !== n) return undefined;
  // the GEMM conv adds the residual in its epilogue; the others run an Add(+act) pass after
  const fused = chooseConvAlgo(geom) === 'gemm';
  return { group: grp, inputs: [x!, res], out: grp.out, exec: (ptr) => {
    if (fused) conv2dPtr(env.rt, geom, ptr(x!), pw, pb, ptr(grp.out), { act: grp.act, residual: ptr(res) });
    else {
      conv2dPtr(env.rt, geom, ptr(x!), pw, pb, ptr(grp.out));
      binaryPtr(env.rt, 'add', ptr(grp.out), ptr(res), ptr(grp.out), n, grp.act);
    }
  } };
};

const gemm: Builder = (grp, env) => {
  const [a, b, c] = grp.node.inputs;
  if (attr(grp, 'alpha', 1) !== 1) return undefined;
  const tA = attr(grp, 'transA', 0) === 1, tB = attr(grp, 'transB', 0) === 1;
  const as = env.shape(a!), bs = env.shape(b!);
  if (as.length !== 2 || bs.length !== 2) return undefined;
  const M = tA ? as[1]! : as[0]!, K = tA ? as[0]! : as[1]!, N = tB ? bs[0]! : bs[1]!;
  if (c && (attr(grp, 'beta', 1) !== 1 || size(env.shape(c)) !== N || env.shape(c).at(-1) !== N)) return undefined;
  const ops = [operand(env, a!), operand(env, b!), c ? operand(env, c) : 0];
  if (ops.some((o) => o === undefined)) return undefined;
  const [pa, pb, pc] = ops as Operand[];
  return { group: grp, inputs: activations(ops), out: grp.out, exec: (ptr) => gemmPtr(env.rt, {
    M, N, K, a: ptr(pa!), b: ptr(pb!), c: ptr(grp.out), transA: tA, transB: tB, bias: pc ? ptr(pc) : 0, biasPer: 'col', act: grp.act,
  }) };
};

const matmul: Builder = (grp, env) => {
  const [a, b] = grp.node.inputs;
  const as = env.shape(a!), bs = env.shape(b!);
  if (as.length !== 2 || bs.length !== 2) return undefined;
  const ops = [operand(env, a!), operand(env, b!)];
  if (ops.some((o) => o === undefined)) return undefined;
  const [pa, pb] = ops as Operand[];
  return { group: grp, inputs: activations(ops), out: grp.out, exec: (ptr) => gemmPtr(env.rt, {
    M: as[0]!, N: bs[1]!, K: as[1]!, a: ptr(pa!), b: ptr(pb!), c: ptr(grp.out), act: grp.act,
  }) };
};

function pool(mode: 'max' | 'avg'): Builder {
  return (grp, env) => {
    const x = grp.node.inputs[0]!, xs = env.shape(x);
    if (xs.length !== 4 || grp.node.outputs.filter(Boolean).length > 1) return undefined;
    const k = grp.node.attrs.kernel_shape as number[];
    const ceilMode = attr(grp, 'ceil_mode', 0) === 1;
    const wg = windowGeometry(xs.slice(2), k, grp.node.attrs, grp.node.name, ceilMode);
    const [N, C, H, W] = xs as [number, number, number, number];
    const geom = {
      N, C, H, W, kh: k[0]!, kw: k[1]!, mode, stride: [wg.strides[0]!, wg.strides[1]!] as [number, number],
      dilation: [wg.dilations[0]!, wg.dilations[1]!] as [number, number],
      pads: [wg.pads[0]!, wg.pads[1]!, wg.pads[2]!, wg.pads[3]!] as [number, number, number, number], ceilMode,
      countIncludePad: mode === 'avg' && attr(grp, 'count_include_pad', 0) === 1,
    };
    return { group: grp, inputs: [x], out: grp.out, exec: (ptr) => pool2dPtr(env.rt, geom, ptr(x), ptr(grp.out)) };
  };
}

const globalAvgPool: Builder = (grp, env) => {
  const x = grp.node.inputs[0]!, xs = env.shape(x);
  if (xs.length !== 4) return undefined;
  const [N, C, H, W] = xs as [number, number, number, number];
  return { group: grp, inputs: [x], out: grp.out, exec: (ptr) => pool2dPtr(env.rt, { N, C, H, W, kh: H, kw: W, mode: 'avg' }, ptr(x), ptr(grp.out)) };
};

/** A lone BatchNormalization: per-channel affine with the scale and shift computed once. */
const batchNorm: Builder = (grp, env) => {
  const [x, ...params] = grp.node.inputs;
  const xs = env.shape(x!);
  if (xs.length < 2 || grp.node.outputs.filter(Boolean).length > 1 || !params.slice(0, 4).every((v) => v && f32(env, v))) return undefined;
  const [gamma, beta, mean, variance] = params.slice(0, 4).map((v) => f32(env, v!)!);
  const eps = attr(grp, 'epsilon', 1e-5), C = xs[1]!, HW = size(xs.slice(2));
  const scale = Float32Array.from(gamma!, (gv, c) => gv / Math.sqrt(variance![c]! + eps));
  const shift = Float32Array.from(beta!, (bv, c) => bv - mean![c]! * scale[c]!);
  const ps = env.constant(`bn:${grp.node.name}:s`, () => scale), pt = env.constant(`bn:${grp.node.name}:t`, () => shift);
  return { group: grp, inputs: [x!], out: grp.out, exec: (ptr) => channelAffinePtr(env.rt, ptr(x!), ptr(grp.out), xs[0]!, C, HW, ps, pt, grp.act) };
};

function binary(op: 'add' | 'mul'): Builder {
  return (grp, env) => {
    const [a, b] = grp.node.inputs;
    const n = size(env.shape(grp.node.outputs[0]!));
    if (size(env.shape(a!)) !== n || size(env.shape(b!)) !== n) return undefined;
    const ops = [operand(env, a!), operand(env, b!)];
    if (ops.some((o) => o === undefined)) return undefined;
    const [pa, pb] = ops as Operand[];
    return { group: grp, inputs: activations(ops), out: grp.out, exec: (ptr) => binaryPtr(env.rt, op, ptr(pa!), ptr(pb!), ptr(grp.out), n, grp.act) };
  };
}

const activation: Builder = (grp, env) => {
  const spec = ACTIVATION_OPS[grp.node.op]!(grp.node, env.g);
  const x = grp.node.inputs[0]!;
  if (spec === null) return undefined;
  const n = size(env.shape(x));
  return { group: grp, inputs: [x], out: grp.out, exec: (ptr) => activationPtr(env.rt, ptr(x), ptr(grp.out), n, spec) };
};

/** Reshape-like ops: same floats, another shape (inference Dropout is the identity). */
const alias: Builder = (grp) => {
  if (grp.node.outputs.filter(Boolean).length > 1) return undefined;
  return { group: grp, inputs: [grp.node.inputs[0]!], out: grp.out, alias: true, exec: () => undefined };
};

export const STEP_BUILDERS: Record<string, Builder> = {
  Conv: conv, Gemm: gemm, MatMul: matmul,
  MaxPool: pool('max'), AveragePool: pool('avg'), GlobalAveragePool: globalAvgPool,
  BatchNormalization: batchNorm, Add: binary('add'), Mul: binary('mul'),
  ...Object.fromEntries(Object.keys(ACTIVATION_OPS).map((op) => [op, activation])),
  Flatten: alias, Reshape: alias, Identity: alias, Dropout: alias, Squeeze: alias, Unsqueeze: alias,
};
