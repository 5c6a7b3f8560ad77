// C emitters that move data: views (Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout)
// alias their input's storage and emit no code; Transpose and Concat copy with loops; Softmax
// (opset < 13: 2-D coercion at axis; >= 13: one axis) computes in double like the reference.
import { normAxis } from '../../ir/shape.js';
import { softmaxAxis } from '../../ir/ops/activation.js';
import { broadcastLoops, stridesOf } from './ops-eltwise.js';
import { loop, prod, type CEmitter } from './types.js';

const view: CEmitter = { alias: true, emit: () => [] };

const transpose: CEmitter = {
  emit(ctx) {
    const s = ctx.inShape(0), y = ctx.outShape();
    const perm = ctx.op.has('perm') ? ctx.op.attr<number[]>('perm') : s.map((_, i) => s.length - 1 - i);
    const xs = stridesOf(s);
    const b = broadcastLoops(y, []);
    const src = perm.map((p, d) => `i${d} * ${xs[p]}`).join(' + ') || '0';
    return [`const float* x = ${ctx.input(0)};`, `float* y = ${ctx.output()};`, ...b.open, `y[${b.outIdx}] = x[${src}];`, ...b.close];
  },
};

const concat: CEmitter = {
  emit(ctx) {
    const y = ctx.outShape();
    const axis = normAxis(ctx.op.attr<number>('axis'), y.length, ctx.node.name);
    const outer = prod(y.slice(0, axis)), total = prod(y.slice(axis));
    const lines = [`float* y = ${ctx.output()};`];
    let off = 0;
    ctx.node.inputs.forEach((name, i) => {
      if (!name) return;
      const chunk = prod(ctx.inShape(i).slice(axis));
      lines.push(`{ const float* x = ${ctx.input(i)}; ${loop('o', outer)} ${loop('j', chunk)} y[o * ${total} + ${off} + j] = x[o * ${chunk} + j]; }`);
      off += chunk;
    });
    return lines;
  },
};

const softmax: CEmitter = {
  emit(ctx) {
    const s = ctx.inShape(0);
    const axis = normAxis(softmaxAxis(ctx.op.has('axis') ? ctx.op.attr<number>('axis') : undefined, ctx.op.opset), s.length, ctx.node.name);
    const legacy = ctx.op.opset < 13;
    const len = legacy ? prod(s.slice(axis)) : s[axis]!;
    const inner = legacy ? 1 : prod(s.slice(axis + 1));
    const outer = prod(s) / (len * inner);
    const at = (k: string) => `(b * ${len * inner} + ${k} * ${inner} + j)`;
    return [
      `const float* x = ${ctx.input(0)};`, `float* y = ${ctx.output()};`,
      `${loop('b', outer)} ${loop('j', inner)} {`,
      '  double m = -INFINITY, sum = 0.0;',
      `  ${loop('k', len)} if (x[${at('k')}] > m) m = x[${at('k')}];`,
      `  ${loop('k', len)} { const double e = exp((double)x[${at('k')}] - m); y[${at('k')}] = (float)e; sum += e; }`,
      `  ${loop('k', len)} y[${at('k')}] = (float)(y[${at('k')}] / sum);`,
      '}',
    ];
  },
};

export const LAYOUT_EMITTERS: Record<string, CEmitter> = {
  Reshape: view, Flatten: view, Squeeze: view, Unsqueeze: view, Identity: view, Dropout: view,
  Transpose: transpose, Concat: concat, Softmax: softmax,
};
