// C emitters for Conv (1-D/2-D spatial, groups, strides, pads, dilations; a fusion anchor whose
// epilogue gets the output channel) and ConvTranspose (scatter form, output_padding), using the
// IR's window geometry so padding modes match shape inference and the reference executor.
import { convTransposeGeometry, windowGeometry } from '../../ir/index.js';
import { loop, type CEmitCtx, type CEmitter } from './types.js';

interface Geo2d { H: number; W: number; kH: number; kW: number; sH: number; sW: number; dH: number; dW: number; pT: number; pL: number; oH: number; oW: number }

function geo2d(ctx: CEmitCtx, g: { kernel: number[]; strides: number[]; dilations: number[]; pads: number[]; out: (number | string)[] }): Geo2d {
  const sp = ctx.inShape(0).slice(2);
  if (sp.length > 2 || sp.length < 1) ctx.fail(`${sp.length}-D spatial convolution has no C emitter (1-D and 2-D only)`);
  const out = g.out as number[];
  if (sp.length === 1) return { H: 1, W: sp[0]!, kH: 1, kW: g.kernel[0]!, sH: 1, sW: g.strides[0]!, dH: 1, dW: g.dilations[0]!, pT: 0, pL: g.pads[0]!, oH: 1, oW: out[0]! };
  return { H: sp[0]!, W: sp[1]!, kH: g.kernel[0]!, kW: g.kernel[1]!, sH: g.strides[0]!, sW: g.strides[1]!, dH: g.dilations[0]!, dW: g.dilations[1]!, pT: g.pads[0]!, pL: g.pads[1]!, oH: out[0]!, oW: out[1]! };
}

const conv: CEmitter = {
  anchorAxis: 'channel',
  emit(ctx) {
    const [N, C] = ctx.inShape(0) as [number, number];
    const w = ctx.inShape(1);
    const M = w[0]!, Cg = w[1]!, group = ctx.op.attr<number>('group');
    const q = geo2d(ctx, windowGeometry(ctx.inShape(0).slice(2), w.slice(2), ctx.node.attrs, ctx.node.name));
    const hasB = !!ctx.node.inputs[2];
    const Mg = M / group;
    return [
      `const float* x = ${ctx.input(0)};`, `const float* w = ${ctx.input(1)};`,
      ...(hasB ? [`const float* b = ${ctx.input(2)};`] : []), `float* y = ${ctx.output()};`,
      `${loop('n', N)} ${loop('m', M)} {`,
      `  const int g = m / ${Mg};`,
      `  ${loop('oh', q.oH)} ${loop('ow', q.oW)} {`,
      `    double acc = ${hasB ? 'b[m]' : '0.0'};`,
      `    ${loop('c', Cg)} {`,
      `      const float* xp = x + (n * ${C} + g * ${Cg} + c) * ${q.H * q.W};`,
      `      const float* wp = w + (m * ${Cg} + c) * ${q.kH * q.kW};`,
      `      ${loop('kh', q.kH)} {`,
      `        const int ih = oh * ${q.sH} - ${q.pT} + kh * ${q.dH};`,
      `        if (ih < 0 || ih >= ${q.H}) continue;`,
      `        ${loop('kw', q.kW)} {`,
      `          const int iw = ow * ${q.sW} - ${q.pL} + kw * ${q.dW};`,
      `          if (iw < 0 || iw >= ${q.W}) continue;`,
      `          acc += (double)xp[ih * ${q.W} + iw] * wp[kh * ${q.kW} + kw];`,
      '        }',
      '      }',
      '    }',
      '    float v = (float)acc;',
      ...ctx.epilogue('v', 'm').map((s) => `    ${s}`),
      `    y[((n * ${M} + m) * ${q.oH} + oh) * ${q.oW} + ow] = v;`,
      '  }',
      '}',
    ];
  },
};

const convTranspose: CEmitter = {
  emit(ctx) {
    const [N, C] = ctx.inShape(0) as [number, number];
    const w = ctx.inShape(1);
    const Mg = w[1]!, group = ctx.op.attr<number>('group');
    const q = geo2d(ctx, convTransposeGeometry(ctx.inShape(0).slice(2), w.slice(2), ctx.node.attrs, ctx.node.name));
    const M = Mg * group, Cg = C / group, plane = q.oH * q.oW;
    const hasB = !!ctx.node.inputs[2];
    return [
      `const float* x = ${ctx.input(0)};`, `const float* w = ${ctx.input(1)};`,
      ...(hasB ? [`const float* b = ${ctx.input(2)};`] : []), `float* y = ${ctx.output()};`,
      `${loop('n', N)} ${loop('m', M)} ${loop('i', plane)} y[(n * ${M} + m) * ${plane} + i] = ${hasB ? 'b[m]' : '0.0f'};`,
      `${loop('n', N)} ${loop('c', C)} {`,
      `  const int g = c / ${Cg};`,
      `  ${loop('ih', q.H)} ${loop('iw', q.W)} {`,
      `    const float v = x[((n * ${C} + c) * ${q.H} + ih) * ${q.W} + iw];`,
      `    ${loop('m', Mg)} {`,
      `      float* yp = y + (n * ${M} + g * ${Mg} + m) * ${plane};`,
      `      const float* wp = w + (c * ${Mg} + m) * ${q.kH * q.kW};`,
      `      ${loop('kh', q.kH)} {`,
      `        const int oh = ih * ${q.sH} - ${q.pT} + kh * ${q.dH};`,
      `        if (oh < 0 || oh >= ${q.oH}) continue;`,
      `        ${loop('kw', q.kW)} {`,
      `          const int ow = iw * ${q.sW} - ${q.pL} + kw * ${q.dW};`,
      `          if (ow < 0 || ow >= ${q.oW}) continue;`,
      `          yp[oh * ${q.oW} + ow] += v * wp[kh * ${q.kW} + kw];`,
      '        }',
      '      }',
      '    }',
      '  }',
      '}',
    ];
  },
};

export const CONV_EMITTERS: Record<string, CEmitter> = { Conv: conv, ConvTranspose: convTranspose };
