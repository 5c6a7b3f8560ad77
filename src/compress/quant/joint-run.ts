// One joint compression, the sequence both `%compress --strategy joint` and `bwvm compress
// --strategy joint` run: parse the --bits list, resolve the budget flags (fractions of the fp32 model
// or absolute amounts) before anything is measured, then allocate channels + precision per layer, and apply the plan (prune, BN
// recalibration, integer lowering of the quantized layers).
import type { Graph, Tensor } from '../../ir/types.js';
import { BwvmError } from '../../util/errors.js';
import type { ChannelGroup } from '../groups.js';
import { parseAmount, type BudgetLimits, type BudgetName } from '../budgets.js';
import type { SensitivityResult } from '../sensitivity.js';
import { JOINT_BITS, type BitSensitivity, type LayerBits } from './bit-sensitivity.js';
import type { JointCycleCost } from './joint-costs.js';
import { allocateJoint, applyJoint, resolveJointBudgets, type AppliedJoint, type JointPlan } from './joint.js';

/** `--bits 32,16,8` -> the allowed precisions (32 = float); empty -> all three. */
export function parseJointBits(items: readonly string[] | undefined): LayerBits[] {
  if (!items?.length) return [...JOINT_BITS];
  return items.map((s) => {
    const b = Number(s);
    if (b !== 8 && b !== 16 && b !== 32) throw new BwvmError('compress-bits', `--bits: '${s}' is not 8, 16 or 32`, { hint: 'e.g. --bits 32,16,8 (32 = float) or --bits 16,8' });
    return b as LayerBits;
  });
}

/** Budget flags as given (`--cycles 0.3`, `--bytes 120k`) -> absolute limits; checked before any measuring. */
export function jointLimits(g: Graph, input: Partial<Record<BudgetName, string>>, cycles?: JointCycleCost): BudgetLimits {
  const amounts = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, parseAmount(v!, `--${k}`)]));
  const limits = resolveJointBudgets(g, amounts, cycles);
  if (!Object.keys(limits).length) throw new BwvmError('BUDGET_NONE', 'no budget given', { hint: 'e.g. --cycles 0.3 or --bytes 0.25' });
  return limits;
}

export interface JointRunOptions {
  /** From jointLimits. */
  limits: BudgetLimits;
  bits: readonly LayerBits[];
  curves: SensitivityResult;
  bitCurves: BitSensitivity;
  scores: Map<number, Float64Array>;
  simd: number;
  minKeep?: number;
  cycles?: JointCycleCost;
  /** Calibration batch for the integer lowering and BN recalibration. */
  calib: Tensor;
  recalibrate?: (pruned: Graph) => void;
}

export function runJoint(g: Graph, groups: ChannelGroup[], o: JointRunOptions): { plan: JointPlan; applied: AppliedJoint } {
  const plan = allocateJoint(g, groups, {
    limits: o.limits, curves: o.curves, bitCurves: o.bitCurves, scores: o.scores, bits: o.bits, simd: o.simd,
    ...(o.minKeep !== undefined ? { minKeep: o.minKeep } : {}), ...(o.cycles ? { cycles: o.cycles } : {}),
  });
  return { plan, applied: applyJoint(g, groups, plan, o.calib, o.recalibrate) };
}
