// Keras merge layers: Add, Subtract, Multiply, Maximum, Minimum, Average (elementwise, all
// inputs brought to one layout) and Concatenate (logical axis mapped to the stored layout).
import type { Dim } from '../../../ir/index.js';
import { TO_NCHW, type Layout, type Value } from '../builder.js';
import type { LayerConverter, LayerCtx } from './context.js';

/** Inputs in a common layout: kept when all agree (elementwise ops), else NCHW if any rank-4 input is stored so. */
function aligned(ctx: LayerCtx, keepFlat = true): Value[] {
  if (ctx.inputs.length < 2) ctx.fail('KERAS_CONFIG', `needs at least 2 inputs, got ${ctx.inputs.length}`);
  const v0 = ctx.inputs[0]!;
  const same = ctx.inputs.every((v) => v.layout === v0.layout && String(v.chw) === String(v0.chw));
  if (same && (keepFlat || v0.layout !== 'chw-flat')) return ctx.inputs;
  const layout: Layout = ctx.inputs.some((v) => v.layout === 'nchw') ? 'nchw' : 'nhwc';
  return ctx.inputs.map((v) => ctx.b.as(v, layout));
}

function sameShapes(ctx: LayerCtx, vs: Value[]): void {
  const s0 = vs[0]!.shape;
  for (const v of vs) {
    if (v.shape.length !== s0.length || v.shape.some((d, i) => i > 0 && typeof d === 'number' && typeof s0[i] === 'number' && d !== s0[i])) {
      ctx.fail('KERAS_SHAPE', `input shapes ${vs.map((x) => `[${x.shape.join(',')}]`).join(' and ')} differ`);
    }
  }
}

function elementwise(op: 'Add' | 'Sub' | 'Mul' | 'Max' | 'Min', binary = false): LayerConverter {
  return (ctx) => {
    const vs = aligned(ctx);
    sameShapes(ctx, vs);
    if (binary && vs.length !== 2) ctx.fail('KERAS_CONFIG', `needs exactly 2 inputs, got ${vs.length}`);
    let acc = vs[0]!.name;
    for (let i = 1; i < vs.length; i++) acc = ctx.b.node(op, i === vs.length - 1 ? ctx.name : `${ctx.name}_${i}`, [acc, vs[i]!.name]);
    return [{ ...vs[0]!, name: acc }];
  };
}

const average: LayerConverter = (ctx) => {
  const [sum] = elementwise('Add')(ctx);
  const b = ctx.b;
  return [{ ...sum!, name: b.node('Mul', `${ctx.name}_mean`, [sum!.name, b.scalar(`${ctx.name}_inv`, 1 / ctx.inputs.length)]) }];
};

const concatenate: LayerConverter = (ctx) => {
  const vs = aligned(ctx, false); // features of separately flattened values cannot be joined in C,H,W order
  const rank = vs[0]!.shape.length;
  const raw = ctx.cfg.axis ?? -1;
  if (!Number.isInteger(raw) || (raw as number) < -rank || (raw as number) >= rank || raw === 0 || raw === -rank) {
    ctx.fail('KERAS_CONFIG', `axis ${JSON.stringify(raw)} is invalid for rank-${rank} inputs`);
  }
  const axis = (raw as number) < 0 ? (raw as number) + rank : (raw as number);
  const s0 = vs[0]!.shape;
  let total: Dim = 0;
  for (const v of vs) {
    if (v.shape.length !== rank || v.shape.some((d, i) => i > 0 && i !== axis && d !== s0[i])) ctx.fail('KERAS_SHAPE', `inputs [${vs.map((x) => x.shape.join(',')).join('] [')}] do not concatenate on axis ${axis}`);
    const d = v.shape[axis]!;
    total = typeof d === 'number' && typeof total === 'number' ? total + d : `${String(total)}+${String(d)}`;
  }
  const irAxis = vs[0]!.layout === 'nchw' && rank === 4 ? TO_NCHW.indexOf(axis) : axis;
  const name = ctx.b.node('Concat', ctx.name, vs.map((v) => v.name), { axis: irAxis });
  return [{ ...vs[0]!, name, shape: s0.map((d, i) => (i === axis ? total : d)) }];
};

export const MERGE_LAYERS: Record<string, LayerConverter> = {
  Add: elementwise('Add'),
  Subtract: elementwise('Sub', true),
  Multiply: elementwise('Mul'),
  Maximum: elementwise('Max'),
  Minimum: elementwise('Min'),
  Average: average,
  Concatenate: concatenate,
};
