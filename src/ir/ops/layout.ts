// Op rows that move or re-view data without arithmetic: Reshape (0 and -1), Flatten, Transpose,
// Squeeze/Unsqueeze (axes as attribute or input), Concat, Slice, Identity, Dropout.
import type { OpContext, OpDef, OutInfo } from './schema.js';
import { dimMul, normAxis, numel } from '../shape.js';
import type { Dim, Tensor } from '../types.js';
import { concatTensors } from './fold-helpers.js';

/** Reshape a constant input to the inferred output shape (data unchanged). */
const viewFold = (ctx: OpContext): Tensor[] | undefined => {
  const t = ctx.constant(0);
  const s = ctx.outputs[0]?.shape;
  if (!t || !s || !s.every((d) => typeof d === 'number')) return undefined;
  return [{ dtype: t.dtype, shape: s as number[], data: t.data }];
};

/** Reshape target dims: 0 copies the input dim (unless allowzero), -1 is inferred; symbols pass. */
export function reshapeTarget(inp: Dim[], spec: Dim[], allowZero: boolean, fail: (m: string) => never): Dim[] {
  const out: Dim[] = spec.map((d, i) => (d === 0 && !allowZero ? (inp[i] ?? fail(`0 at position ${i} but input has rank ${inp.length}`)) : d));
  const neg = out.filter((d) => d === -1).length;
  if (neg > 1) fail(`shape [${spec}] has more than one -1`);
  if (out.some((d) => typeof d === 'number' && d < -1)) fail(`shape [${spec}] has a negative dim`);
  if (neg === 1) {
    const known = out.reduce<Dim>((a, d) => (d === -1 ? a : dimMul(a, d)), 1);
    const total = inp.reduce<Dim>((a, d) => dimMul(a, d), 1);
    const k = out.indexOf(-1);
    if (typeof total === 'number' && typeof known === 'number') {
      if (known === 0 || total % known !== 0) fail(`cannot reshape [${inp}] (${total} elements) to [${spec}]`);
      out[k] = total / known;
    } else {
      // symbolic batch: if the symbol survives in `out`, the -1 is the concrete remainder
      const sym = inp.filter((d) => typeof d !== 'number');
      const concreteIn = numel(inp);
      const concreteOut = numel(out.filter((d) => d !== -1));
      const symKept = sym.every((s) => out.includes(s));
      out[k] = symKept && concreteIn % concreteOut === 0 ? concreteIn / concreteOut : `?${k}`;
    }
  } else {
    const a = inp.reduce<Dim>((x, d) => dimMul(x, d), 1), b = out.reduce<Dim>((x, d) => dimMul(x, d), 1);
    if (typeof a === 'number' && typeof b === 'number' && a !== b) fail(`cannot reshape [${inp}] (${a} elements) to [${spec}] (${b} elements)`);
  }
  return out;
}

export const Reshape: OpDef = {
  op: 'Reshape', fuse: 'reshape', inputs: [2, 2], outputs: [1, 1], attrs: { allowzero: { type: 'int', default: 0 } },
  infer(ctx) {
    const spec = ctx.constNumbers(1) ?? ctx.symbolic(1);
    if (!spec) {
      // shape computed at run time (e.g. from a symbolic batch): only the rank is known
      const s = ctx.inputs[1]!.shape;
      if (s.length !== 1 || typeof s[0] !== 'number') ctx.fail('IR_INPUT', `shape input '${ctx.node.inputs[1]}' is neither constant nor of known length`);
      return [{ dtype: ctx.inputs[0]!.dtype, shape: Array.from({ length: s[0] as number }, (_, i) => `${ctx.node.name}:${i}`) }];
    }
    return [{ dtype: ctx.inputs[0]!.dtype, shape: reshapeTarget(ctx.inputs[0]!.shape, spec, ctx.attr<number>('allowzero') === 1, (m) => ctx.fail('IR_SHAPE', m)) }];
  },
  params: () => 0, fold: viewFold,
};

export const Flatten: OpDef = {
  op: 'Flatten', fuse: 'reshape', inputs: [1, 1], outputs: [1, 1], attrs: { axis: { type: 'int', default: 1 } },
  infer(ctx) {
    const x = ctx.inputs[0]!.shape;
    const axis = normAxis(ctx.attr<number>('axis'), x.length, ctx.node.name, true);
    const prod = (d: Dim[]) => d.reduce<Dim>((a, b) => dimMul(a, b), 1);
    return [{ dtype: ctx.inputs[0]!.dtype, shape: [prod(x.slice(0, axis)), prod(x.slice(axis))] }];
  },
  fold: viewFold,
};

