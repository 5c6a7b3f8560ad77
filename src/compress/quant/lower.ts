// Post-training quantization: lower a float graph + calibration statistics to the integer model
// the fixed-point reference runs (bwdnn/quant): per-channel (or per-tensor) symmetric weights,
// symmetric or asymmetric activations, int32/int64 biases, per-channel requantization
// multipliers, and a Relu/Relu6 after a Conv/Gemm folded into that node's output clamp
// (batch norm after a Conv/Gemm is folded into its weights first: fold-bn.ts).
import type { Graph, Node, QuantParams, Tensor } from '../../ir/types.js';
import { consumers, topoSort } from '../../ir/graph.js';
import { quantDTypeOfBits, quantRange, paramsForRange, tensorParams, type QuantDType } from '../../ir/quant.js';
import { quantizeMultiplier, roundHalfEven, saturate } from '../../bwdnn/quant/fixed.js';
import type { QModel, QNode, QValue } from '../../bwdnn/quant/model.js';
import { BwvmError } from '../../util/errors.js';
import { chooseRange, type CalibMethod, type Stats } from './calibrate.js';
import { foldBatchNorm } from './fold-bn.js';

export interface QuantizeOptions {
  bits?: 8 | 16;
  /** Per-channel weight scales (default true). */
  perChannel?: boolean;
  method?: CalibMethod;
  /** Symmetric activations (zero point 0); default asymmetric. */
  symmetric?: boolean;
  percentile?: number;
  /** Bits of individual layers (mixed precision), by float node name. */
  layerBits?: Record<string, 8 | 16>;
}

const PASS_THROUGH = new Set(['MaxPool', 'Flatten', 'Reshape', 'Relu', 'Clip']);
const CALIBRATED = new Set(['AveragePool', 'GlobalAveragePool', 'Add']);

/** [min, max] of a Clip (attributes before opset 11, constant inputs after) or Relu. */
function clipBounds(g: Graph, n: Node): [number, number] {
  if (n.op === 'Relu') return [0, Infinity];
  if (g.opset < 11) return [(n.attrs.min as number | undefined) ?? -Infinity, (n.attrs.max as number | undefined) ?? Infinity];
  const c = (i: number) => (n.inputs[i] ? g.initializers.get(n.inputs[i]!) : undefined);
  const lo = c(1), hi = c(2);
  if ((n.inputs[1] && !lo) || (n.inputs[2] && !hi)) throw new BwvmError('QUANT_UNSUPPORTED', `node '${n.name}': Clip bounds must be constants`);
  return [lo ? Number(lo.data[0]) : -Infinity, hi ? Number(hi.data[0]) : Infinity];
}

/** Symmetric weights [Cout, ...] per channel (or per tensor) and the bias quantized to s_x * s_w. */
function quantizeWeights(w: Float32Array, shape: number[], bias: Float32Array | undefined, sx: number, dt: QuantDType, perChannel: boolean): { weight: Tensor; bias: Tensor | undefined; scales: number[] } {
  const M = shape[0]!, per = w.length / M, hi = quantRange(dt)[1];
  const absmax = new Array<number>(M).fill(0);
  for (let m = 0; m < M; m++) for (let i = 0; i < per; i++) absmax[m] = Math.max(absmax[m]!, Math.abs(w[m * per + i]!));
  const all = Math.max(...absmax);
  const scales = absmax.map((a) => ((perChannel ? a : all) > 0 ? (perChannel ? a : all) / hi : 1));
  const q = dt === 'int8' ? new Int8Array(w.length) : new Int16Array(w.length);
  for (let m = 0; m < M; m++) for (let i = 0; i < per; i++) q[m * per + i] = saturate(roundHalfEven(w[m * per + i]! / scales[m]!), -hi, hi);
  const quant: QuantParams = perChannel ? { scale: scales, zeroPoint: scales.map(() => 0), axis: 0 } : tensorParams(scales[0]!, 0);
  let b: Tensor | undefined;
  if (bias) {
    const vals = Array.from(bias, (v, m) => roundHalfEven(v / (sx * scales[m]!)));
    b = dt === 'int8'
      ? { dtype: 'int32', shape: [M], data: Int32Array.from(vals, (v) => saturate(v, -2147483648, 2147483647)) }
      : { dtype: 'int64', shape: [M], data: BigInt64Array.from(vals, (v) => BigInt(v)) };
    b.quant = { scale: scales.map((s) => sx * s), zeroPoint: scales.map(() => 0), axis: 0 };
  }
  return { weight: { dtype: dt, shape: [...shape], data: q, quant }, bias: b, scales };
}

