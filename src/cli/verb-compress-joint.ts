// `bwvm compress MODEL --strategy joint [--bits 32,16,8] --cycles 0.3 -o OUT`: joint pruning +
// per-layer bit widths (src/compress/quant/joint.ts) from the measured pruning curves and a
// per-layer int16/int8 sensitivity; writes the mixed-precision model (QDQ graph, float simulation
// of the integer layers) and prints the per-layer channels + precision and each budget's use.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Graph, Tensor } from '../ir/types.js';
import type { Dataset } from '../bwdnn/data/dataset.js';
import { evaluate } from '../bwdnn/train/evaluate.js';
import { recalibrateBn, type BudgetName, type ChannelGroup, type SensitivityResult } from '../compress/index.js';
import { bitSensitivity, jointLimits, parseJointBits, runJoint } from '../compress/quant/index.js';
import { exportOnnx } from '../frontend/onnx/export.js';
import { saveNative } from '../frontend/native/save.js';
import { tableText } from '../display/table.js';
import type { CycleModel } from '../session/cycle-model.js';
import { budgetText } from './verb-compress.js';

export interface JointVerbArgs {
  g: Graph; groups: ChannelGroup[]; scores: Map<number, Float64Array>; curves: SensitivityResult;
  calib: Tensor; val: Dataset; input: Partial<Record<BudgetName, string>>; bits: string; simd: number; out: string;
  cycleModel?: CycleModel;
}

export async function compressJoint(a: JointVerbArgs): Promise<number> {
  const bits = parseJointBits(a.bits.split(',').map((s) => s.trim()).filter(Boolean));
  const cycles = a.cycleModel?.joint;
  const limits = jointLimits(a.g, a.input, cycles);
  process.stderr.write(`bit sensitivity of ${a.g.name} (int16, int8 per layer)\n`);
  // the reference executor: onnxruntime rejects int16 QuantizeLinear
  const bitCurves = await bitSensitivity(a.g, { evaluate: async (p) => { const e = await evaluate(p, a.val); return { accuracy: e.accuracy, loss: e.loss }; }, calib: a.calib });
  const { plan, applied } = runJoint(a.g, a.groups, {
    limits, bits, curves: a.curves, bitCurves, scores: a.scores, simd: a.simd, calib: a.calib,
    recalibrate: (p) => recalibrateBn(p, a.calib), ...(cycles ? { cycles } : {}),
  });
  const model = applied.simulated;
  model.name = `${a.g.name}-joint`;
  mkdirSync(dirname(a.out), { recursive: true });
  if (a.out.endsWith('.bwvm')) saveNative(model, a.out); else writeFileSync(a.out, exportOnnx(model, { producer: 'bwvm compress --strategy joint' }));
  const before = (await evaluate(a.g, a.val)).accuracy, after = (await evaluate(model, a.val)).accuracy;
  process.stdout.write(tableText({ columns: ['layer', 'channels', 'kept', 'bits'], rows: plan.rows.map((r) => [r.layer, r.channels, r.kept, r.bits === 32 ? 'fp32' : `int${r.bits}`]) }) + '\n');
  process.stdout.write(budgetText(plan.budgets) + '\n');
  process.stdout.write(`wrote ${a.out}: mixed precision (joint); accuracy ${(100 * before).toFixed(1)} % -> ${(100 * after).toFixed(1)} % on ${a.val.n} test images\n`);
  return 0;
}
