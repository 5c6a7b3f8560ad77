// Integer Conv and Gemm emitters: acc = bias + sum (x - zp_x) * w in int32 when a bound taken
// from the actual weights proves it cannot overflow (int64 otherwise, always for 16-bit), then
// per output channel y = clamp(zp_y + rndsh(acc * M0[c], n[c])) — the reference's kernels-mac.
import { quantRange } from '../../ir/quant.js';
import { windowGeometry } from '../../ir/ops/geometry.js';
import { CTYPE, ilit, outClamp, type QEmitCtx, type QEmitter, type QIntNode } from './qtypes.js';

const nums = (d: ArrayLike<number | bigint>): number[] => Array.from(d as ArrayLike<number>, (v) => Number(v));

/** Weights, bias and multiplier tables of a MAC node, and the accumulator type its values need. */
function macTables(ctx: QEmitCtx, M: number, per: number): { W: string; B: string | undefined; MQ: string; NQ: string; acc: string; wt: string } {
  const n = ctx.node;
  if (!n.weight || !n.requant || n.requant.length !== M) ctx.fail('no integer weights or one multiplier per output channel');
  const wt = CTYPE[n.weight.dtype as 'int8' | 'int16'] ?? ctx.fail(`weights are ${n.weight.dtype}; expected int8 or int16`);
  const w = nums(n.weight.data), b = n.bias ? nums(n.bias.data) : undefined;
  const [lo, hi] = quantRange(ctx.input(0).dtype), zx = ctx.input(0).quant.zeroPoint[0]!;
  const xmax = Math.max(hi - zx, zx - lo);
  let bound = 0;
  for (let m = 0; m < M; m++) {
    let s = Math.abs(b?.[m] ?? 0);
    for (let i = 0; i < per; i++) s += Math.abs(w[m * per + i]!) * xmax;
    bound = Math.max(bound, s);
  }
  const acc = bound < 2 ** 31 ? 'int32_t' : 'int64_t';
  const W = ctx.table(wt, n.weight.data as ArrayLike<number>, `${n.name} weights [${n.weight.shape.join(',')}]`);
  const B = n.bias ? ctx.table(n.bias.dtype === 'int64' ? 'int64_t' : 'int32_t', n.bias.data as ArrayLike<number | bigint>, `${n.name} bias`) : undefined;
  const MQ = ctx.table('int32_t', n.requant.map((r) => r.m0), `${n.name} M0 per channel`);
  for (const r of n.requant) if (!(r.shift >= 0 && r.shift <= 126)) ctx.fail(`requantization shift ${r.shift} is outside 0..126`);
  const NQ = ctx.table('int8_t', n.requant.map((r) => r.shift), `${n.name} shift per channel`);
  return { W, B, MQ, NQ, acc, wt };
}

function convShape(node: QIntNode, ins: number[][], fail: (m: string) => never): number[] {
  const x = ins[0]!, w = node.weight?.shape;
  if (x.length !== 4 || !w || w.length !== 4) fail('only 2-D integer convolution (NCHW input, [M, C/g, kH, kW] weights) is supported');
  const g = windowGeometry([x[2]!, x[3]!], [w[2]!, w[3]!], node.attrs, node.name);
  return [x[0]!, w[0]!, ...(g.out as number[])];
}