/** Float weight [Cout, ...] and bias of a Conv or Gemm (Gemm: transB, alpha, beta applied). */
function floatWeights(g: Graph, n: Node): { w: Float32Array; shape: number[]; b: Float32Array | undefined } {
  const W = g.initializers.get(n.inputs[1]!), B = n.inputs[2] ? g.initializers.get(n.inputs[2]!) : undefined;
  if (!W || W.dtype !== 'float32') throw new BwvmError('QUANT_UNSUPPORTED', `node '${n.name}' (${n.op}): weights must be a float32 initializer`);
  if (n.inputs[2] && (!B || B.dtype !== 'float32')) throw new BwvmError('QUANT_UNSUPPORTED', `node '${n.name}' (${n.op}): bias must be a float32 initializer`);
  let w = W.data as Float32Array, shape = [...W.shape], b = B?.data as Float32Array | undefined;
  if (n.op === 'Gemm') {
    if (b && b.length !== (n.attrs.transB === 1 ? shape[0] : shape[1])) throw new BwvmError('QUANT_UNSUPPORTED', `node '${n.name}': Gemm bias must be 1-D per output`);
    const alpha = (n.attrs.alpha as number | undefined) ?? 1, beta = (n.attrs.beta as number | undefined) ?? 1;
    if (n.attrs.transB !== 1) {
      const [K, N] = shape as [number, number], t = new Float32Array(w.length);
      for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) t[j * K + k] = w[k * N + j]!;
      w = t; shape = [N, K];
    }
    if (alpha !== 1) w = w.map((v) => v * alpha);
    if (b && beta !== 1) b = b.map((v) => v * beta);
  }
  return { w, shape, b };
}

