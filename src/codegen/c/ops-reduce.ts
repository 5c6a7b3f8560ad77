// C emitters for reductions (ReduceMean/Sum/Max/Min over any axes, float accumulation in input
// order like the reference), Split (several outputs, one arena buffer each) and
// InstanceNormalization (per-plane mean/variance in double).
import { normAxis } from '../../ir/shape.js';
import { reduceAxes, splitSizes } from '../../ir/ops/reduce.js';
import { broadcastLoops } from './ops-eltwise.js';
import { loop, prod, type CEmitter } from './types.js';

const reduce = (kind: 'mean' | 'sum' | 'max' | 'min'): CEmitter => ({
  emit(ctx) {
    const s = ctx.inShape(0);
    const axes = reduceAxes(ctx.op, s.length);
    const reduced = s.map((d, i) => (axes.includes(i) ? 1 : d));
    const n = prod(reduced), count = prod(axes.map((a) => s[a]!));
    const b = broadcastLoops(s, [reduced]);
    const init = kind === 'max' ? '-INFINITY' : kind === 'min' ? 'INFINITY' : '0.0f';
    const k = `y[${b.inIdx[0]}]`, v = `x[${b.outIdx}]`;
    const step = kind === 'max' ? `${k} = fmaxf(${k}, ${v});` : kind === 'min' ? `${k} = fminf(${k}, ${v});` : `${k} += ${v};`;
    return [
      `const float* x = ${ctx.input(0)};`, `float* y = ${ctx.output()};`,
      `${loop('i', n)} y[i] = ${init};`,
      ...b.open, step, ...b.close,
      ...(kind === 'mean' ? [`${loop('i', n)} y[i] /= ${count}.0f;`] : []),
    ];
  },
});

const split: CEmitter = {
  multiOutput: true,
  emit(ctx) {
    const s = ctx.inShape(0);
    const axis = normAxis(ctx.op.attr<number>('axis'), s.length, ctx.node.name);
    const sizes = splitSizes(ctx.op, s[axis]!);
    const outer = prod(s.slice(0, axis)), inner = prod(s.slice(axis + 1));
    const lines = [`const float* x = ${ctx.input(0)};`];
    let start = 0;
    sizes.forEach((sz, k) => {
      if (ctx.node.outputs[k]) {
        lines.push(`{ float* y = ${ctx.output(k)}; ${loop('o', outer)} ${loop('j', sz * inner)} y[o * ${sz * inner} + j] = x[(o * ${s[axis]} + ${start}) * ${inner} + j]; }`);
      }
      start += sz;
    });
    return lines;
  },
};

const instanceNorm: CEmitter = {
  emit(ctx) {
    const s = ctx.inShape(0);
    const C = s[1]!, inner = prod(s.slice(2)), planes = prod(s) / inner;
    const eps = ctx.op.attr<number>('epsilon');
    return [
      `const float* x = ${ctx.input(0)};`, `const float* sc = ${ctx.input(1)};`, `const float* bi = ${ctx.input(2)};`, `float* y = ${ctx.output()};`,
      `${loop('p', planes)} {`,
      `  const float* xp = x + p * ${inner}; float* yp = y + p * ${inner}; const int c = p % ${C};`,
      '  double mean = 0.0, var = 0.0;',
      `  ${loop('j', inner)} mean += xp[j];`,
      `  mean /= ${inner};`,
      `  ${loop('j', inner)} var += (xp[j] - mean) * (xp[j] - mean);`,
      `  var /= ${inner};`,
      `  ${loop('j', inner)} yp[j] = (float)((double)sc[c] * (xp[j] - mean) / sqrt(var + ${eps}) + bi[c]);`,
      '}',
    ];
  },
};

export const REDUCE_EMITTERS: Record<string, CEmitter> = {
  ReduceMean: reduce('mean'), ReduceSum: reduce('sum'), ReduceMax: reduce('max'), ReduceMin: reduce('min'),
  Split: split, InstanceNormalization: instanceNorm,
};
