// C emitters for element-wise ops: activations (statements from activations.ts), unary math,
// numpy-broadcast n-ary arithmetic (Add, Sub, Mul, Div, Pow, Max, Min, Sum) with the broadcast
// strides resolved at generation time, and inference BatchNormalization (O0 graphs; O2 folds it).
import { ACTIVATIONS } from './activations.js';
import { loop, prod, type CEmitCtx, type CEmitter } from './types.js';

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
  return s;
}

/** Nested loops over `out` (indices i0..ik) and, per input shape, its broadcast flat index expression. */
export function broadcastLoops(out: readonly number[], ins: readonly (readonly number[])[]): { open: string[]; close: string[]; outIdx: string; inIdx: string[] } {
  const r = out.length;
  const os = stridesOf(out);
  const idx = (shape: readonly number[], st: readonly number[], bcast: boolean): string => {
    const off = r - shape.length;
    const terms: string[] = [];
    shape.forEach((n, j) => { if (!(bcast && n === 1) && st[j]! !== 0) terms.push(st[j] === 1 ? `i${j + off}` : `i${j + off} * ${st[j]}`); });
    return terms.length ? terms.join(' + ') : '0';
  };
  return {
    open: out.map((n, d) => `${loop(`i${d}`, n)} {`),
    close: out.map(() => '}'),
    outIdx: r ? idx(out, os, false) : '0',
    inIdx: ins.map((s) => idx(s, stridesOf(s), true)),
  };
}

const activation = (opName: string): CEmitter => ({
  emit(ctx) {
    const n = prod(ctx.outShape());
    return [
      `const float* x = ${ctx.input(0)};`, `float* y = ${ctx.output()};`,
      `${loop('i', n)} {`, `  float v = x[i];`, `  ${ACTIVATIONS.get(opName)!('v', ctx.op)}`, `  y[i] = v;`, '}',
    ];
  },
});

const unary = (expr: (a: string) => string): CEmitter => ({
  emit: (ctx) => [`const float* x = ${ctx.input(0)};`, `float* y = ${ctx.output()};`, `${loop('i', prod(ctx.outShape()))} y[i] = ${expr('x[i]')};`],
});

const nary = (f: (a: string, b: string) => string): CEmitter => ({
  emit(ctx: CEmitCtx) {
    const ins = ctx.node.inputs.map((_, i) => i).filter((i) => ctx.node.inputs[i]);
    const out = ctx.outShape();
    const decl = ins.map((i, k) => `const float* x${k} = ${ctx.input(i)};`);
    if (ins.every((i) => prod(ctx.inShape(i)) === prod(out))) { // no broadcasting: one flat loop
      let f1 = 'x0[i]';
      for (let k = 1; k < ins.length; k++) f1 = f(f1, `x${k}[i]`);
      return [...decl, `float* y = ${ctx.output()};`, `${loop('i', prod(out))} y[i] = ${f1};`];
    }
    const b = broadcastLoops(out, ins.map((i) => ctx.inShape(i)));
    let e = `x0[${b.inIdx[0]}]`;
    for (let k = 1; k < ins.length; k++) e = f(e, `x${k}[${b.inIdx[k]}]`);
    return [...decl, `float* y = ${ctx.output()};`, ...b.open, `y[${b.outIdx}] = ${e};`, ...b.close];
  },
});

const batchNorm: CEmitter = {
  emit(ctx) {
    const s = ctx.inShape(0);
    const [N, C] = [s[0]!, s[1]!];
    const inner = prod(s.slice(2));
    const eps = ctx.op.attr<number>('epsilon');
    return [
      `const float* x = ${ctx.input(0)};`, `const float* sc = ${ctx.input(1)};`, `const float* bi = ${ctx.input(2)};`,
      `const float* mu = ${ctx.input(3)};`, `const float* va = ${ctx.input(4)};`, `float* y = ${ctx.output()};`,
      `${loop('n', N)} ${loop('c', C)} {`,
      `  const double k = sqrt((double)va[c] + ${eps});`,
      `  const float* xp = x + (n * ${C} + c) * ${inner}; float* yp = y + (n * ${C} + c) * ${inner};`,
      `  ${loop('i', inner)} yp[i] = (float)((double)sc[c] * ((double)xp[i] - mu[c]) / k + bi[c]);`,
      '}',
    ];
  },
};

export const ELTWISE_EMITTERS: Record<string, CEmitter> = {
  ...Object.fromEntries([...ACTIVATIONS.keys()].map((k) => [k, activation(k)])),
  Add: nary((a, b) => `${a} + ${b}`),
  Sub: nary((a, b) => `${a} - ${b}`),
  Mul: nary((a, b) => `${a} * ${b}`),
  Div: nary((a, b) => `${a} / ${b}`),
  Pow: nary((a, b) => `(float)pow((double)${a}, (double)${b})`),
  Max: nary((a, b) => `fmaxf(${a}, ${b})`),
  Min: nary((a, b) => `fminf(${a}, ${b})`),
  Sum: nary((a, b) => `${a} + ${b}`),
  Neg: unary((a) => `-${a}`),
  Abs: unary((a) => `fabsf(${a})`),
  Sqrt: unary((a) => `(float)sqrt((double)${a})`),
  Exp: unary((a) => `(float)exp((double)${a})`),
  Reciprocal: unary((a) => `1.0f / ${a}`),
  BatchNormalization: batchNorm,
};
