// Verifier: each kind of problem is reported with its code and the node it concerns.
import { describe, expect, it } from 'vitest';
import { assertValid, verifyGraph } from '../../src/ir/verify.js';
import { inferShapes } from '../../src/ir/infer.js';
import { isBwvmError } from '../../src/util/errors.js';
import { smallCnn, weight } from './build.js';

const codes = (g: ReturnType<typeof smallCnn>) => verifyGraph(g).map((i) => i.code);

describe('verifier', () => {
  it('a good graph has no issues', () => {
    expect(verifyGraph(inferShapes(smallCnn()))).toEqual([]);
  });
  it('value produced twice', () => {
    const g = smallCnn();
    g.nodes[1]!.outputs = ['c'];
    expect(codes(g)).toContain('IR_DUPLICATE');
  });
  it('dangling input names the node', () => {
    const g = smallCnn();
    g.nodes[2]!.inputs = ['nope'];
    const i = verifyGraph(g).find((x) => x.code === 'IR_DANGLING')!;
    expect(i.node).toBe('pool');
    expect(i.message).toContain("'nope'");
  });
  it('cycle', () => {
    const g = smallCnn();
    g.nodes[1]!.inputs = ['p'];
    expect(codes(g)).toEqual(['IR_CYCLE']);
  });
  it('attribute kind, value and unknown attribute', () => {
    const g = smallCnn();
    g.nodes[0]!.attrs.group = 1.5;
    g.nodes[0]!.attrs.auto_pad = 'SIDEWAYS';
    g.nodes[1]!.attrs.colour = 'red';
    expect(codes(g)).toEqual(['IR_ATTR', 'IR_ATTR', 'IR_ATTR']);
  });
  it('arity and missing required attribute', () => {
    const g = smallCnn();
    g.nodes[1]!.inputs = ['c', 'c'];
    delete g.nodes[2]!.attrs.kernel_shape;
    expect(codes(g)).toEqual(['IR_ARITY', 'IR_ATTR']);
  });
  it('shape inconsistency (recorded shape disagrees) and bad weights size', () => {
    const g = inferShapes(smallCnn());
    g.valueInfo.get('r')!.shape = ['N', 5, 8, 8];
    expect(codes(g)).toEqual(['IR_SHAPE']);
    const h = smallCnn();
    h.initializers.set('cb', { ...weight('cb', [4]), shape: [5] });
    expect(codes(h)).toContain('IR_INIT_SIZE');
  });
  it('inference errors are reported with the node', () => {
    const g = smallCnn();
    g.initializers.set('fw', weight('fw', [10, 63]));
    const i = verifyGraph(g);
    expect(i[0]!.code).toBe('IR_SHAPE');
    expect(i[0]!.node).toBe('fc');
  });
  it('ops outside their opset range', () => {
    const g = smallCnn();
    g.opset = 13;
    g.nodes[1]!.op = 'HardSwish';
    expect(verifyGraph(g).map((i) => i.message)).toEqual(["node 'relu': HardSwish does not exist at opset 13 (opsets 14..)"]);
    g.opset = 14;
    expect(codes(g)).toEqual([]);
  });
  it('assertValid throws IR_VERIFY listing the problems', () => {
    const g = smallCnn();
    g.outputs.push({ name: 'ghost', dtype: 'float32', shape: [] });
    g.inputs[0]!.shape = [0, 3, 8, 8];
    try { assertValid(g); expect.fail('valid?'); } catch (e) {
      expect(isBwvmError(e, 'IR_VERIFY')).toBe(true);
      expect((e as Error).message).toContain("graph output 'ghost' is not produced");
      expect((e as Error).message).toContain('IR_BAD_DIM');
    }
  });
});
