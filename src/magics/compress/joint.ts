// `%compress --strategy joint [--bits 32,16,8]`: joint pruning + per-layer bit widths under the
// same budgets (src/compress/quant/joint.ts), from the cached pruning sensitivity and a per-layer
// bit sensitivity measured here (cached per model); cycles from the DSP cycle model with the
// per-precision factors. Stores the mixed-precision model (fake-quantized float graph).
import type { Graph } from '../../ir/types.js';
import { bitSensitivity, jointLimits, runJoint, type BitSensitivity, type JointPlan, type LayerBits } from '../../compress/quant/index.js';
import type { BudgetName, Criterion } from '../../compress/index.js';
import type { CycleModel } from '../../session/cycle-model.js';
import { MODELS, type ModelEntry } from '../../session/models.js';
import { storeKey } from '../../session/store.js';
import { evaluate } from '../../bwdnn/train/evaluate.js';
import { MIME, table, type MimeBundle } from '../../display/index.js';
import { BwvmError } from '../../util/errors.js';
import type { MagicContext } from '../types.js';
import { QMODELS } from '../quant.js';
import { SENSITIVITY, evalData, evaluator, groupsOf, recalibrator, scoresFor } from './common.js';

export const BIT_SENSITIVITY = storeKey<BitSensitivity>('bit-sensitivity');

export { parseJointBits } from '../../compress/quant/index.js';

export interface JointArgs {
  input: Partial<Record<BudgetName, string>>;
  bits: LayerBits[]; criterion: Criterion; simd: number; minKeep: number; samples: number; name: string;
  cycleModel?: CycleModel;
}

export interface JointResult extends JointPlan { model: string; pruned: string; accuracy: { original: number; compressed: number; samples: number }; quantized: boolean }

export async function jointCompress(ctx: MagicContext, m: ModelEntry, a: JointArgs): Promise<JointResult> {
  const curves = ctx.session.store.get(SENSITIVITY, m.name);
  if (!curves) throw new BwvmError('compress-no-curves', `strategy 'joint' needs the sensitivity curves of '${m.name}'`, { hint: `run %sensitivity --model ${m.name} first` });
  const cycles = a.cycleModel?.joint;
  const limits = jointLimits(m.graph, a.input, cycles);
  const data = evalData(ctx.session, undefined, a.samples, 64);
  let bitCurves = ctx.session.store.get(BIT_SENSITIVITY, m.name);
  if (!bitCurves) {
    ctx.stdout(`measuring per-layer bit sensitivity of '${m.name}' (int16, int8; ${data.val.n} images)\n`);
    bitCurves = await bitSensitivity(m.graph, { evaluate: evaluator(data.val, ctx.signal), calib: data.calib, signal: ctx.signal });
    ctx.session.store.set(BIT_SENSITIVITY, m.name, bitCurves);
  }
  const groups = groupsOf(m.graph);
  const { plan, applied } = runJoint(m.graph, groups, {
    limits, bits: a.bits, curves, bitCurves, simd: a.simd, minKeep: a.minKeep, calib: data.calib,
    scores: scoresFor(ctx.session, m.graph, groups, a.criterion), recalibrate: recalibrator(data.calib),
    ...(cycles ? { cycles } : {}),
  });
  const graph: Graph = applied.simulated;
  graph.name = a.name;
  ctx.session.store.set(MODELS, a.name, { name: a.name, graph, source: `${m.source} pruned + mixed precision (joint)`, format: m.format });
  if (applied.model) { applied.model.name = a.name; ctx.session.store.set(QMODELS, a.name, applied.model); }
  const original = (await evaluate(m.graph, data.val, { signal: ctx.signal })).accuracy;
  const compressed = (await evaluate(graph, data.val, { signal: ctx.signal })).accuracy;
  return { ...plan, model: m.name, pruned: a.name, quantized: !!applied.model, accuracy: { original, compressed, samples: data.val.n } };
}

export function jointView(r: JointResult): { [MIME](): MimeBundle } {
  const rows = r.rows.map((x) => ({ layer: x.layer, channels: x.channels, kept: x.kept, bits: x.bits === 32 ? 'fp32' : `int${x.bits}` }));
  const budgets = r.budgets.map((b) => ({ budget: b.budget, original: b.original, limit: b.limit, value: b.value, use: b.value / b.limit, ok: b.ok ? 'yes' : 'NO' }));
  const acc = [{ model: r.model, accuracy: r.accuracy.original }, { model: r.pruned, accuracy: r.accuracy.compressed }];
  const parts = [
    table(rows, { caption: 'joint plan: channels and precision per layer', maxRows: 1000 }),
    table(budgets, { caption: 'budgets' }),
    table(acc, { caption: `accuracy on ${r.accuracy.samples} test images (mixed precision simulated in float)` }),
  ].map((t) => t[MIME]());
  return { [MIME]: () => ({ 'text/html': parts.map((p) => p['text/html'] as string).join(''), 'text/plain': parts.map((p) => p['text/plain'] as string).join('\n') }) };
}
