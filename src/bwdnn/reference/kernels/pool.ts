// Reference kernels: MaxPool (dilations, ceil_mode), AveragePool (count_include_pad, ceil_mode)
// and the global pools, over 1-D or 2-D spatial dims.
import { windowGeometry } from '../../../ir/ops/geometry.js';
import { allocOut, type Kernel } from '../kernel.js';

function pool(kind: 'max' | 'avg'): Kernel {
  return (x, ctx) => {
    const X = x[0]!;
    const [N, C] = X.shape as [number, number];
    const sp = X.shape.slice(2);
    if (sp.length > 2) ctx.fail('IR_SHAPE', `${sp.length}-D pooling is not supported by the reference executor`);
    const k = ctx.attr<number[]>('kernel_shape');
    const g = windowGeometry(sp, k, ctx.node.attrs, ctx.node.name, ctx.attr<number>('ceil_mode') === 1);
    const one = sp.length === 1;
    const H = one ? 1 : sp[0]!, W = one ? sp[0]! : sp[1]!;
    const kH = one ? 1 : k[0]!, kW = one ? k[0]! : k[1]!;
    const sH = one ? 1 : g.strides[0]!, sW = one ? g.strides[0]! : g.strides[1]!;
    const dH = one ? 1 : g.dilations[0]!, dW = one ? g.dilations[0]! : g.dilations[1]!;
    const r = sp.length;
    const pT = one ? 0 : g.pads[0]!, pL = one ? g.pads[0]! : g.pads[1]!;
    const pB = one ? 0 : g.pads[r]!, pR = one ? g.pads[r]! : g.pads[r + 1]!;
    const oH = one ? 1 : (g.out[0] as number), oW = (one ? g.out[0] : g.out[1]) as number;
    const includePad = kind === 'avg' && ctx.attr<number>('count_include_pad') === 1;
    const y = allocOut(ctx);
    const xd = X.data as Float32Array, yd = y.data as Float32Array;
    for (let nc = 0; nc < N * C; nc++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
      const hs = oh * sH - pT, ws = ow * sW - pL;
      let acc = kind === 'max' ? -Infinity : 0, cnt = 0;
      for (let kh = 0; kh < kH; kh++) {
        const ih = hs + kh * dH;
        if (ih < 0 || ih >= H) continue;
        for (let kw = 0; kw < kW; kw++) {
          const iw = ws + kw * dW;
          if (iw < 0 || iw >= W) continue;
          const v = xd[(nc * H + ih) * W + iw]!;
          if (kind === 'max') { if (v > acc) acc = v; } else { acc += v; cnt++; }
        }
      }
      if (kind === 'avg') {
        // with count_include_pad the divisor is the window clipped to the padded input
        const div = includePad ? (Math.min(hs + kH, H + pB) - hs) * (Math.min(ws + kW, W + pR) - ws) : cnt;
        acc = div > 0 ? acc / div : 0;
      }
      yd[(nc * oH + oh) * oW + ow] = acc;
    }
    return [y];
  };
}

function globalPool(kind: 'max' | 'avg'): Kernel {
  return (x, ctx) => {
    const X = x[0]!;
    const nc = X.shape[0]! * X.shape[1]!;
    const len = X.data.length / nc;
    const y = allocOut(ctx);
    const xd = X.data as Float32Array, yd = y.data as Float32Array;
    for (let i = 0; i < nc; i++) {
      let acc = kind === 'max' ? -Infinity : 0;
      for (let j = 0; j < len; j++) { const v = xd[i * len + j]!; acc = kind === 'max' ? Math.max(acc, v) : acc + v; }
      yd[i] = kind === 'max' ? acc : acc / len;
    }
    return [y];
  };
}

export const POOL_KERNELS: Record<string, Kernel> = {
  MaxPool: pool('max'), AveragePool: pool('avg'), GlobalMaxPool: globalPool('max'), GlobalAveragePool: globalPool('avg'),
};
