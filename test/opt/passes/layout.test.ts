// layout: per-tensor layout metadata follows the target preference; semantics untouched.
import { describe, expect, it } from 'vitest';
import { layoutPass, readLayout } from '../../../src/opt/passes/layout.js';
import { node, tensor, tiny } from '../support.js';

const build = () => tiny([1, 2, 6, 6], [
  node('Conv', 'c', ['x', 'w'], ['y'], { kernel_shape: [3, 3] }),
  node('Flatten', 'f', ['y'], ['z']),
], { w: tensor([3, 2, 3, 3], () => 0.1) }, ['z']);

describe('layout', () => {
  it('records NHWC for 4-D activations, OHWI for conv weights, NC for 2-D values', () => {
    const g = build();
    const nodes = JSON.stringify(g.nodes);
    expect(layoutPass.run(g, { notes: [], layout: 'NHWC' })).toBe(true);
    expect(readLayout(g)).toEqual({ x: 'NHWC', w: 'OHWI', y: 'NHWC', z: 'NC' });
    expect(JSON.stringify(g.nodes)).toBe(nodes);
    expect(layoutPass.run(g, { notes: [], layout: 'NHWC' })).toBe(false);
  });

  it('defaults to NCHW and rejects unknown layouts', () => {
    const g = build();
    layoutPass.run(g, { notes: [] });
    expect(readLayout(g).y).toBe('NCHW');
    expect(() => layoutPass.run(g, { notes: [], layout: 'HWCN' })).toThrow(/unknown layout/);
  });
});
