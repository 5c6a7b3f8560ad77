// Reference kernels: Resize / Upsample in nearest and (multi)linear modes, with the ONNX
// coordinate transformation modes and nearest rounding modes.
import { strides } from '../../../ir/shape.js';
import { allocOut, type Kernel } from '../kernel.js';
import { forEachIndex } from './layout.js';

/** Output coordinate -> input coordinate (before rounding / clamping). */
function sourceCoord(o: number, inLen: number, outLen: number, scale: number, coord: string): number {
  switch (coord) {
    case 'asymmetric': return o / scale;
    case 'align_corners': return outLen === 1 ? 0 : (o * (inLen - 1)) / (outLen - 1);
    case 'pytorch_half_pixel': return outLen > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'tf_half_pixel_for_nn': return (o + 0.5) / scale;
    default: return (o + 0.5) / scale - 0.5; // half_pixel
  }
}

function roundNearest(v: number, mode: string): number {
  switch (mode) {
    case 'floor': return Math.floor(v);
    case 'ceil': return Math.ceil(v);
    case 'round_prefer_ceil': return Math.round(v);
    default: return Number.isInteger(v - 0.5) ? v - 0.5 : Math.round(v); // round_prefer_floor
  }
}

const resize: Kernel = (x, ctx) => {
  const X = x[0]!;
  const y = allocOut(ctx);
  const legacy = ctx.node.op === 'Upsample' || ctx.opset < 11; // Upsample / Resize-10: asymmetric
  const mode = ctx.attr<string>('mode');
  const linear = mode === 'linear' || mode === 'bilinear';
  if (!linear && mode !== 'nearest') ctx.fail('IR_ATTR', `mode '${mode}' is not supported by the reference executor`);
  const coord = legacy ? 'asymmetric' : ctx.attr<string>('coordinate_transformation_mode');
  const round = legacy ? 'floor' : ctx.attr<string>('nearest_mode');
  const scalesIdx = legacy ? 1 : 2;
  const sizesGiven = !legacy && x[3] && x[3].data.length > 0;
  const given = x[scalesIdx] && x[scalesIdx]!.data.length ? Array.from(x[scalesIdx]!.data as Float32Array, Number) : ctx.has('scales') ? ctx.attr<number[]>('scales') : undefined;
  const r = y.shape.length;
  const scales = y.shape.map((o, d) => (given && !sizesGiven ? given[d]! : o / X.shape[d]!));
  const xs = strides(X.shape);
  const xd = X.data as Float32Array, yd = y.data as Float32Array;
  // per axis and output coordinate: [i0, i1, w1] (nearest: i0 only)
  const maps = y.shape.map((outLen, d) => Array.from({ length: outLen }, (_, o) => {
    const inLen = X.shape[d]!;
    const s = sourceCoord(o, inLen, outLen, scales[d]!, coord);
    if (!linear) return [Math.min(Math.max(roundNearest(s, round), 0), inLen - 1), 0, 0] as const;
    const c = Math.min(Math.max(s, 0), inLen - 1);
    const i0 = Math.floor(c);
    return [i0, Math.min(i0 + 1, inLen - 1), c - i0] as const;
  }));
  forEachIndex(y.shape, (i, c) => {
    if (!linear) {
      let k = 0;
      for (let d = 0; d < r; d++) k += maps[d]![c[d]!]![0] * xs[d]!;
      yd[i] = xd[k]!;
      return;
    }
    let acc = 0;
    for (let corner = 0; corner < 1 << r; corner++) {
      let w = 1, k = 0;
      for (let d = 0; d < r; d++) {
        const [i0, i1, f] = maps[d]![c[d]!]!;
        const hi = (corner >> d) & 1;
        w *= hi ? f : 1 - f;
        k += (hi ? i1 : i0) * xs[d]!;
      }
      if (w !== 0) acc += w * xd[k]!;
    }
    yd[i] = acc;
  });
  return [y];
};

export const RESIZE_KERNELS: Record<string, Kernel> = { Resize: resize, Upsample: resize };
