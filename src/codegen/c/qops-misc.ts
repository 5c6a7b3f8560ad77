// Integer emitters without weights, mirroring the reference's kernels-misc: Relu/Clip (a clamp in
// the quantized domain), MaxPool on the integers, AveragePool/GlobalAveragePool (integer sum,
// requantized by s_x / (s_y * count), one multiplier per count that occurs), Add (each input
// rescaled to the output scale, then summed) and Flatten/Reshape (views, no code).
import { quantRange } from '../../ir/quant.js';
import { windowGeometry } from '../../ir/ops/geometry.js';
import { CTYPE, ilit, outClamp, roundHalfEven, type QEmitCtx, type QEmitter, type QIntNode } from './qtypes.js';

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

function sameParams(ctx: QEmitCtx): void {
  const a = ctx.input(0), b = ctx.output;
  if (a.quant.scale[0] !== b.quant.scale[0] || a.quant.zeroPoint[0] !== b.quant.zeroPoint[0] || a.dtype !== b.dtype) ctx.fail("must keep its input's quantization params");
}

const same = (_: QIntNode, ins: number[][]): number[] => [...ins[0]!];

const clamp: QEmitter = {
  shape: same,
  emit(ctx) {
    sameParams(ctx);
    const s = ctx.input(0).quant.scale[0]!, z = ctx.input(0).quant.zeroPoint[0]!, [lo0, hi0] = quantRange(ctx.output.dtype);
    const relu = ctx.node.op === 'Relu';
    const min = relu ? 0 : (ctx.node.attrs.min as number | undefined) ?? -Infinity, max = relu ? Infinity : (ctx.node.attrs.max as number | undefined) ?? Infinity;
    const lo = Math.max(lo0, Number.isFinite(min) ? z + roundHalfEven(min / s) : lo0), hi = Math.min(hi0, Number.isFinite(max) ? z + roundHalfEven(max / s) : hi0);
    const t = CTYPE[ctx.output.dtype];
    // a bound equal to the dtype's own is no comparison at all (gcc -Wtype-limits)
    const expr = `${lo > lo0 ? `x[i] < ${lo} ? ${lo} : ` : ''}${hi < hi0 ? `x[i] > ${hi} ? ${hi} : ` : ''}x[i]`;
    return [`const ${t}* x = ${ctx.inPtr(0)};`, `${t}* y = ${ctx.outPtr};`, `for (int i = 0; i < ${prod(ctx.outShape)}; i++) y[i] = ${expr};`];
  },
};

function poolGeom(node: QIntNode, ins: number[][], fail: (m: string) => never) {
  const x = ins[0]!;
  if (x.length !== 4) fail(`integer pooling needs an NCHW input, got [${x.join(',')}]`);
  if (node.op === 'GlobalAveragePool') return { k: [x[2]!, x[3]!], out: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] };
  const k = node.attrs.kernel_shape as number[];
  const g = windowGeometry([x[2]!, x[3]!], k, node.attrs, node.name, (node.attrs.ceil_mode as number | undefined) === 1);
  return { k, out: g.out as number[], strides: g.strides as number[], pads: g.pads as number[], dilations: g.dilations as number[] };
}

const poolShape = (node: QIntNode, ins: number[][], fail: (m: string) => never): number[] => [ins[0]![0]!, ins[0]![1]!, ...poolGeom(node, ins, fail).out];

const maxPool: QEmitter = {
  shape: poolShape,
  emit(ctx) {
    sameParams(ctx);
    const [N, C, H, W] = ctx.inShape(0) as [number, number, number, number];
    const g = poolGeom(ctx.node, [ctx.inShape(0)], ctx.fail);
    const [oH, oW] = g.out as [number, number], t = CTYPE[ctx.output.dtype];
    return [
      `const ${t}* x = ${ctx.inPtr(0)};`, `${t}* y = ${ctx.outPtr};`,
      `for (int p = 0; p < ${N * C}; p++) for (int oh = 0; oh < ${oH}; oh++) for (int ow = 0; ow < ${oW}; ow++) {`,
      'int32_t best = INT32_MIN;',
      `for (int kh = 0; kh < ${g.k[0]}; kh++) {`,
      `const int ih = oh * ${g.strides[0]} - ${g.pads[0]} + kh * ${g.dilations[0]};`,
      `if (ih < 0 || ih >= ${H}) continue;`,
      `for (int kw = 0; kw < ${g.k[1]}; kw++) {`,
      `const int iw = ow * ${g.strides[1]} - ${g.pads[1]} + kw * ${g.dilations[1]};`,
      `if (iw >= 0 && iw < ${W} && x[(p * ${H} + ih) * ${W} + iw] > best) best = x[(p * ${H} + ih) * ${W} + iw];`,
      '}', '}',
      `y[(p * ${oH} + oh) * ${oW} + ow] = (${t})(best == INT32_MIN ? 0 : best); /* an empty window is 0, as in the reference */`,
      '}',
    ];
  },
};