export const Transpose: OpDef = {
  op: 'Transpose', fuse: 'reshape', inputs: [1, 1], outputs: [1, 1], attrs: { perm: { type: 'ints' } },
  infer(ctx) {
    const x = ctx.inputs[0]!.shape;
    const perm = ctx.has('perm') ? ctx.attr<number[]>('perm') : x.map((_, i) => x.length - 1 - i);
    if (perm.length !== x.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) ctx.fail('IR_ATTR', `perm [${perm}] is not a permutation of rank ${x.length}`);
    return [{ dtype: ctx.inputs[0]!.dtype, shape: perm.map((p) => x[p]!) }];
  },
};

function axesOf(ctx: OpContext): number[] | undefined {
  if (ctx.node.inputs.length > 1 && ctx.node.inputs[1]) return ctx.constNumbers(1) ?? ctx.fail('IR_INPUT', `axes input '${ctx.node.inputs[1]}' is not a constant`);
  return ctx.has('axes') ? ctx.attr<number[]>('axes') : undefined;
}

export const Squeeze: OpDef = {
  op: 'Squeeze', fuse: 'reshape', inputs: [1, 2], outputs: [1, 1], attrs: { axes: { type: 'ints' } },
  infer(ctx) {
    const x = ctx.inputs[0]!.shape;
    const axes = axesOf(ctx)?.map((a) => normAxis(a, x.length, ctx.node.name)) ?? x.flatMap((d, i) => (d === 1 ? [i] : []));
    for (const a of axes) if (typeof x[a] === 'number' && x[a] !== 1) ctx.fail('IR_SHAPE', `cannot squeeze axis ${a} of size ${x[a]}`);
    return [{ dtype: ctx.inputs[0]!.dtype, shape: x.filter((_, i) => !axes.includes(i)) }];
  },
  params: () => 0, fold: viewFold, propagate: (ctx) => ctx.symbolic(0),
};

export const Unsqueeze: OpDef = {
  op: 'Unsqueeze', fuse: 'reshape', inputs: [1, 2], outputs: [1, 1], attrs: { axes: { type: 'ints' } },
  infer(ctx) {
    const x = ctx.inputs[0]!.shape;
    const raw = axesOf(ctx) ?? ctx.fail('IR_ATTR', 'Unsqueeze needs axes');
    const r = x.length + raw.length;
    const axes = raw.map((a) => normAxis(a, r, ctx.node.name));
    if (new Set(axes).size !== axes.length) ctx.fail('IR_ATTR', `duplicate axes [${raw}]`);
    const out: Dim[] = [];
    let k = 0;
    for (let i = 0; i < r; i++) out.push(axes.includes(i) ? 1 : x[k++]!);
    return [{ dtype: ctx.inputs[0]!.dtype, shape: out }];
  },
  params: () => 0, fold: viewFold, propagate: (ctx) => ctx.symbolic(0),
};

export const Concat: OpDef = {
  op: 'Concat', fuse: 'opaque', inputs: [1, 1024], outputs: [1, 1], attrs: { axis: { type: 'int', required: true } },
  infer(ctx) {
    const ins = ctx.inputs.map((t, i) => t ?? ctx.fail('IR_INPUT', `input ${i} missing`));
    const r = ins[0]!.shape.length;
    const axis = normAxis(ctx.attr<number>('axis'), r, ctx.node.name);
    const out = [...ins[0]!.shape];
    let sum: Dim = 0;
    for (const t of ins) {
      if (t.shape.length !== r) ctx.fail('IR_SHAPE', `input '${t.name}' rank ${t.shape.length} != ${r}`);
      if (t.dtype !== ins[0]!.dtype) ctx.fail('IR_SHAPE', `input '${t.name}' dtype ${t.dtype} != ${ins[0]!.dtype}`);
      t.shape.forEach((d, i) => {
        if (i !== axis && typeof d === 'number' && typeof out[i] === 'number' && d !== out[i]) ctx.fail('IR_SHAPE', `input '${t.name}' shape [${t.shape}] differs from [${ins[0]!.shape}] outside axis ${axis}`);
      });
      const d = t.shape[axis]!;
      sum = typeof sum === 'number' && typeof d === 'number' ? sum + d : `${sum}+${d}`;
    }
    out[axis] = sum;
    return [{ dtype: ins[0]!.dtype, shape: out }];
  },
  propagate(ctx) {
    if (ctx.inputs.some((t) => !t || t.shape.length > 1)) return undefined;
    const parts = ctx.node.inputs.map((_, i) => ctx.symbolic(i));
    return parts.every((p) => p) ? parts.flatMap((p) => p!) : undefined;
  },
  fold(ctx) {
    const ts = ctx.node.inputs.map((_, i) => ctx.constant(i));
    if (ts.some((t) => !t)) return undefined;
    return [concatTensors(ts as Tensor[], normAxis(ctx.attr<number>('axis'), ts[0]!.shape.length, ctx.node.name))];
  },
};

