// Batch-norm recalibration: after pruning, set every BN layer's running statistics to those of
// a calibration batch (a training-mode forward with momentum 0), so accuracy is measured fairly.
import type { Graph, Tensor } from '../ir/types.js';
import { forwardTape } from '../bwdnn/train/tape.js';

export function recalibrateBn(g: Graph, batch: Tensor): void {
  const bns = g.nodes.filter((n) => n.op === 'BatchNormalization');
  if (!bns.length) return;
  const saved = bns.map((n) => n.attrs.momentum);
  for (const n of bns) n.attrs = { ...n.attrs, momentum: 0 };
  try {
    forwardTape(g, { [g.inputs[0]!.name]: batch }, true);
  } finally {
    bns.forEach((n, i) => { n.attrs = { ...n.attrs }; if (saved[i] === undefined) delete n.attrs.momentum; else n.attrs.momentum = saved[i]!; });
  }
}
