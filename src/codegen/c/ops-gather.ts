// C emitters for index-mapping ops whose source index per output element is known at
// generation time: Pad (constant/edge/reflect), Slice, Gather (constant indices) and
// Resize/Upsample (nearest). The map is a static const int table; -1 means "pad value".
import { normAxis } from '../../ir/shape.js';
import { sliceParams } from '../../ir/ops/layout.js';
import { padsOf } from '../../ir/ops/misc.js';
import { stridesOf } from './ops-eltwise.js';
import { flit, loop, prod, type CEmitCtx, type CEmitter } from './types.js';

/** Source flat index for every output coordinate; f returns -1 for "outside". */
function indexMap(out: readonly number[], f: (c: number[]) => number): Int32Array {
  const n = prod(out);
  const m = new Int32Array(n);
  const c = new Array<number>(out.length).fill(0);
  for (let i = 0; i < n; i++) {
    m[i] = f(c);
    for (let d = out.length - 1; d >= 0; d--) { if (++c[d]! < out[d]!) break; c[d] = 0; }
  }
  return m;
}

function gatherCode(ctx: CEmitCtx, map: Int32Array, fill?: number): string[] {
  const t = ctx.intTable(map);
  const body = fill === undefined || !map.some((v) => v < 0) ? `x[${t}[i]]` : `${t}[i] < 0 ? ${flit(fill)} : x[${t}[i]]`;
  return [`const float* x = ${ctx.input(0)};`, `float* y = ${ctx.output()};`, `${loop('i', map.length)} y[i] = ${body};`];
}

const pad: CEmitter = {
  emit(ctx) {
    const s = ctx.inShape(0), xs = stridesOf(s), r = s.length;
    const pads = padsOf(ctx.op);
    const mode = ctx.op.attr<string>('mode');
    const value = ctx.op.opset >= 11 ? (ctx.constNumbers(2)?.[0] ?? 0) : ctx.op.attr<number>('value');
    const map = indexMap(ctx.outShape(), (c) => {
      let k = 0;
      for (let d = 0; d < r; d++) {
        const n = s[d]!;
        let j = c[d]! - pads[d]!;
        if (j < 0 || j >= n) {
          if (mode === 'constant') return -1;
          if (mode === 'edge') j = Math.min(Math.max(j, 0), n - 1);
          else while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
        }
        k += j * xs[d]!;
      }
      return k;
    });
    return gatherCode(ctx, map, value);
  },
};

const slice: CEmitter = {
  emit(ctx) {
    const s = ctx.inShape(0), xs = stridesOf(s);
    const p = sliceParams(s, ctx.op);
    return gatherCode(ctx, indexMap(ctx.outShape(), (c) => c.reduce((k, v, d) => {
      const j = p.axes.indexOf(d);
      return k + (j < 0 ? v : p.starts[j]! + v * p.steps[j]!) * xs[d]!;
    }, 0)));
  },
};

const gather: CEmitter = {
  emit(ctx) {
    const s = ctx.inShape(0), xs = stridesOf(s);
    const idx = ctx.constNumbers(1) ?? ctx.fail('Gather indices must be a constant for C emission');
    const axis = normAxis(ctx.op.attr<number>('axis'), s.length, ctx.node.name);
    const is = ctx.inShape(1), ir = is.length, iss = stridesOf(is);
    return gatherCode(ctx, indexMap(ctx.outShape(), (c) => {
      let ii = 0;
      for (let d = 0; d < ir; d++) ii += c[axis + d]! * iss[d]!;
      let v = idx[ii]!;
      if (v < 0) v += s[axis]!;
      if (v < 0 || v >= s[axis]!) ctx.fail(`Gather index ${idx[ii]} out of range`);
      let k = 0;
      for (let d = 0; d < s.length; d++) k += (d < axis ? c[d]! : d === axis ? v : c[d - 1 + ir]!) * xs[d]!;
      return k;
    }));
  },
};

/** Output coordinate -> source coordinate (ONNX coordinate_transformation_mode). */
function sourceCoord(o: number, inLen: number, outLen: number, scale: number, coord: string): number {
  if (coord === 'asymmetric') return o / scale;
  if (coord === 'align_corners') return outLen === 1 ? 0 : (o * (inLen - 1)) / (outLen - 1);
  if (coord === 'pytorch_half_pixel') return outLen > 1 ? (o + 0.5) / scale - 0.5 : 0;
  if (coord === 'tf_half_pixel_for_nn') return (o + 0.5) / scale;
  return (o + 0.5) / scale - 0.5;
}

const ROUND: Record<string, (v: number) => number> = {
  floor: Math.floor, ceil: Math.ceil, round_prefer_ceil: Math.round,
  round_prefer_floor: (v) => (Number.isInteger(v - 0.5) ? v - 0.5 : Math.round(v)),
};

const resize: CEmitter = {
  emit(ctx) {
    const s = ctx.inShape(0), y = ctx.outShape(), xs = stridesOf(s);
    if (ctx.op.attr<string>('mode') !== 'nearest') ctx.fail(`mode '${ctx.op.attr<string>('mode')}' has no C emitter (nearest only)`);
    const legacy = ctx.node.op === 'Upsample' || ctx.op.opset < 11;
    const coord = legacy ? 'asymmetric' : ctx.op.attr<string>('coordinate_transformation_mode');
    const round = ROUND[legacy ? 'floor' : ctx.op.attr<string>('nearest_mode')] ?? ctx.fail('unknown nearest_mode');
    const si = legacy ? 1 : 2;
    const sizesGiven = !legacy && !!ctx.node.inputs[3] && (ctx.constNumbers(3)?.length ?? 0) > 0;
    const given = ctx.node.inputs[si] && ctx.constNumbers(si)?.length ? ctx.constNumbers(si) : ctx.op.has('scales') ? ctx.op.attr<number[]>('scales') : undefined;
    const scales = y.map((o, d) => (given && !sizesGiven ? Math.fround(given[d]!) : o / s[d]!));
    const maps = y.map((outLen, d) => Array.from({ length: outLen }, (_, o) => Math.min(Math.max(round(sourceCoord(o, s[d]!, outLen, scales[d]!, coord)), 0), s[d]! - 1)));
    return gatherCode(ctx, indexMap(y, (c) => c.reduce((k, v, d) => k + maps[d]![v]! * xs[d]!, 0)));
  },
};

export const GATHER_EMITTERS: Record<string, CEmitter> = { Pad: pad, Slice: slice, Gather: gather, Resize: resize, Upsample: resize };