const avgPool: QEmitter = {
  shape: poolShape,
  emit(ctx) {
    const [N, C, H, W] = ctx.inShape(0) as [number, number, number, number];
    const g = poolGeom(ctx.node, [ctx.inShape(0)], ctx.fail);
    const [oH, oW] = g.out as [number, number];
    const includePad = ctx.node.op === 'AveragePool' && (ctx.node.attrs.count_include_pad as number | undefined) === 1;
    // window element counts are fixed by the geometry: find the ones that occur, one multiplier each
    const inside = (ih: number, iw: number) => ih >= 0 && ih < H && iw >= 0 && iw < W;
    const counted = (ih: number, iw: number) => inside(ih, iw) || (includePad && ih < H + g.pads[2]! && iw < W + g.pads[3]!);
    const counts = new Set<number>();
    for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
      let c = 0;
      for (let kh = 0; kh < g.k[0]!; kh++) for (let kw = 0; kw < g.k[1]!; kw++) if (counted(oh * g.strides[0]! - g.pads[0]! + kh, ow * g.strides[1]! - g.pads[1]! + kw)) c++;
      counts.add(c);
    }
    const sx = ctx.input(0).quant.scale[0]!, sy = ctx.output.quant.scale[0]!, zx = ctx.input(0).quant.zeroPoint[0]!, zy = ctx.output.quant.zeroPoint[0]!;
    const kk = g.k[0]! * g.k[1]!, m0 = new Array<number>(kk + 1).fill(0), sh = new Array<number>(kk + 1).fill(0);
    for (const c of counts) { const m = ctx.multiplier(sx / (sy * c)); m0[c] = m.m0; sh[c] = m.shift; }
    const MQ = ctx.table('int32_t', m0, `${ctx.node.name} M0 by window count`), NQ = ctx.table('int8_t', sh, `${ctx.node.name} shift by window count`);
    const xt = CTYPE[ctx.input(0).dtype], yt = CTYPE[ctx.output.dtype], [lo, hi] = outClamp(ctx.node, ctx.output);
    const pb = g.pads[2]!, pr = g.pads[3]!;
    return [
      `const ${xt}* x = ${ctx.inPtr(0)};`, `${yt}* y = ${ctx.outPtr};`,
      `for (int p = 0; p < ${N * C}; p++) for (int oh = 0; oh < ${oH}; oh++) for (int ow = 0; ow < ${oW}; ow++) {`,
      `${kk * 65536 < 2 ** 31 ? 'int32_t' : 'int64_t'} sum = 0; int cnt = 0;`,
      `for (int kh = 0; kh < ${g.k[0]}; kh++) for (int kw = 0; kw < ${g.k[1]}; kw++) {`,
      `const int ih = oh * ${g.strides[0]} - ${g.pads[0]} + kh, iw = ow * ${g.strides[1]} - ${g.pads[1]} + kw;`,
      `const int in = ih >= 0 && ih < ${H} && iw >= 0 && iw < ${W};`,
      `if (in) sum += x[(p * ${H} + ih) * ${W} + iw] - ${zx};`,
      includePad ? `if (in || (ih < ${H + pb} && iw < ${W + pr})) cnt++;` : 'if (in) cnt++;',
      '}',
      `y[(p * ${oH} + oh) * ${oW} + ow] = (${yt})bw_clamp(${ilit(zy)} + bw_mulshift(sum, ${MQ}[cnt], ${NQ}[cnt]), ${ilit(lo)}, ${ilit(hi)});`,
      '}',
    ];
  },
};

const add: QEmitter = {
  shape(node, ins, fail) {
    if (prod(ins[0]!) !== prod(ins[1]!)) fail(`integer Add needs equal shapes (no broadcasting), got [${ins[0]!.join(',')}] and [${ins[1]!.join(',')}]`);
    return [...ins[0]!];
  },
  emit(ctx) {
    const sy = ctx.output.quant.scale[0]!, zy = ctx.output.quant.zeroPoint[0]!;
    const ma = ctx.multiplier(ctx.input(0).quant.scale[0]! / sy), mb = ctx.multiplier(ctx.input(1).quant.scale[0]! / sy);
    const za = ctx.input(0).quant.zeroPoint[0]!, zb = ctx.input(1).quant.zeroPoint[0]!, [lo, hi] = outClamp(ctx.node, ctx.output);
    const at = CTYPE[ctx.input(0).dtype], bt = CTYPE[ctx.input(1).dtype], yt = CTYPE[ctx.output.dtype];
    return [
      `const ${at}* a = ${ctx.inPtr(0)};`, `const ${bt}* b = ${ctx.inPtr(1)};`, `${yt}* y = ${ctx.outPtr};`,
      `for (int i = 0; i < ${prod(ctx.outShape)}; i++)`,
      `y[i] = (${yt})bw_clamp(${ilit(zy)} + bw_mulshift(a[i] - ${za}, ${ma.m0}, ${ma.shift}) + bw_mulshift(b[i] - ${zb}, ${mb.m0}, ${mb.shift}), ${ilit(lo)}, ${ilit(hi)});`,
    ];
  },
};

const reshape: QEmitter = {
  alias: true,
  shape(node, ins, fail) {
    if (node.op === 'Flatten' && ((node.attrs.axis as number | undefined) ?? 1) !== 1) fail('only batch-preserving reshapes (axis 1) are supported');
    const x = ins[0]!;
    return [x[0]!, prod(x) / x[0]!];
  },
  emit: () => [],
};

export const QMISC_EMITTERS: Record<string, QEmitter> = {
  Relu: clamp, Clip: clamp, MaxPool: maxPool, AveragePool: avgPool, GlobalAveragePool: avgPool, Add: add, Flatten: reshape, Reshape: reshape,
};
