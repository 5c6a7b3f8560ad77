// ONNX import of the integer operator form: QLinearConv and QLinearMatMul are expanded into the
// equivalent QDQ subgraph (DequantizeLinear inputs -> Conv/MatMul -> QuantizeLinear), with the
// int32 bias dequantized by s_x * s_w; QuantizeLinear/DequantizeLinear import as they are.
import type { Graph } from '../../ir/types.js';
import { BwvmError } from '../../util/errors.js';
import { ATTR, type PNode } from './proto.js';

const axisAttr = (axis: number) => ({ name: 'axis', type: ATTR.INT, i: axis });

/** Replace QLinearConv / QLinearMatMul proto nodes by DQ -> op -> Q (new initializers go into g). */
export function expandQLinear(nodes: PNode[], g: Graph, file: string): PNode[] {
  const out: PNode[] = [];
  nodes.forEach((n, idx) => {
    if (n.op_type !== 'QLinearConv' && n.op_type !== 'QLinearMatMul') { out.push(n); return; }
    if (n.domain && n.domain !== 'ai.onnx') { out.push(n); return; }
    const name = n.name || `${n.op_type}_${idx}`;
    const i = n.input ?? [];
    const [x, xs, xz, w, ws, wz, ys, yz, b] = i;
    if (!x || !xs || !w || !ws || !ys || !(n.output ?? [])[0]) throw new BwvmError('ONNX_QLINEAR', `${file}: node '${name}' (${n.op_type}) misses required inputs`);
    const wScale = g.initializers.get(ws);
    const perChannel = (wScale?.data.length ?? 1) > 1;
    const conv = n.op_type === 'QLinearConv';
    const t = (s: string) => `${name}/${s}`;
    out.push({ name: t('dq_x'), op_type: 'DequantizeLinear', input: [x, xs, ...(xz ? [xz] : [])], output: [t('x')] });
    // per-channel weights: output channels (axis 0) of a conv, columns (axis 1) of a MatMul B
    out.push({ name: t('dq_w'), op_type: 'DequantizeLinear', input: [w, ws, ...(wz ? [wz] : [])], output: [t('w')], attribute: perChannel ? [axisAttr(conv ? 0 : 1)] : [] });
    const ins = [t('x'), t('w')];
    if (conv && b) {
      const sx = g.initializers.get(xs);
      if (!sx || !wScale) throw new BwvmError('ONNX_QLINEAR', `${file}: node '${name}' (QLinearConv) has a bias but non-constant scales`, { hint: 'x_scale and w_scale must be initializers to dequantize the int32 bias' });
      const bs = Float32Array.from(wScale.data as Float32Array, (s) => s * Number(sx.data[0]));
      g.initializers.set(t('b_scale'), { name: t('b_scale'), dtype: 'float32', shape: perChannel ? [bs.length] : [], data: bs });
      g.initializers.set(t('b_zp'), { name: t('b_zp'), dtype: 'int32', shape: perChannel ? [bs.length] : [], data: new Int32Array(bs.length) });
      out.push({ name: t('dq_b'), op_type: 'DequantizeLinear', input: [b, t('b_scale'), t('b_zp')], output: [t('b')], attribute: perChannel ? [axisAttr(0)] : [] });
      ins.push(t('b'));
    }
    out.push({ name: t(conv ? 'conv' : 'matmul'), op_type: conv ? 'Conv' : 'MatMul', input: ins, output: [t('y')], attribute: conv ? n.attribute ?? [] : [] });
    out.push({ name, op_type: 'QuantizeLinear', input: [t('y'), ys, ...(yz ? [yz] : [])], output: [n.output![0]!] });
  });
  return out;
}
