// The DSP cycle cost model for cycle budgets: per layer, cycles ≈ θ·[1, input elems, output elems,
// FLOPs], fitted by least squares on a few library-mode simulations of channel-pruned copies of
// the model (all layers kept, at 1/4, at 1/2, two alternating patterns); then evaluated on any pruned
// graph of that model in microseconds. Cached per target and model structure.
import type { Graph } from '../ir/types.js';
import { graphCost } from '../ir/cost.js';
import { infoOf } from '../ir/infer.js';
import { analyzeGroups, applyPruning, orderedGroups, roundCount, type CycleCost, type KeepPlan } from '../compress/index.js';
import { BIT_MAC_COST, type JointCycleCost, type LayerBits } from '../compress/quant/index.js';
import { resolveTarget, TARGETS, type TargetDesc } from '../target/index.js';
import { BwvmError, errorMessage, isBwvmError } from '../util/errors.js';
import { compileLibrary, runLibrary } from './library.js';

/** Cycles of a Conv/Gemm at each precision relative to fp32: the joint allocator's MAC cost (SIMD lanes per word). */
export const BIT_CYCLE_FACTOR: Readonly<Record<LayerBits, number>> = BIT_MAC_COST;

export interface CalibrationRun { pattern: string; simulated: number; fitted: number }

export interface CycleModel {
  target: string;
  /** Simulated cycles of the unpruned model (library mode, one image). */
  original: number;
  /** Estimated cycles of a pruned copy of the model (the compress CycleCost). */
  cost: CycleCost;
  /** Same, with per-layer precisions: Conv/Gemm cycles scaled by BIT_CYCLE_FACTOR. */
  joint: JointCycleCost;
  /** Estimated cycles per library layer. */
  layers(g: Graph): { node: string; op: string; cycles: number }[];
  /** The calibration simulations and the model's total on each (the fit's own error). */
  runs: CalibrationRun[];
}

interface LayerFit { node: string; op: string; scale: number[]; theta: number[] }

const elems = (g: Graph, v: string | undefined): number => {
  const s = v ? (g.initializers.get(v)?.shape ?? infoOf(g, v)?.shape) : undefined;
  return s ? s.reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1) : 0;
};

/** The features of every node of g by name: [1, input elems, output elems, FLOPs]. */
function features(g: Graph): Map<string, { op: string; f: number[] }> {
  const c = graphCost(g);
  return new Map(g.nodes.map((n, i) => [n.name, { op: n.op, f: [1, elems(g, n.inputs[0]), elems(g, n.outputs[0]), c.nodes[i]!.flops] }]));
}

/**
 * Least squares on relative error (rows weighted by 1/y, so small pruned plans fit as well as the
 * full model); a tiny ridge term keeps collinear features (in = out of a ReLU) solvable.
 */
function fit(X: number[][], y: number[]): number[] {
  const p = X[0]!.length, A = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  X.forEach((x, r) => {
    const w = 1 / Math.max(1, y[r]!) ** 2;
    for (let i = 0; i < p; i++) { for (let j = 0; j < p; j++) A[i]![j]! += w * x[i]! * x[j]!; A[i]![p]! += w * x[i]! * y[r]!; }
  });
  const tr = A.reduce((a, row, i) => a + row[i]!, 0);
  for (let i = 0; i < p; i++) A[i]![i]! += 1e-9 * tr + 1e-12;
  for (let i = 0; i < p; i++) {
    let piv = i;
    for (let r = i + 1; r < p; r++) if (Math.abs(A[r]![i]!) > Math.abs(A[piv]![i]!)) piv = r;
    [A[i], A[piv]] = [A[piv]!, A[i]!];
    for (let r = 0; r < p; r++) {
      if (r === i) continue;
      const m = A[r]![i]! / A[i]![i]!;
      for (let j = i; j <= p; j++) A[r]![j]! -= m * A[i]![j]!;
    }
  }
  return A.map((row, i) => row[p]! / row[i]!);
}

/** Calibration patterns: keep fraction per prunable group (in execution order). */
const PATTERNS: { name: string; keep(i: number): number }[] = [
  { name: 'keep all', keep: () => 1 },
  { name: 'keep 1/4', keep: () => 0.25 },
  { name: 'keep 1/2', keep: () => 0.5 },
  { name: 'alternate 1, 0.4', keep: (i) => (i % 2 ? 0.4 : 1) },
  { name: 'alternate 0.4, 1', keep: (i) => (i % 2 ? 1 : 0.4) },
];

/** Simulated library-mode cycles per layer of g (and the call-sequence cycles). */
export async function simulateLayers(g: Graph, t: TargetDesc, signal?: AbortSignal): Promise<{ total: number; calls: number; layers: Map<string, number> }> {
  let m;
  try { m = compileLibrary(g, t); } catch (e) {
    throw new BwvmError('CYCLE_MODEL_LOWER', `cannot estimate DSP cycles of '${g.name}': library mode cannot lower it (${errorMessage(e).split('\n')[0]})`,
      { hint: isBwvmError(e) && e.hint ? e.hint : 'drop the cycle budget (--cycles) or use a model whose ops dsplib covers' });
  }
  const feeds = Object.fromEntries(m.inputs.map((i) => [i.name, new Float32Array(i.words)]));
  const r = await runLibrary(m, t, feeds, signal ? { signal } : {});
  return { total: r.profile.cycles, calls: r.callCycles, layers: new Map(r.layers.map((l) => [l.node, l.cycles])) };
}

