// The integer Add of a QDQ export, written with int64 ONNX ops so that onnxruntime computes exactly
// the fixed-point reference's y = sat(zp_y + rndsh((a-zp_a)*Ma) + rndsh((b-zp_b)*Mb)): each input is
// rounded on its own (a float DequantizeLinear -> Add -> QuantizeLinear rounds the sum once, which
// differs by a step on ~10 % of the values and compounds through a residual network).
import type { Initializer, Node } from '../../ir/types.js';
import { quantRange, type QuantDType } from '../../ir/quant.js';
import { quantizeMultiplier } from '../../bwdnn/quant/fixed.js';
import { ONNX_DTYPE_CODES } from '../../ir/ops/misc.js';
import type { QValue } from '../../bwdnn/quant/model.js';

const i64 = (name: string, v: number): Initializer => ({ name, dtype: 'int64', shape: [], data: BigInt64Array.of(BigInt(v)) });

/**
 * rndsh(d * m0, n) for |d| <= 65535 with int64 Mul/Add/Div: shifts past 48 give the same result at
 * 48 (|d * m0| < 2^47), and an offset K * 2^n keeps the dividend positive, so Div's truncation is a
 * floor: floor((d*m0 + 2^(n-1) + K*2^n) / 2^n) - K. Every intermediate stays below 2^50 (exact
 * also in float64 executors). Returns the nodes and K (subtracted by the caller).
 */
function rescale(pre: string, q: string, v: QValue, real: number, init: (t: Initializer) => string): { nodes: Node[]; out: string; k: number } {
  const m = quantizeMultiplier(real), n = Math.min(m.shift, 48);
  const k = Math.floor(2 ** 47 / 2 ** n) + 1;
  const nodes: Node[] = [
    { name: `${pre}_cast`, op: 'Cast', inputs: [q], outputs: [`${pre}_i64`], attrs: { to: ONNX_DTYPE_CODES.int64 } },
    { name: `${pre}_sub`, op: 'Sub', inputs: [`${pre}_i64`, init(i64(`${pre}_zp`, v.quant.zeroPoint[0]!))], outputs: [`${pre}_d`], attrs: {} },
    { name: `${pre}_mul`, op: 'Mul', inputs: [`${pre}_d`, init(i64(`${pre}_m0`, m.m0))], outputs: [`${pre}_p`], attrs: {} },
    { name: `${pre}_rnd`, op: 'Add', inputs: [`${pre}_p`, init(i64(`${pre}_half`, 2 ** (n - 1) + k * 2 ** n))], outputs: [`${pre}_pr`], attrs: {} },
    { name: `${pre}_shr`, op: 'Div', inputs: [`${pre}_pr`, init(i64(`${pre}_pow`, 2 ** n))], outputs: [`${pre}_r`], attrs: {} },
  ];
  return { nodes, out: `${pre}_r`, k };
}

/** Nodes computing the Add's integer output `${out}_q` (dtype of y) from the inputs' integer tensors. */
export function integerAdd(name: string, qa: string, qb: string, a: QValue, b: QValue, y: QValue, out: string, init: (t: Initializer) => string, clamp?: [number, number]): Node[] {
  const sy = y.quant.scale[0]!, zy = y.quant.zeroPoint[0]!;
  const ra = rescale(`${name}_a`, qa, a, a.quant.scale[0]! / sy, init), rb = rescale(`${name}_b`, qb, b, b.quant.scale[0]! / sy, init);
  const [lo0, hi0] = quantRange(y.dtype as QuantDType);
  const lo = Math.max(lo0, clamp?.[0] ?? lo0), hi = Math.min(hi0, clamp?.[1] ?? hi0);
  return [
    ...ra.nodes, ...rb.nodes,
    { name: `${name}_sum`, op: 'Add', inputs: [ra.out, rb.out], outputs: [`${name}_s`], attrs: {} },
    { name: `${name}_zp`, op: 'Add', inputs: [`${name}_s`, init(i64(`${name}_zpk`, zy - ra.k - rb.k))], outputs: [`${name}_z`], attrs: {} },
    { name: `${name}_max`, op: 'Max', inputs: [`${name}_z`, init(i64(`${name}_lo`, lo))], outputs: [`${name}_lo_out`], attrs: {} },
    { name: `${name}_min`, op: 'Min', inputs: [`${name}_lo_out`, init(i64(`${name}_hi`, hi))], outputs: [`${name}_sat`], attrs: {} },
    { name: `${name}_narrow`, op: 'Cast', inputs: [`${name}_sat`], outputs: [out], attrs: { to: ONNX_DTYPE_CODES[y.dtype] } },
  ];
}