export function lowerToInteger(g0: Graph, stats: Stats, o: QuantizeOptions = {}): QModel {
  // batch norm after a Conv/Gemm is folded into it (on a copy); the folded node keeps the BN's
  // output name, so statistics calibrated on the unfolded graph still apply
  const g = g0.nodes.some((n) => n.op === 'BatchNormalization') ? foldBatchNorm(g0).graph : g0;
  const bits = o.bits ?? 8, perChannel = o.perChannel ?? true, method = o.method ?? 'minmax';
  const values = new Map<string, QValue>();
  const uses = consumers(g);
  const dtOf = (node?: string): QuantDType => quantDTypeOfBits((node && o.layerBits?.[node]) || bits);
  const calibrated = (name: string, dt: QuantDType, symmetric: boolean): QValue => {
    const st = stats.get(name);
    if (!st) throw new BwvmError('QUANT_CALIB', `value '${name}' has no calibration statistics`, { hint: 'run %calibrate (collectStats) on this model first' });
    const r = chooseRange(st, { method, dtype: dt, symmetric, ...(o.percentile !== undefined ? { percentile: o.percentile } : {}) });
    const p = paramsForRange(r.min, r.max, dt, symmetric);
    // a float32 scale: the one an ONNX export stores, so QuantizeLinear and the reference divide by the same value
    return { dtype: dt, quant: tensorParams(Math.fround(p.scale), p.zeroPoint) };
  };
  const input = g.inputs[0]!;
  // the input takes the widest precision of the layers reading it (a 16-bit first layer gets int16 input)
  const inBits = (uses.get(input.name) ?? []).some((n) => dtOf(n.name) === 'int16') ? 'int16' : dtOf();
  values.set(input.name, calibrated(input.name, inBits, o.symmetric ?? false));
  const nodes: QNode[] = [];
  const folded = new Set<string>();
  const graphOutputs = new Set(g.outputs.map((x) => x.name));
  for (const n of topoSort(g)) {
    if (folded.has(n.name)) continue;
    const xin = values.get(n.inputs[0]!);
    if (!xin) throw new BwvmError('QUANT_UNSUPPORTED', `node '${n.name}' (${n.op}) reads '${n.inputs[0]}', which is not quantized`);
    const dt = dtOf(n.name);
    if (n.op === 'Conv' || n.op === 'Gemm') {
      const next = uses.get(n.outputs[0]!) ?? [];
      const act = next.length === 1 && !graphOutputs.has(n.outputs[0]!) && (next[0]!.op === 'Relu' || next[0]!.op === 'Clip') ? next[0]! : undefined;
      const out = act ? act.outputs[0]! : n.outputs[0]!;
      const v = calibrated(out, dt, o.symmetric ?? false);
      const { w, shape, b } = floatWeights(g, n);
      const sx = xin.quant.scale[0]!, sy = v.quant.scale[0]!;
      const q = quantizeWeights(w, shape, b, sx, dt, perChannel);
      const qn: QNode = { name: n.name, op: n.op, inputs: [n.inputs[0]!], output: out, attrs: { ...n.attrs }, weight: q.weight, requant: q.scales.map((s) => quantizeMultiplier((sx * s) / sy)), from: [n.name] };
      if (q.bias) qn.bias = q.bias;
      if (act) {
        const [lo, hi] = clipBounds(g, act), z = v.quant.zeroPoint[0]!;
        qn.clamp = [Number.isFinite(lo) ? z + roundHalfEven(lo / sy) : -Infinity, Number.isFinite(hi) ? z + roundHalfEven(hi / sy) : Infinity];
        qn.from.push(act.name);
        folded.add(act.name);
      }
      values.set(out, v);
      nodes.push(qn);
    } else if (PASS_THROUGH.has(n.op)) {
      const attrs = { ...n.attrs };
      if (n.op === 'Clip') { const [lo, hi] = clipBounds(g, n); attrs.min = lo; attrs.max = hi; }
      if (n.op === 'Reshape') {
        const shape = g.initializers.get(n.inputs[1]!)?.data;
        if (!shape || shape.length !== 2) throw new BwvmError('QUANT_UNSUPPORTED', `node '${n.name}': only Reshape to [N, -1] is supported in integer form`);
      }
      values.set(n.outputs[0]!, xin);
      nodes.push({ name: n.name, op: n.op, inputs: [n.inputs[0]!], output: n.outputs[0]!, attrs, from: [n.name] });
    } else if (CALIBRATED.has(n.op)) {
      const ins = n.op === 'Add' ? [n.inputs[0]!, n.inputs[1]!] : [n.inputs[0]!];
      for (const i of ins) if (!values.has(i)) throw new BwvmError('QUANT_UNSUPPORTED', `node '${n.name}' (Add): input '${i}' is not a quantized activation`);
      values.set(n.outputs[0]!, calibrated(n.outputs[0]!, dt, o.symmetric ?? false));
      nodes.push({ name: n.name, op: n.op, inputs: ins, output: n.outputs[0]!, attrs: { ...n.attrs }, from: [n.name] });
    } else {
      throw new BwvmError('QUANT_UNSUPPORTED', `node '${n.name}': op '${n.op}' has no integer form`, { hint: n.op === 'BatchNormalization' ? 'only a BatchNormalization right after a Conv/Gemm (its sole use) is folded; fold this one first (%optimize)' : 'integer ops: Conv, Gemm, Relu, Clip, MaxPool, AveragePool, GlobalAveragePool, Add, Flatten, Reshape' });
    }
  }
  const outName = g.outputs[0]!.name;
  if (!values.has(outName)) throw new BwvmError('QUANT_MODEL', `graph output '${outName}' is not produced by the integer model`);
  return { name: `${g.name}-int${bits}`, bits, input: { name: input.name, shape: [...input.shape], value: values.get(input.name)! }, output: { name: outName, value: outName }, values, nodes };
}
