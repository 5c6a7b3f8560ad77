// Gradients of Conv and ConvTranspose (2-D or 1-D spatial; groups, strides, pads, dilations):
// the forward loops with each multiply-add y += x * w turned into dx += dy * w and dw += dy * x.
import { convTransposeGeometry, windowGeometry } from '../../../ir/ops/geometry.js';
import { BwvmError } from '../../../util/errors.js';
import { f32, type GradCtx, type GradRow } from '../grad.js';

interface Geo { H: number; W: number; kH: number; kW: number; sH: number; sW: number; dH: number; dW: number; pT: number; pL: number; oH: number; oW: number }

function lift(c: GradCtx, sp: number[], g: { kernel: number[]; strides: number[]; dilations: number[]; pads: number[] }, out: number[]): Geo {
  if (sp.length === 1) return { H: 1, W: sp[0]!, kH: 1, kW: g.kernel[0]!, sH: 1, sW: g.strides[0]!, dH: 1, dW: g.dilations[0]!, pT: 0, pL: g.pads[0]!, oH: 1, oW: out[0]! };
  if (sp.length !== 2) throw new BwvmError('TRAIN_UNSUPPORTED', `node '${c.node.name}': ${sp.length}-D convolution has no gradient kernel`);
  return { H: sp[0]!, W: sp[1]!, kH: g.kernel[0]!, kW: g.kernel[1]!, sH: g.strides[0]!, sW: g.strides[1]!, dH: g.dilations[0]!, dW: g.dilations[1]!, pT: g.pads[0]!, pL: g.pads[1]!, oH: out[0]!, oW: out[1]! };
}

function convGrad(c: GradCtx): (Float32Array | undefined)[] {
  const X = c.x[0]!, Wt = c.x[1]!, B = c.x[2];
  const [N, C] = X.shape as [number, number];
  const M = Wt.shape[0]!, Cg = Wt.shape[1]!, group = c.attr<number>('group');
  const g = windowGeometry(X.shape.slice(2), Wt.shape.slice(2), c.node.attrs, c.node.name);
  const q = lift(c, X.shape.slice(2), g, c.y[0]!.shape.slice(2));
  const xd = f32(X), wd = f32(Wt), dy = c.dy;
  const dx = c.need[0] ? c.alloc(xd.length) : undefined;
  const dw = c.need[1] ? c.alloc(wd.length) : undefined;
  const db = B && c.need[2] ? new Float32Array(M) : undefined;
  const Mg = M / group;
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
    const gi = Math.floor(m / Mg);
    for (let oh = 0; oh < q.oH; oh++) for (let ow = 0; ow < q.oW; ow++) {
      const d = dy[((n * M + m) * q.oH + oh) * q.oW + ow]!;
      if (db) db[m] += d;
      if (d === 0) continue;
      for (let ci = 0; ci < Cg; ci++) {
        const cin = gi * Cg + ci;
        for (let kh = 0; kh < q.kH; kh++) {
          const ih = oh * q.sH - q.pT + kh * q.dH;
          if (ih < 0 || ih >= q.H) continue;
          for (let kw = 0; kw < q.kW; kw++) {
            const iw = ow * q.sW - q.pL + kw * q.dW;
            if (iw < 0 || iw >= q.W) continue;
            const xi = ((n * C + cin) * q.H + ih) * q.W + iw, wi = ((m * Cg + ci) * q.kH + kh) * q.kW + kw;
            if (dx) dx[xi] += d * wd[wi]!;
            if (dw) dw[wi] += d * xd[xi]!;
          }
        }
      }
    }
  }
  return [dx, dw, db];
}

function convTransposeGrad(c: GradCtx): (Float32Array | undefined)[] {
  const X = c.x[0]!, Wt = c.x[1]!, B = c.x[2];
  const [N, C] = X.shape as [number, number];
  const Mg = Wt.shape[1]!, group = c.attr<number>('group');
  const g = convTransposeGeometry(X.shape.slice(2), Wt.shape.slice(2), c.node.attrs, c.node.name);
  const q = lift(c, X.shape.slice(2), g, c.y[0]!.shape.slice(2));
  const M = Mg * group, Cg = C / group;
  const xd = f32(X), wd = f32(Wt), dy = c.dy;
  const dx = c.need[0] ? c.alloc(xd.length) : undefined;
  const dw = c.need[1] ? c.alloc(wd.length) : undefined;
  let db: Float32Array | undefined;
  if (B && c.need[2]) {
    db = new Float32Array(M);
    const plane = q.oH * q.oW;
    for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) for (let i = 0; i < plane; i++) db[m] += dy[(n * M + m) * plane + i]!;
  }
  for (let n = 0; n < N; n++) for (let ci = 0; ci < C; ci++) {
    const gi = Math.floor(ci / Cg);
    for (let ih = 0; ih < q.H; ih++) for (let iw = 0; iw < q.W; iw++) {
      const xi = ((n * C + ci) * q.H + ih) * q.W + iw;
      const v = xd[xi]!;
      let acc = 0;
      for (let m = 0; m < Mg; m++) {
        const mo = gi * Mg + m;
        for (let kh = 0; kh < q.kH; kh++) {
          const oh = ih * q.sH - q.pT + kh * q.dH;
          if (oh < 0 || oh >= q.oH) continue;
          for (let kw = 0; kw < q.kW; kw++) {
            const ow = iw * q.sW - q.pL + kw * q.dW;
            if (ow < 0 || ow >= q.oW) continue;
            const d = dy[((n * M + mo) * q.oH + oh) * q.oW + ow]!, wi = ((ci * Mg + m) * q.kH + kh) * q.kW + kw;
            acc += d * wd[wi]!;
            if (dw) dw[wi] += d * v;
          }
        }
      }
      if (dx) dx[xi] = acc;
    }
  }
  return [dx, dw, db];
}

export const CONV_GRADS: Record<string, GradRow> = {
  Conv: { trainable: [1, 2], grad: convGrad },
  ConvTranspose: { trainable: [1, 2], grad: convTransposeGrad },
};