const structureKey = (g: Graph, t: TargetDesc): string =>
  JSON.stringify([t.name, g.nodes.map((n) => [n.name, n.op, n.inputs]), [...g.initializers].map(([k, v]) => [k, v.shape])]);

const CACHE = new Map<string, Promise<CycleModel>>();

/** The calibrated model for g on t (5 library-mode simulations, cached per target + structure). */
export function cycleModel(g: Graph, t: TargetDesc, o: { signal?: AbortSignal; onRun?: (done: number, total: number) => void } = {}): Promise<CycleModel> {
  const key = structureKey(g, t);
  let p = CACHE.get(key);
  if (!p) {
    p = calibrate(g, t, o);
    CACHE.set(key, p);
    p.catch(() => CACHE.delete(key));
  }
  return p;
}

async function calibrate(g: Graph, t: TargetDesc, o: { signal?: AbortSignal; onRun?: (done: number, total: number) => void }): Promise<CycleModel> {
  const groups = analyzeGroups(g), order = orderedGroups(g, groups);
  const samples: { pattern: string; graph: Graph; feats: Map<string, { op: string; f: number[] }>; sim: Awaited<ReturnType<typeof simulateLayers>> }[] = [];
  for (const [i, p] of PATTERNS.entries()) {
    if (i > 0 && !order.length) break;
    // channel counts rounded to the SIMD width like the allocator's, so the fit sees its steps
    const plan: KeepPlan = new Map(order.map((x, k) => [x.id, [...Array(roundCount(x.size, p.keep(k), t.macros, 0.1)).keys()]]));
    const graph = i === 0 ? g : applyPruning(g, groups, plan);
    samples.push({ pattern: p.name, graph, feats: features(graph), sim: await simulateLayers(graph, t, o.signal) });
    o.onRun?.(i + 1, PATTERNS.length);
  }
  const base = samples[0]!;
  const calls = samples.reduce((a, s) => a + s.sim.calls, 0) / samples.length;
  const fits: LayerFit[] = [...base.sim.layers.keys()].map((node) => {
    const f0 = base.feats.get(node);
    if (!f0) throw new BwvmError('CYCLE_MODEL_LAYER', `library layer '${node}' is not a node of '${g.name}'`, { hint: 'the cycle model needs library mode to keep node names (optimize O1)' });
    const scale = f0.f.map((v) => (v > 0 ? v : 1));
    const X = samples.map((s) => s.feats.get(node)!.f.map((v, j) => v / scale[j]!));
    return { node, op: f0.op, scale, theta: fit(X, samples.map((s) => s.sim.layers.get(node)!)) };
  });
  const perLayer = (g2: Graph, bits?: Readonly<Record<string, LayerBits>>) => {
    const feats = features(g2);
    return fits.map((l) => {
      const f = feats.get(l.node);
      if (!f) throw new BwvmError('CYCLE_MODEL_LAYER', `the cycle model of '${g.name}' has layer '${l.node}' but graph '${g2.name}' does not`, { hint: 'cycle costs apply to channel-pruned copies of the calibrated model' });
      const v = Math.max(0, l.theta.reduce((a, th, j) => a + th * (f.f[j]! / l.scale[j]!), 0));
      const isLayer = l.op === 'Conv' || l.op === 'Gemm';
      return { node: l.node, op: l.op, cycles: v * (isLayer && bits ? BIT_CYCLE_FACTOR[bits[l.node] ?? 32] : 1) };
    });
  };
  const memo = new WeakMap<Graph, number>();
  const cost: CycleCost = (g2) => {
    let v = memo.get(g2);
    if (v === undefined) memo.set(g2, (v = calls + perLayer(g2).reduce((a, l) => a + l.cycles, 0)));
    return v;
  };
  return {
    target: t.name, original: base.sim.total, cost,
    joint: (g2, bits) => calls + perLayer(g2, bits).reduce((a, l) => a + l.cycles, 0),
    layers: (g2) => perLayer(g2),
    runs: samples.map((s) => ({ pattern: s.pattern, simulated: s.sim.total, fitted: cost(s.graph) })),
  };
}

/** The cycle model for a --cycles budget: resolves the target (a clear error naming the fix when it cannot) and calibrates. */
export async function cycleModelFor(g: Graph, target: string | undefined, o: { signal?: AbortSignal; onRun?: (done: number, total: number) => void } = {}): Promise<CycleModel> {
  let t: TargetDesc;
  try {
    if (!target) throw new BwvmError('TARGET_UNKNOWN', 'no target given');
    t = await resolveTarget(target);
  } catch (e) {
    throw new BwvmError('BUDGET_CYCLES_TARGET', `a cycle budget needs a DSP target to simulate on: ${errorMessage(e).split('\n')[0]}`,
      { hint: `pass --target ${Object.keys(TARGETS).join('|')} or a target JSON file` });
  }
  return cycleModel(g, t, o);
}

/** One line on the model's calibration for the user. */
export function describeCycleModel(m: CycleModel, model: string): string {
  const err = Math.max(...m.runs.map((r) => Math.abs(r.fitted / r.simulated - 1)));
  return `cycle model: ${m.runs.length} library-mode simulations of '${model}' on ${m.target} (${m.original} cycles unpruned; fit error ${(100 * err).toFixed(2)} %, within ~1 % (lenet5) to ~11 % (vgg_small) on unseen plans; --exact-cycles checks on the simulator)`;
}
