// Op coverage of the C emitters on small graphs (one gcc build each): Conv with groups, stride,
// asymmetric pads and dilation, ConvTranspose with output_padding, Max/AveragePool with
// ceil_mode/pads/count_include_pad, global pools, BN, broadcast arithmetic, Transpose, Softmax,
// Slice, Pad (reflect), Gemm with alpha/beta, Concat, unary math, views as graph outputs,
// reductions, Split and InstanceNormalization;
// every output equals the reference. Ops without an emitter raise CG_NO_EMITTER naming the node.
import { describe, expect, it } from 'vitest';
import { emitCModel } from '../../../src/codegen/c/index.js';
import type { Node, Tensor } from '../../../src/ir/types.js';
import { describeWith } from '../../support/prereqs.js';
import { rand, tensor, tiny } from '../../opt/support.js';
import { checkC } from './support.js';

const n = (name: string, op: string, inputs: string[], attrs: Node['attrs'] = {}, outputs = [name]): Node => ({ name, op, inputs, outputs, attrs });
const r = rand(7);
const rnd = (shape: number[]) => tensor(shape, () => r() * 2 - 1);
const i64 = (xs: number[]): Tensor => ({ dtype: 'int64', shape: [xs.length], data: BigInt64Array.from(xs.map(BigInt)) });

function convGraph() {
  return tiny([1, 4, 9, 9], [
    n('c1', 'Conv', ['x', 'w1', 'b1'], { group: 2, strides: [2, 2], pads: [1, 0, 2, 1], dilations: [2, 1], kernel_shape: [3, 3] }, ['y1']),
    n('lr', 'LeakyRelu', ['y1'], { alpha: 0.1 }, ['y1r']),
    n('ct', 'ConvTranspose', ['x', 'wt', 'bt'], { group: 2, strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, ['y2']),
    n('mp', 'MaxPool', ['x'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }, ['y3']),
    n('ap', 'AveragePool', ['x'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }, ['y4']),
    n('ap2', 'AveragePool', ['x'], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1] }, ['y5']),
    n('gmp', 'GlobalMaxPool', ['x'], {}, ['y6']),
    n('bn', 'BatchNormalization', ['x', 'g', 'b', 'mu', 'var'], { epsilon: 1e-3 }, ['y7']),
  ], {
    w1: rnd([4, 2, 3, 3]), b1: rnd([4]), wt: rnd([4, 3, 3, 3]), bt: rnd([6]),
    g: rnd([4]), b: rnd([4]), mu: rnd([4]), var: tensor([4], (i) => 0.5 + i),
  }, ['y1r', 'y2', 'y3', 'y4', 'y5', 'y6', 'y7']);
}

function eltGraph() {
  return tiny([2, 3, 4], [
    n('sub', 'Sub', ['x', 'c4'], {}, ['a']),
    n('div', 'Div', ['a', 'c31'], {}, ['b']),
    n('mx', 'Max', ['b', 's'], {}, ['c']),
    n('tr', 'Transpose', ['c'], { perm: [2, 0, 1] }, ['d']),
    n('sm', 'Softmax', ['d'], { axis: 1 }, ['e']),
    n('sl', 'Slice', ['x', 'st', 'en', 'ax', 'sp'], {}, ['f']),
    n('pd', 'Pad', ['x', 'pads'], { mode: 'reflect' }, ['pg']),
    n('fl', 'Flatten', ['x'], { axis: 2 }, ['fx']),
    n('gm', 'Gemm', ['fx', 'B', 'C'], { alpha: 0.5, beta: 2 }, ['h']),
    n('hs', 'HardSwish', ['h'], {}, ['h2']),
    n('el', 'Elu', ['h2'], { alpha: 0.7 }, ['h3']),
    n('cc', 'Concat', ['x', 'e2'], { axis: 2 }, ['k']),
    n('t2', 'Transpose', ['e'], { perm: [1, 2, 0] }, ['e2']),
    n('ab', 'Abs', ['x'], {}, ['u1']),
    n('sq', 'Sqrt', ['u1'], {}, ['u2']),
    n('ex', 'Exp', ['u2'], {}, ['u3']),
    n('rc', 'Reciprocal', ['u3'], {}, ['u4']),
    n('ng', 'Neg', ['u4'], {}, ['u5']),
    n('th', 'Tanh', ['u5'], {}, ['u6']),
    n('cl', 'Clip', ['u6', 'lo'], {}, ['u7']),
    n('us', 'Unsqueeze', ['x', 'ax0'], {}, ['v']),
  ], {
    c4: rnd([4]), c31: tensor([3, 1], (i) => 1.5 + i), s: tensor([], () => -0.2), B: rnd([4, 5]), C: rnd([5]), lo: tensor([], () => -0.3),
    st: i64([0, 1]), en: i64([2, 4]), ax: i64([1, 2]), sp: i64([1, 2]), pads: i64([0, 1, 2, 0, 0, 1]), ax0: i64([0]),
  }, ['f', 'pg', 'h3', 'k', 'u7', 'v']);
}

function reduceGraph() {
  return tiny([2, 6, 3, 5], [
    n('rm', 'ReduceMean', ['x'], { axes: [2, 3] }, ['a']),
    n('rs', 'ReduceSum', ['x', 'ax13'], { keepdims: 0 }, ['b']),
    n('rx', 'ReduceMax', ['x'], { axes: [1], keepdims: 0 }, ['c']),
    n('rn', 'ReduceMin', ['x'], {}, ['d']),
    n('sp', 'Split', ['x', 'sizes'], { axis: 1 }, ['s1', 's2']),
    n('in', 'InstanceNormalization', ['s2', 'g', 'beta'], { epsilon: 1e-4 }, ['e']),
  ], { ax13: i64([1, 3]), sizes: i64([2, 4]), g: rnd([4]), beta: rnd([4]) }, ['a', 'b', 'c', 'd', 's1', 'e']);
}

describeWith(['gcc'], 'C emitters vs reference on small graphs', () => {
  it('reductions, Split (two outputs) and InstanceNormalization (O0)', () => {
    expect(checkC(reduceGraph(), 'O0').maxRel).toBeLessThanOrEqual(1e-4);
  });

  it('conv / pool / BN family (O0, and O2 with a fused LeakyRelu)', () => {
    expect(checkC(convGraph(), 'O0').maxRel).toBeLessThanOrEqual(1e-4);
    const o2 = checkC(convGraph(), 'O2');
    expect(o2.maxRel).toBeLessThanOrEqual(1e-4);
    expect(o2.model.layers.find((l) => l.name === 'c1')!.fused).toEqual(['lr']);
    expect(o2.model.outputs).toHaveLength(7);
  });

  it('element-wise, layout, gather, Gemm and view ops (O0)', () => {
    const c = checkC(eltGraph(), 'O0');
    expect(c.maxRel).toBeLessThanOrEqual(1e-4);
    expect(c.model.layers.find((l) => l.name === 'us')!.view).toBe(true);
  });
});

describe('C emitter errors', () => {
  it('an op without an emitter names op and node', () => {
    const g = tiny([1, 3, 4, 4], [n('cast', 'Cast', ['x'], { to: 1 }, ['y'])], {}, ['y']);
    expect(() => emitCModel(g)).toThrow(/op 'Cast' \(node 'cast'\) has no C emitter/);
  });

  it('rejects a prefix that is not a C identifier', () => {
    expect(() => emitCModel(convGraph(), { prefix: '9lives' })).toThrow(/not a C identifier/);
  });
});
