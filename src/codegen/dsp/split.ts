// Output-channel tiles of a generated-mode layer: a conv/dense layer whose filters stream from DDR
// runs as ceil(M/MG) copies of ONE kernel generated for MG output channels, each with its slice of
// the (BN-folded) weights and bias and its output (and residual addend) at an offset of MG channel
// planes; in NCHW a channel group is one contiguous range, so no data is rearranged.
import type { DspKernel } from '../../dsplib/index.js';
import type { LowerContext, LoweredCall } from '../library/index.js';
import type { LayerWeights } from '../tiling/index.js';
import type { LayerGroup } from './fuse.js';
import { layerCall } from './kernels.js';

const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Weights of a layer's call as the planner sees them (undefined: no splittable filter input). */
export function weightsOf(grp: LayerGroup, call: LoweredCall): LayerWeights | undefined {
  if (grp.kind !== 'conv' && grp.kind !== 'dense') return undefined;
  const spec = call.kernel.inputs.find((k) => k.symbol === 'w');
  if (!spec || !('constant' in (call.args.w ?? {}))) return undefined;
  const y = call.kernel.outputs.find((k) => k.symbol === 'y')!;
  return { layer: grp.name, M: spec.shape[0]!, perChannel: spec.rowPitch ?? prod(spec.shape.slice(1)), ...(y.shape.length === 4 ? { rows: y.shape[2]! } : {}) };
}

/** A context in which the group's first node has MG output channels (zero constants: only the kernel is used). */
function slicedContext(grp: LayerGroup, c: LowerContext, M: number, MG: number): LowerContext {
  const n = c.node, w = n.inputs[1]!;
  const transB = n.op === 'Gemm' && ((n.attrs.transB as number | undefined) ?? 0) === 1;
  const vectors = new Set([n.inputs[2], grp.biasAdd, ...(grp.bn ? grp.bn.inputs.slice(1) : [])].filter((v): v is string => !!v));
  return {
    ...c,
    shape(name) {
      const s = c.shape(name);
      if (name !== w) return s;
      if (n.op === 'Gemm' && !transB) return [s[0]!, MG];
      return [MG, ...s.slice(1)];
    },
    constant(name) {
      const v = c.constant(name);
      if (!v) return v;
      if (name === w) return new Float32Array((v.length / M) * MG);
      return vectors.has(name) && v.length === M ? new Float32Array(MG) : v;
    },
  };
}

/** One tile of a split layer: the shared MG-channel kernel with the tile's weight/bias slices. */
export interface TileCall { call: LoweredCall; m0: number; MG: number; /** Word offset of the tile's output (and addend) channels. */ offset: number }

/** Split `full` (the layer's whole-M call) into tiles of MG output channels (MG divides M). */
export function splitLayer(grp: LayerGroup, full: LoweredCall, c: LowerContext, MG: number): TileCall[] {
  const lw = weightsOf(grp, full)!;
  const { M } = lw;
  if (MG >= M) return [{ call: full, m0: 0, MG: M, offset: 0 }];
  const kernel: DspKernel = (layerCall(grp, slicedContext(grp, c, M, MG)) as LoweredCall).kernel;
  const w = (full.args.w as { constant: Float32Array }).constant, b = (full.args.b as { constant: Float32Array }).constant;
  const per = w.length / M;
  const y = full.kernel.outputs.find((k) => k.symbol === 'y')!;
  const plane = prod(y.shape) / M;
  const out: TileCall[] = [];
  for (let m0 = 0; m0 < M; m0 += MG) {
    const args = { ...full.args, w: { constant: w.subarray(m0 * per, (m0 + MG) * per) }, b: { constant: b.subarray(m0, m0 + MG) } };
    out.push({ call: { kernel, args }, m0, MG, offset: m0 * plane });
  }
  return out;
}