const conv: QEmitter = {
  shape: convShape,
  emit(ctx) {
    const [N, C, H, Wd] = ctx.inShape(0) as [number, number, number, number];
    const [, M, oH, oW] = ctx.outShape as [number, number, number, number];
    const wsh = ctx.node.weight!.shape, Cg = wsh[1]!, kH = wsh[2]!, kW = wsh[3]!;
    const group = (ctx.node.attrs.group as number | undefined) ?? 1;
    if (Cg * group !== C || M % group !== 0) ctx.fail(`group ${group} does not divide ${C} input / ${M} output channels`);
    const g = windowGeometry([H, Wd], [kH, kW], ctx.node.attrs, ctx.node.name);
    const [sH, sW] = g.strides as [number, number], [dH, dW] = g.dilations as [number, number], pT = g.pads[0]!, pL = g.pads[1]!;
    const t = macTables(ctx, M, Cg * kH * kW);
    const xt = CTYPE[ctx.input(0).dtype], yt = CTYPE[ctx.output.dtype];
    const zx = ctx.input(0).quant.zeroPoint[0]!, zy = ctx.output.quant.zeroPoint[0]!, [lo, hi] = outClamp(ctx.node, ctx.output);
    return [
      `const ${xt}* x = ${ctx.inPtr(0)};`, `${yt}* y = ${ctx.outPtr};`,
      `for (int n = 0; n < ${N}; n++) for (int m = 0; m < ${M}; m++) {`,
      `const int gi = m / ${M / group};`,
      `const ${t.acc} b0 = ${t.B ? `(${t.acc})${t.B}[m]` : '0'};`,
      `${yt}* yp = y + (n * ${M} + m) * ${oH * oW};`,
      `for (int oh = 0; oh < ${oH}; oh++) for (int ow = 0; ow < ${oW}; ow++) {`,
      `${t.acc} acc = b0;`,
      `for (int c = 0; c < ${Cg}; c++) {`,
      `const ${xt}* xp = x + (n * ${C} + gi * ${Cg} + c) * ${H * Wd};`,
      `const ${t.wt}* wp = ${t.W} + (m * ${Cg} + c) * ${kH * kW};`,
      `for (int kh = 0; kh < ${kH}; kh++) {`,
      `const int ih = oh * ${sH} - ${pT} + kh * ${dH};`,
      `if (ih < 0 || ih >= ${H}) continue; /* padding holds zp_x: contributes 0 */`,
      `for (int kw = 0; kw < ${kW}; kw++) {`,
      `const int iw = ow * ${sW} - ${pL} + kw * ${dW};`,
      `if (iw < 0 || iw >= ${Wd}) continue;`,
      `acc += (${t.acc})(xp[ih * ${Wd} + iw] - ${zx}) * wp[kh * ${kW} + kw];`,
      '}', '}', '}',
      `yp[oh * ${oW} + ow] = (${yt})bw_clamp(${ilit(zy)} + bw_mulshift(acc, ${t.MQ}[m], ${t.NQ}[m]), ${ilit(lo)}, ${ilit(hi)});`,
      '}', '}',
    ];
  },
};

const gemm: QEmitter = {
  shape(node, ins, fail) {
    if ((node.attrs.transA as number | undefined) === 1) fail('Gemm with transA=1 has no integer form');
    const w = node.weight?.shape;
    if (ins[0]!.length !== 2 || !w) return fail(`integer Gemm needs a [N, K] input, got [${ins[0]!.join(',')}]`);
    if (w[1] !== ins[0]![1]) fail(`weights [${w.join(',')}] do not match input [${ins[0]!.join(',')}]`);
    return [ins[0]![0]!, w[0]!];
  },
  emit(ctx) {
    const [N, K] = ctx.inShape(0) as [number, number], M = ctx.outShape[1]!;
    const t = macTables(ctx, M, K);
    const xt = CTYPE[ctx.input(0).dtype], yt = CTYPE[ctx.output.dtype];
    const zx = ctx.input(0).quant.zeroPoint[0]!, zy = ctx.output.quant.zeroPoint[0]!, [lo, hi] = outClamp(ctx.node, ctx.output);
    return [
      `const ${xt}* x = ${ctx.inPtr(0)};`, `${yt}* y = ${ctx.outPtr};`,
      `for (int n = 0; n < ${N}; n++) for (int m = 0; m < ${M}; m++) {`,
      `const ${xt}* xp = x + n * ${K};`,
      `const ${t.wt}* wp = ${t.W} + m * ${K};`,
      `${t.acc} acc = ${t.B ? `(${t.acc})${t.B}[m]` : '0'};`,
      `for (int k = 0; k < ${K}; k++) acc += (${t.acc})(xp[k] - ${zx}) * wp[k];`,
      `y[n * ${M} + m] = (${yt})bw_clamp(${ilit(zy)} + bw_mulshift(acc, ${t.MQ}[m], ${t.NQ}[m]), ${ilit(lo)}, ${ilit(hi)});`,
      '}',
    ];
  },
};

export const QMAC_EMITTERS: Record<string, QEmitter> = { Conv: conv, Gemm: gemm };
