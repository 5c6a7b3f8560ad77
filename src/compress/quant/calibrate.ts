// Calibration: run the float reference executor over calibration batches, recording for every
// value its exact min/max and a strided sample of its elements; then choose a clipping range
// per value by min/max, percentile or MSE-optimal search (quantization error on the samples).
import type { Graph, Tensor } from '../../ir/types.js';
import { runDetailed } from '../../bwdnn/reference/run.js';
import { quantRange, paramsForRange, type QuantDType } from '../../ir/quant.js';
import { BwvmError } from '../../util/errors.js';

export type CalibMethod = 'minmax' | 'percentile' | 'mse';
export const CALIB_METHODS: readonly CalibMethod[] = ['minmax', 'percentile', 'mse'];

export interface ValueStats { min: number; max: number; samples: Float32Array; count: number }
export type Stats = Map<string, ValueStats>;

export interface CalibrateOptions { batchSize?: number; maxSamples?: number; signal?: AbortSignal }

/** Statistics of the graph input and of every node output over `data` (N x ...). */
export function collectStats(g: Graph, data: Tensor, o: CalibrateOptions = {}): Stats {
  const bs = o.batchSize ?? 64, cap = o.maxSamples ?? 16384;
  const N = data.shape[0]!, per = data.data.length / N, input = g.inputs[0]!.name;
  if (!(N > 0)) throw new BwvmError('QUANT_CALIB', 'calibration needs at least one sample', { hint: 'pass a non-empty calibration split' });
  const acc = new Map<string, { min: number; max: number; parts: Float32Array[]; count: number }>();
  const record = (name: string, t: Tensor) => {
    if (t.dtype !== 'float32') return;
    const d = t.data as Float32Array;
    let a = acc.get(name);
    if (!a) { a = { min: Infinity, max: -Infinity, parts: [], count: 0 }; acc.set(name, a); }
    for (let i = 0; i < d.length; i++) { const v = d[i]!; if (v < a.min) a.min = v; if (v > a.max) a.max = v; }
    // strided sample: about cap/batches elements per batch
    const want = Math.max(1, Math.ceil(cap / Math.ceil(N / bs))), step = Math.max(1, Math.floor(d.length / want));
    const s = new Float32Array(Math.ceil(d.length / step));
    for (let i = 0, j = 0; i < d.length; i += step) s[j++] = d[i]!;
    a.parts.push(s);
    a.count += d.length;
  };
  for (let s = 0; s < N; s += bs) {
    o.signal?.throwIfAborted();
    const m = Math.min(bs, N - s);
    const x: Tensor = { dtype: 'float32', shape: [m, ...data.shape.slice(1)], data: (data.data as Float32Array).subarray(s * per, (s + m) * per) };
    record(input, x);
    runDetailed(g, { [input]: x }, { onNode: (_n, outs) => { for (const [k, t] of Object.entries(outs)) record(k, t); } });
  }
  const out: Stats = new Map();
  for (const [k, a] of acc) {
    const samples = new Float32Array(a.parts.reduce((n, p) => n + p.length, 0));
    let o2 = 0;
    for (const p of a.parts) { samples.set(p, o2); o2 += p.length; }
    out.set(k, { min: a.min, max: a.max, samples, count: a.count });
  }
  return out;
}

function quantile(sorted: Float32Array, p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))));
  return sorted[i]!;
}

/** Mean squared error of quantize-dequantize of the samples with the given params. */
export function quantMse(x: Float32Array, scale: number, zp: number, dt: QuantDType): number {
  const [lo, hi] = quantRange(dt);
  let e = 0;
  for (let i = 0; i < x.length; i++) {
    const q = Math.min(hi, Math.max(lo, Math.round(x[i]! / scale) + zp));
    const d = x[i]! - (q - zp) * scale;
    e += d * d;
  }
  return e / Math.max(1, x.length);
}

export interface RangeOptions { method: CalibMethod; dtype: QuantDType; symmetric: boolean; percentile?: number }

/** The real range [min, max] to quantize a value to, by the chosen method. */
export function chooseRange(st: ValueStats, o: RangeOptions): { min: number; max: number } {
  if (o.method === 'minmax') return { min: st.min, max: st.max };
  if (o.method === 'percentile') {
    const p = (o.percentile ?? 99.99) / 100;
    const sorted = st.samples.slice().sort();
    return { min: Math.min(st.min < 0 ? quantile(sorted, 1 - p) : st.min, 0), max: Math.max(quantile(sorted, p), 0) };
  }
  if (o.method !== 'mse') throw new BwvmError('QUANT_METHOD', `unknown calibration method '${String(o.method)}'`, { hint: `methods: ${CALIB_METHODS.join(', ')}` });
  // MSE-optimal: shrink the min/max range by alpha in (0, 1], keep the alpha with least error
  let best = { min: st.min, max: st.max }, bestErr = Infinity;
  for (let k = 0; k < 64; k++) {
    const alpha = 1 - k / 80;
    const r = { min: st.min * alpha, max: st.max * alpha };
    const p = paramsForRange(r.min, r.max, o.dtype, o.symmetric);
    const e = quantMse(st.samples, p.scale, p.zeroPoint, o.dtype);
    if (e < bestErr) { bestErr = e; best = r; }
  }
  return best;
}
