// Gradients of MaxPool (to the first maximum of each window, as the forward picks it),
// AveragePool (count_include_pad, ceil_mode, as the reference divides) and the global pools.
import { windowGeometry } from '../../../ir/ops/geometry.js';
import { BwvmError } from '../../../util/errors.js';
import { f32, type GradCtx, type GradRow } from '../grad.js';

/** The common 2x2 stride-2 max pool without padding: the same first-maximum rule, no bounds checks. */
function maxPool2x2Grad(x: Float32Array, dy: Float32Array, dx: Float32Array, planes: number, H: number, W: number, oH: number, oW: number): void {
  for (let p = 0; p < planes; p++) for (let oh = 0; oh < oH; oh++) {
    const r0 = (p * H + 2 * oh) * W, r1 = r0 + W, o = (p * oH + oh) * oW;
    for (let ow = 0; ow < oW; ow++) {
      const i0 = r0 + 2 * ow, i2 = r1 + 2 * ow;
      let arg = i0, best = x[i0]!;
      if (x[i0 + 1]! > best) { best = x[i0 + 1]!; arg = i0 + 1; }
      if (x[i2]! > best) { best = x[i2]!; arg = i2; }
      if (x[i2 + 1]! > best) arg = i2 + 1;
      dx[arg] += dy[o + ow]!;
    }
  }
}

function poolGrad(kind: 'max' | 'avg'): GradRow {
  return {
    trainable: [],
    grad: (c: GradCtx) => {
      if (!c.need[0]) return [];
      const X = c.x[0]!;
      const [N, C] = X.shape as [number, number];
      const sp = X.shape.slice(2);
      if (sp.length > 2) throw new BwvmError('TRAIN_UNSUPPORTED', `node '${c.node.name}': ${sp.length}-D pooling has no gradient kernel`);
      const k = c.attr<number[]>('kernel_shape');
      const g = windowGeometry(sp, k, c.node.attrs, c.node.name, c.attr<number>('ceil_mode') === 1);
      const one = sp.length === 1, r = sp.length;
      const H = one ? 1 : sp[0]!, W = one ? sp[0]! : sp[1]!;
      const kH = one ? 1 : k[0]!, kW = one ? k[0]! : k[1]!;
      const sH = one ? 1 : g.strides[0]!, sW = one ? g.strides[0]! : g.strides[1]!;
      const dH = one ? 1 : g.dilations[0]!, dW = one ? g.dilations[0]! : g.dilations[1]!;
      const pT = one ? 0 : g.pads[0]!, pL = one ? g.pads[0]! : g.pads[1]!;
      const pB = one ? 0 : g.pads[r]!, pR = one ? g.pads[r]! : g.pads[r + 1]!;
      const oH = one ? 1 : (g.out[0] as number), oW = (one ? g.out[0] : g.out[1]) as number;
      const includePad = kind === 'avg' && c.attr<number>('count_include_pad') === 1;
      const xd = f32(X), dy = c.dy, dx = c.alloc(xd.length);
      if (kind === 'max' && kH === 2 && kW === 2 && sH === 2 && sW === 2 && dH === 1 && dW === 1 && !pT && !pL && 2 * oH <= H && 2 * oW <= W) {
        maxPool2x2Grad(xd, dy, dx, N * C, H, W, oH, oW);
        return [dx];
      }
      for (let nc = 0; nc < N * C; nc++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
        const hs = oh * sH - pT, ws = ow * sW - pL;
        const d = dy[(nc * oH + oh) * oW + ow]!;
        let best = -Infinity, arg = -1, cnt = 0;
        for (let kh = 0; kh < kH; kh++) {
          const ih = hs + kh * dH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ws + kw * dW;
            if (iw < 0 || iw >= W) continue;
            const idx = (nc * H + ih) * W + iw;
            if (kind === 'max') { if (xd[idx]! > best) { best = xd[idx]!; arg = idx; } } else cnt++;
          }
        }
        if (kind === 'max') { if (arg >= 0) dx[arg] += d; continue; }
        const div = includePad ? (Math.min(hs + kH, H + pB) - hs) * (Math.min(ws + kW, W + pR) - ws) : cnt;
        if (div <= 0) continue;
        for (let kh = 0; kh < kH; kh++) {
          const ih = hs + kh * dH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ws + kw * dW;
            if (iw >= 0 && iw < W) dx[(nc * H + ih) * W + iw] += d / div;
          }
        }
      }
      return [dx];
    },
  };
}

function globalGrad(kind: 'max' | 'avg'): GradRow {
  return {
    trainable: [],
    grad: (c) => {
      if (!c.need[0]) return [];
      const xd = f32(c.x[0]!), nc = c.x[0]!.shape[0]! * c.x[0]!.shape[1]!, len = xd.length / nc;
      const dx = c.alloc(xd.length);
      for (let i = 0; i < nc; i++) {
        if (kind === 'avg') { for (let j = 0; j < len; j++) dx[i * len + j] = c.dy[i]! / len; continue; }
        let arg = i * len;
        for (let j = 1; j < len; j++) if (xd[i * len + j]! > xd[arg]!) arg = i * len + j;
        dx[arg] = c.dy[i]!;
      }
      return [dx];
    },
  };
}

export const POOL_GRADS: Record<string, GradRow> = {
  MaxPool: poolGrad('max'), AveragePool: poolGrad('avg'), GlobalMaxPool: globalGrad('max'), GlobalAveragePool: globalGrad('avg'),
};
