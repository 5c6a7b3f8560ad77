// C emitters for MaxPool / AveragePool (1-D/2-D, pads, strides, dilations, ceil_mode,
// count_include_pad like the reference executor) and GlobalAveragePool / GlobalMaxPool.
import { windowGeometry } from '../../ir/index.js';
import { loop, prod, type CEmitter } from './types.js';

const pool = (kind: 'max' | 'avg'): CEmitter => ({
  emit(ctx) {
    const s = ctx.inShape(0);
    const sp = s.slice(2);
    if (sp.length < 1 || sp.length > 2) ctx.fail(`${sp.length}-D pooling has no C emitter (1-D and 2-D only)`);
    const k = ctx.op.attr<number[]>('kernel_shape');
    const g = windowGeometry(sp, k, ctx.node.attrs, ctx.node.name, ctx.op.attr<number>('ceil_mode') === 1);
    const one = sp.length === 1, r = sp.length;
    const H = one ? 1 : sp[0]!, W = one ? sp[0]! : sp[1]!;
    const kH = one ? 1 : k[0]!, kW = one ? k[0]! : k[1]!;
    const sH = one ? 1 : g.strides[0]!, sW = one ? g.strides[0]! : g.strides[1]!;
    const dH = one ? 1 : g.dilations[0]!, dW = one ? g.dilations[0]! : g.dilations[1]!;
    const pT = one ? 0 : g.pads[0]!, pL = one ? g.pads[0]! : g.pads[1]!;
    const pB = one ? 0 : g.pads[r]!, pR = one ? g.pads[r]! : g.pads[r + 1]!;
    const oH = one ? 1 : (g.out[0] as number), oW = (one ? g.out[0] : g.out[1]) as number;
    const includePad = kind === 'avg' && ctx.op.attr<number>('count_include_pad') === 1;
    const NC = s[0]! * s[1]!;
    const acc = kind === 'max' ? 'if (v > acc) acc = v;' : includePad ? 'acc += v;' : 'acc += v; cnt++;';
    const fin = kind === 'max' ? [] : includePad
      ? [`{ const int he = hs + ${kH} < ${H + pB} ? hs + ${kH} : ${H + pB}; const int we = ws + ${kW} < ${W + pR} ? ws + ${kW} : ${W + pR}; const int div = (he - hs) * (we - ws); acc = div > 0 ? acc / div : 0.0; }`]
      : ['acc = cnt > 0 ? acc / cnt : 0.0;'];
    return [
      `const float* x = ${ctx.input(0)};`, `float* y = ${ctx.output()};`,
      `${loop('nc', NC)} ${loop('oh', oH)} ${loop('ow', oW)} {`,
      `  const int hs = oh * ${sH} - ${pT}, ws = ow * ${sW} - ${pL};`,
      kind === 'max' ? '  double acc = -INFINITY;' : includePad ? '  double acc = 0.0;' : '  double acc = 0.0; int cnt = 0;',
      `  ${loop('kh', kH)} {`,
      `    const int ih = hs + kh * ${dH};`,
      `    if (ih < 0 || ih >= ${H}) continue;`,
      `    ${loop('kw', kW)} {`,
      `      const int iw = ws + kw * ${dW};`,
      `      if (iw < 0 || iw >= ${W}) continue;`,
      `      const double v = x[(nc * ${H} + ih) * ${W} + iw];`,
      `      ${acc}`,
      '    }',
      '  }',
      ...fin.map((l) => `  ${l}`),
      `  y[(nc * ${oH} + oh) * ${oW} + ow] = (float)acc;`,
      '}',
    ];
  },
});

const globalPool = (kind: 'max' | 'avg'): CEmitter => ({
  emit(ctx) {
    const s = ctx.inShape(0);
    const NC = s[0]! * s[1]!, len = prod(s.slice(2));
    return [
      `const float* x = ${ctx.input(0)};`, `float* y = ${ctx.output()};`,
      `${loop('i', NC)} {`,
      kind === 'max' ? '  double acc = -INFINITY;' : '  double acc = 0.0;',
      kind === 'max' ? `  ${loop('j', len)} if (x[i * ${len} + j] > acc) acc = x[i * ${len} + j];` : `  ${loop('j', len)} acc += x[i * ${len} + j];`,
      kind === 'max' ? '  y[i] = (float)acc;' : `  y[i] = (float)(acc / ${len});`,
      '}',
    ];
  },
});

export const POOL_EMITTERS: Record<string, CEmitter> = {
  MaxPool: pool('max'), AveragePool: pool('avg'), GlobalMaxPool: globalPool('max'), GlobalAveragePool: globalPool('avg'),
};
