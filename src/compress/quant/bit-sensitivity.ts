// Mixed-precision simulation in the float graph and per-layer bit sensitivity: a Conv/Gemm at 8
// or 16 bits gets its weights quantized per output channel (symmetric, round half even) and its
// input activation passed through QuantizeLinear -> DequantizeLinear at the calibrated range;
// 32-bit layers stay float. Sensitivity quantizes one layer at a time and measures the loss.
import type { Graph, Initializer, Node, Tensor } from '../../ir/types.js';
import { cloneGraph, uniqueName } from '../../ir/graph.js';
import { paramsForRange, quantDTypeOfBits, quantRange } from '../../ir/quant.js';
import { roundHalfEven } from '../../bwdnn/quant/fixed.js';
import type { Metrics } from '../sensitivity.js';
import { chooseRange, collectStats, type Stats } from './calibrate.js';
import { foldBatchNorm } from './fold-bn.js';

export type LayerBits = 8 | 16 | 32;
export const JOINT_BITS: readonly LayerBits[] = [32, 16, 8];

/** Conv/Gemm node names (the layers a bit width is chosen for), in graph order. */
export const quantLayers = (g: Graph): string[] => g.nodes.filter((n) => n.op === 'Conv' || n.op === 'Gemm').map((n) => n.name);

function fakeQuantWeights(W: Initializer, n: Node, bits: 8 | 16): Initializer {
  const w = W.data as Float32Array, hi = quantRange(quantDTypeOfBits(bits))[1];
  const byCol = n.op === 'Gemm' && n.attrs.transB !== 1;
  const C = byCol ? W.shape[1]! : W.shape[0]!, per = w.length / C;
  const ch = (i: number) => (byCol ? i % C : Math.floor(i / per));
  const amax = new Float64Array(C);
  for (let i = 0; i < w.length; i++) amax[ch(i)] = Math.max(amax[ch(i)]!, Math.abs(w[i]!));
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) { const s = amax[ch(i)]! > 0 ? amax[ch(i)]! / hi : 1; out[i] = Math.max(-hi, Math.min(hi, roundHalfEven(w[i]! / s))) * s; }
  return { ...W, data: out };
}

/**
 * A float copy of g (batch norm folded) where every layer with 8/16 bits in `bits` is fake-
 * quantized; `stats` must hold the layer inputs' ranges (collectStats on g or its folded copy).
 */
export function fakeQuantize(g0: Graph, stats: Stats, bits: Record<string, LayerBits>): Graph {
  const g = g0.nodes.some((n) => n.op === 'BatchNormalization') ? foldBatchNorm(g0).graph : cloneGraph(g0);
  const before = new Map<Node, Node[]>();
  for (const n of g.nodes) {
    const b = bits[n.name];
    if ((n.op !== 'Conv' && n.op !== 'Gemm') || b === undefined || b === 32) continue;
    const wName = uniqueName(g, `${n.inputs[1]}.fq${b}`);
    g.initializers.set(wName, { ...fakeQuantWeights(g.initializers.get(n.inputs[1]!)!, n, b), name: wName });
    n.inputs[1] = wName;
    const x = n.inputs[0]!, st = stats.get(x);
    if (!st) continue; // no statistics for this input: weights only
    const dt = quantDTypeOfBits(b), r = chooseRange(st, { method: 'minmax', dtype: dt, symmetric: false });
    const p = paramsForRange(r.min, r.max, dt, false);
    const base = uniqueName(g, `${n.name}.in_fq`);
    g.initializers.set(`${base}.scale`, { name: `${base}.scale`, dtype: 'float32', shape: [], data: Float32Array.of(p.scale) });
    g.initializers.set(`${base}.zp`, { name: `${base}.zp`, dtype: dt, shape: [], data: dt === 'int8' ? Int8Array.of(p.zeroPoint) : Int16Array.of(p.zeroPoint) });
    before.set(n, [
      { name: `${base}.Q`, op: 'QuantizeLinear', inputs: [x, `${base}.scale`, `${base}.zp`], outputs: [`${base}.q`], attrs: {} },
      { name: `${base}.DQ`, op: 'DequantizeLinear', inputs: [`${base}.q`, `${base}.scale`, `${base}.zp`], outputs: [`${base}.y`], attrs: {} },
    ]);
    n.inputs[0] = `${base}.y`;
  }
  // keep topological order: each Q/DQ pair goes right before its reader
  g.nodes = g.nodes.flatMap((n) => [...(before.get(n) ?? []), n]);
  return g;
}

/** Loss increase (vs the float model) of quantizing only that layer, per layer and bit width. */
export interface BitSensitivity { base: Metrics; layers: { layer: string; loss: Record<8 | 16, number>; accuracy: Record<8 | 16, number> }[] }

export interface BitSensitivityOptions {
  evaluate(g: Graph): Promise<Metrics>;
  /** Calibration batch for the activation ranges. */
  calib: Tensor;
  layers?: string[];
  signal?: AbortSignal;
}

export async function bitSensitivity(g: Graph, o: BitSensitivityOptions): Promise<BitSensitivity> {
  const stats = collectStats(g, o.calib, o.signal ? { signal: o.signal } : {});
  const base = await o.evaluate(g);
  const layers: BitSensitivity['layers'] = [];
  for (const layer of o.layers ?? quantLayers(g)) {
    const row = { layer, loss: { 8: 0, 16: 0 }, accuracy: { 8: 0, 16: 0 } };
    for (const b of [16, 8] as const) {
      o.signal?.throwIfAborted();
      const m = await o.evaluate(fakeQuantize(g, stats, { [layer]: b }));
      row.loss[b] = Math.max(0, m.loss - base.loss);
      row.accuracy[b] = m.accuracy;
    }
    layers.push(row);
  }
  return { base, layers };
}
