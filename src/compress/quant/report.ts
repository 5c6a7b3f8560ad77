// The per-layer quantization table: for every node of the integer model its bits, weight scales
// (range over channels), output scale and zero point, and the error of its dequantized output
// against the float reference on a sample batch (SQNR in dB and max error in output steps).
import type { Graph, Tensor } from '../../ir/types.js';
import { runDetailed } from '../../bwdnn/reference/run.js';
import { dequantizeTensor, runQuantized } from '../../bwdnn/quant/execute.js';
import type { QModel } from '../../bwdnn/quant/model.js';

export interface QuantLayerRow {
  layer: string;
  op: string;
  bits: number;
  weightScale: string;
  outScale: number;
  zeroPoint: number;
  /** 10 log10(signal / quantization noise) of this node's output vs the float model. */
  sqnrDb: number;
  /** max |float - dequantized| in output quantization steps. */
  maxErrSteps: number;
}

const fmt = (v: number) => v.toPrecision(3);

export function quantReport(g: Graph, m: QModel, x: Tensor): QuantLayerRow[] {
  const f = runDetailed(g, { [g.inputs[0]!.name]: x }, { keepIntermediates: true }).intermediates!;
  const q = runQuantized(m, x, { keep: true }).values!;
  return m.nodes.map((n) => {
    const v = m.values.get(n.output)!, ref = f[n.output]!.data as Float32Array;
    const got = dequantizeTensor(q.get(n.output)!, v).data as Float32Array;
    let sig = 0, noise = 0, worst = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = ref[i]! - got[i]!;
      sig += ref[i]! * ref[i]!; noise += d * d; worst = Math.max(worst, Math.abs(d));
    }
    const ws = n.weight?.quant?.scale;
    return {
      layer: n.from.join('+'),
      op: n.op,
      bits: v.dtype === 'int16' ? 16 : 8,
      weightScale: ws ? (ws.length > 1 ? `${fmt(Math.min(...ws))}..${fmt(Math.max(...ws))} (${ws.length} ch)` : fmt(ws[0]!)) : '',
      outScale: v.quant.scale[0]!,
      zeroPoint: v.quant.zeroPoint[0]!,
      sqnrDb: noise > 0 ? 10 * Math.log10(sig / noise) : Infinity,
      maxErrSteps: worst / v.quant.scale[0]!,
    };
  });
}
