// Reference kernels: Conv and ConvTranspose over 1-D or 2-D spatial dims with groups,
// dilation, strides and padding from the shared IR geometry. Plain nested loops.
import { convTransposeGeometry, windowGeometry } from '../../../ir/ops/geometry.js';
import { allocOut, type Kernel, type KernelCtx } from '../kernel.js';

/** Lift 1-D spatial geometry to 2-D (H = 1). */
function as2d(sp: number[], k: number[], s: number[], d: number[], p: number[]): { H: number; W: number; kH: number; kW: number; sH: number; sW: number; dH: number; dW: number; pT: number; pL: number } {
  if (sp.length === 1) return { H: 1, W: sp[0]!, kH: 1, kW: k[0]!, sH: 1, sW: s[0]!, dH: 1, dW: d[0]!, pT: 0, pL: p[0]! };
  return { H: sp[0]!, W: sp[1]!, kH: k[0]!, kW: k[1]!, sH: s[0]!, sW: s[1]!, dH: d[0]!, dW: d[1]!, pT: p[0]!, pL: p[1]! };
}

function check2d(ctx: KernelCtx, rank: number): void {
  if (rank > 2) ctx.fail('IR_SHAPE', `${rank}-D spatial convolution is not supported by the reference executor`);
}

const conv: Kernel = (x, ctx) => {
  const X = x[0]!, Wt = x[1]!, B = x[2];
  const [N, C] = X.shape as [number, number];
  const M = Wt.shape[0]!, Cg = Wt.shape[1]!, group = ctx.attr<number>('group');
  check2d(ctx, X.shape.length - 2);
  const g = windowGeometry(X.shape.slice(2), Wt.shape.slice(2), ctx.node.attrs, ctx.node.name);
  const q = as2d(X.shape.slice(2), g.kernel, g.strides, g.dilations, g.pads);
  const y = allocOut(ctx);
  const [oH, oW] = g.out.length === 1 ? [1, g.out[0] as number] : (g.out as number[]);
  const xd = X.data as Float32Array, wd = Wt.data as Float32Array, yd = y.data as Float32Array, bd = B?.data as Float32Array | undefined;
  const Mg = M / group;
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
    const gi = Math.floor(m / Mg);
    for (let oh = 0; oh < oH!; oh++) for (let ow = 0; ow < oW!; ow++) {
      let acc = bd ? bd[m]! : 0;
      for (let c = 0; c < Cg; c++) {
        const xPlane = (n * C + gi * Cg + c) * q.H, wPlane = (m * Cg + c) * q.kH;
        for (let kh = 0; kh < q.kH; kh++) {
          const ih = oh * q.sH - q.pT + kh * q.dH;
          if (ih < 0 || ih >= q.H) continue;
          const xRow = (xPlane + ih) * q.W, wRow = (wPlane + kh) * q.kW;
          for (let kw = 0; kw < q.kW; kw++) {
            const iw = ow * q.sW - q.pL + kw * q.dW;
            if (iw < 0 || iw >= q.W) continue;
            acc += xd[xRow + iw]! * wd[wRow + kw]!;
          }
        }
      }
      yd[((n * M + m) * oH! + oh) * oW! + ow] = acc;
    }
  }
  return [y];
};

const convTranspose: Kernel = (x, ctx) => {
  const X = x[0]!, Wt = x[1]!, B = x[2];
  const [N, C] = X.shape as [number, number];
  const Mg = Wt.shape[1]!, group = ctx.attr<number>('group');
  check2d(ctx, X.shape.length - 2);
  const g = convTransposeGeometry(X.shape.slice(2), Wt.shape.slice(2), ctx.node.attrs, ctx.node.name);
  const q = as2d(X.shape.slice(2), g.kernel, g.strides, g.dilations, g.pads);
  const y = allocOut(ctx);
  const M = Mg * group, Cg = C / group;
  const [oH, oW] = g.out.length === 1 ? [1, g.out[0] as number] : (g.out as number[]);
  const xd = X.data as Float32Array, wd = Wt.data as Float32Array, yd = y.data as Float32Array, bd = B?.data as Float32Array | undefined;
  if (bd) for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) yd.fill(bd[m]!, (n * M + m) * oH! * oW!, (n * M + m + 1) * oH! * oW!);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
    const gi = Math.floor(c / Cg);
    for (let ih = 0; ih < q.H; ih++) for (let iw = 0; iw < q.W; iw++) {
      const v = xd[((n * C + c) * q.H + ih) * q.W + iw]!;
      for (let m = 0; m < Mg; m++) {
        const mo = gi * Mg + m;
        for (let kh = 0; kh < q.kH; kh++) {
          const oh = ih * q.sH - q.pT + kh * q.dH;
          if (oh < 0 || oh >= oH!) continue;
          for (let kw = 0; kw < q.kW; kw++) {
            const ow = iw * q.sW - q.pL + kw * q.dW;
            if (ow < 0 || ow >= oW!) continue;
            yd[((n * M + mo) * oH! + oh) * oW! + ow]! += v * wd[((c * Mg + m) * q.kH + kh) * q.kW + kw]!;
          }
        }
      }
    }
  }
  return [y];
};

export const CONV_KERNELS: Record<string, Kernel> = { Conv: conv, ConvTranspose: convTranspose };
