// Generated mode's depthwise layers: a depthwise Conv (group = C) takes its constant bias Add,
// BatchNormalization and activation into one kernel (never a residual Add or a pool), the fused
// layer equals the reference on the simulator (BN folded, relu6 / leaky in the epilogue) and
// writes only its output, and a grouped conv that is not depthwise gets a clear error.
import { describe, expect, test } from 'vitest';
import { run as reference } from '../../../src/bwdnn/reference/index.js';
import { fuseLayers, lowerToDsp } from '../../../src/codegen/dsp/index.js';
import { type Attrs, createGraph, type Graph, inferShapes, type Node } from '../../../src/ir/index.js';
import { runLibrary } from '../../../src/session/library.js';
import { getTarget } from '../../../src/target/index.js';
import { BwvmError } from '../../../src/util/errors.js';
import { rand, relError } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');
const f32 = (name: string, shape: number[], data: Float32Array) => ({ name, dtype: 'float32' as const, shape, data });

/** x [1,C,H,W] -> depthwise 3x3 (group g, stride s, pad 1) -> BN -> `act` [-> `tail` nodes]. */
function dwGraph(C: number, H: number, W: number, s: number, act: { op: string; attrs?: Attrs; inputs?: string[] }, tail: Array<Omit<Node, 'attrs'> & { attrs: Attrs }> = [], group = C): Graph {
  const per = C / group;
  const g = createGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, C, H, W] }],
    outputs: [{ name: tail.length ? tail.at(-1)!.outputs[0]! : 'y', dtype: 'float32', shape: [] }],
    nodes: [
      { name: 'dw', op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [s, s], group } },
      { name: 'bn', op: 'BatchNormalization', inputs: ['c', 'gm', 'bt', 'mu', 'vr'], outputs: ['n'], attrs: { epsilon: 1e-5 } },
      { name: 'act', op: act.op, inputs: ['n', ...(act.inputs ?? [])], outputs: ['y'], attrs: act.attrs ?? {} },
      ...tail,
    ],
    initializers: new Map([
      ['w', f32('w', [C, per, 3, 3], rand(C * per * 9, 5).map((v) => 3 * v))], ['b', f32('b', [C], rand(C, 6))],
      ['gm', f32('gm', [C], rand(C, 7).map((v) => 1 + 0.5 * v))], ['bt', f32('bt', [C], rand(C, 8))],
      ['mu', f32('mu', [C], rand(C, 9).map((v) => 0.1 * v))], ['vr', f32('vr', [C], rand(C, 10).map((v) => 1 + 0.5 * Math.abs(v)))],
      ['lo', f32('lo', [], Float32Array.of(0))], ['hi', f32('hi', [], Float32Array.of(6))],
    ]),
  });
  inferShapes(g);
  return g;
}

const RELU6 = { op: 'Clip', inputs: ['lo', 'hi'] };
const constOf = (g: Graph) => (v: string): Float32Array | undefined => g.initializers.get(v)?.data as Float32Array | undefined;

async function generatedVsReference(g: Graph) {
  const shape = g.inputs[0]!.shape as number[];
  const x = rand(shape.reduce((a, b) => a * b, 1), 11);
  const m = lowerToDsp(g, T);
  const r = await runLibrary(m, T, { x });
  const want = reference(g, { x: { dtype: 'float32', shape, data: x } });
  const name = g.outputs[0]!.name;
  return { m, err: relError(r.outputs[name]!, want[name]!.data as Float32Array) };
}

describe('depthwise fusion rule', () => {
  test('depthwise Conv -> BN -> Clip(0, 6) is one group with the activation', () => {
    const g = dwGraph(6, 9, 9, 1, RELU6);
    const groups = fuseLayers(g, constOf(g));
    expect(groups.map((x) => [x.kind, x.nodes.map((n) => n.op)])).toEqual([['dwconv', ['Conv', 'BatchNormalization', 'Clip']]]);
    expect(groups[0]!.act).toEqual({ kind: 'relu6' });
  });
  test('a following pool or residual Add stays its own layer', () => {
    const pool = dwGraph(4, 8, 8, 1, { op: 'Relu' }, [{ name: 'pool', op: 'MaxPool', inputs: ['y'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }]);
    expect(fuseLayers(pool, constOf(pool)).map((x) => x.nodes.map((n) => n.op))).toEqual([['Conv', 'BatchNormalization', 'Relu'], ['MaxPool']]);
    const g = createGraph({
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4, 6, 6] }], outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
      nodes: [
        { name: 'dw', op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 4 } },
        { name: 'add', op: 'Add', inputs: ['c', 'x'], outputs: ['y'], attrs: {} },
      ],
      initializers: new Map([['w', f32('w', [4, 1, 3, 3], rand(36, 3))]]),
    });
    inferShapes(g);
    expect(fuseLayers(g, constOf(g)).map((x) => [x.kind, x.nodes.map((n) => n.op)])).toEqual([['dwconv', ['Conv']], ['node', ['Add']]]);
  });
});

describe('fused depthwise layers on the simulator', () => {
  test('relu6, stride 1, odd sizes: equals the reference, one layer, no BN or Clip pass', async () => {
    const { m, err } = await generatedVsReference(dwGraph(6, 9, 11, 1, RELU6));
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(m.layers.map((l) => l.op)).toEqual(['Conv+BatchNormalization+Clip']);
    // only the input and the output are activations: no buffer for the pre-BN or pre-Clip tensor
    expect(m.plan.placements.map((p) => p.id).sort()).not.toContain('c');
    expect(m.plan.placements.map((p) => p.id).sort()).not.toContain('n');
  });
  test('leaky, stride 2', async () => {
    const { err } = await generatedVsReference(dwGraph(5, 10, 9, 2, { op: 'LeakyRelu', attrs: { alpha: 0.1 } }));
    expect(err).toBeLessThanOrEqual(1e-5);
  });
  test('a conv feeding a depthwise layer stores into its zero-bordered layout (padded hand-off): no copy in the depthwise kernel', async () => {
    const g = createGraph({
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3, 10, 9] }], outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
      nodes: [
        { name: 'conv', op: 'Conv', inputs: ['x', 'cw'], outputs: ['c0'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
        { name: 'relu', op: 'Relu', inputs: ['c0'], outputs: ['h'], attrs: {} },
        { name: 'dw', op: 'Conv', inputs: ['h', 'w'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 8 } },
        { name: 'act', op: 'Clip', inputs: ['c', 'lo', 'hi'], outputs: ['y'], attrs: {} },
      ],
      initializers: new Map([['cw', f32('cw', [8, 3, 3, 3], rand(216, 3))], ['w', f32('w', [8, 1, 3, 3], rand(72, 4).map((v) => 3 * v))],
        ['lo', f32('lo', [], Float32Array.of(0))], ['hi', f32('hi', [], Float32Array.of(6))]]),
    });
    inferShapes(g);
    const { m, err } = await generatedVsReference(g);
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(m.plan.handoffs.map((h) => [h.from, h.to])).toEqual([['conv', 'dw']]);
  });
  test('a grouped conv that is not depthwise names the problem', () => {
    let e: unknown;
    try { lowerToDsp(dwGraph(4, 6, 6, 1, { op: 'Relu' }, [], 2), T); } catch (x) { e = x; }
    expect((e as BwvmError).code).toBe('CODEGEN_DSP_ATTR');
    expect((e as BwvmError).message).toMatch(/group 2 with 4 input and 4 output channels/);
    expect((e as BwvmError).hint).toMatch(/^generated mode runs depthwise convolution \(group = C = M\)/);
  });
});