/** Slice parameters normalized per axis: start, step and count. */
export function sliceParams(x: number[], ctx: OpContext): { axes: number[]; starts: number[]; steps: number[]; counts: number[] } {
  const fromInputs = ctx.opset >= 10;
  const num = (i: number, attr: string) => (fromInputs ? (ctx.node.inputs[i] ? ctx.constNumbers(i) ?? ctx.fail('IR_INPUT', `Slice input ${i} is not a constant`) : undefined) : ctx.has(attr) ? ctx.attr<number[]>(attr) : undefined);
  const starts = num(1, 'starts') ?? ctx.fail('IR_ATTR', 'Slice needs starts');
  const ends = num(2, 'ends') ?? ctx.fail('IR_ATTR', 'Slice needs ends');
  const axes = (num(3, 'axes') ?? starts.map((_, i) => i)).map((a) => normAxis(a, x.length, ctx.node.name));
  const steps = num(4, 'steps') ?? starts.map(() => 1);
  const outStarts: number[] = [], counts: number[] = [];
  axes.forEach((a, i) => {
    const n = x[a]!, st = steps[i]!;
    if (st === 0) ctx.fail('IR_ATTR', 'Slice step 0');
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    let s = starts[i]!, e = ends[i]!;
    if (s < 0) s += n;
    if (e < 0) e += n;
    if (st > 0) { s = clamp(s, 0, n); e = clamp(e, 0, n); } else { s = clamp(s, -1, n - 1); e = clamp(e, -1, n - 1); }
    outStarts.push(s);
    counts.push(Math.max(0, Math.ceil((e - s) / st)));
  });
  return { axes, starts: outStarts, steps, counts };
}

export const Slice: OpDef = {
  op: 'Slice', fuse: 'opaque', inputs: [1, 5], outputs: [1, 1], attrs: { starts: { type: 'ints' }, ends: { type: 'ints' }, axes: { type: 'ints' } },
  infer(ctx) {
    const xs = ctx.inputs[0]!.shape;
    const conc = xs.map((d) => (typeof d === 'number' ? d : Number.MAX_SAFE_INTEGER));
    const p = sliceParams(conc, ctx);
    const out: Dim[] = [...xs];
    p.axes.forEach((a, i) => { out[a] = typeof xs[a] === 'number' ? p.counts[i]! : xs[a]!; });
    return [{ dtype: ctx.inputs[0]!.dtype, shape: out }];
  },
  params: () => 0,
};

const passthrough = (op: string, outs: [number, number], attrs: OpDef['attrs'] = {}): OpDef => ({
  op, fuse: 'reshape', inputs: op === 'Dropout' ? [1, 3] : [1, 1], outputs: outs, attrs,
  infer(ctx) {
    const o: OutInfo[] = [{ dtype: ctx.inputs[0]!.dtype, shape: [...ctx.inputs[0]!.shape] }];
    if (ctx.node.outputs.length > 1) o.push({ dtype: 'bool', shape: [...ctx.inputs[0]!.shape] });
    return o;
  },
  params: () => 0,
  propagate: (ctx) => ctx.symbolic(0),
  fold: (ctx) => { const t = ctx.constant(0); return t && ctx.node.outputs.length === 1 ? [t] : undefined; },
});

export const LAYOUT_OPS: OpDef[] = [
  Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat, Slice,
  passthrough('Identity', [1, 1]),
  passthrough('Dropout', [1, 2], { ratio: { type: 'float', default: 0.5 }, seed: { type: 'int' } }),
];
