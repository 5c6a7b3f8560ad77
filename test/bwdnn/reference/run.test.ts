// The reference executor's API: batched runs equal per-sample runs, intermediates and per-node
// callbacks, feed validation, integer shape plumbing evaluated at run time.
import { describe, expect, it } from 'vitest';
import { run, runDetailed } from '../../../src/bwdnn/reference/run.js';
import { KERNELS } from '../../../src/bwdnn/reference/kernels/index.js';
import { OPS } from '../../../src/ir/ops/index.js';
import { createGraph } from '../../../src/ir/graph.js';
import { inferShapes } from '../../../src/ir/infer.js';
import { isBwvmError } from '../../../src/util/errors.js';
import type { Tensor } from '../../../src/ir/types.js';
import { smallCnn } from '../../ir/build.js';
import { randTensor } from './ort-support.js';

describe('reference executor', () => {
  it('has a kernel for every op in the op table', () => {
    expect([...OPS.keys()].filter((op) => !KERNELS.has(op))).toEqual([]);
  });

  it('a batch of 3 equals 3 single-sample runs', () => {
    const g = inferShapes(smallCnn());
    (g.initializers.get('cw')!.data as Float32Array).set(randTensor([108], 4).data as Float32Array);
    const x = randTensor([3, 3, 8, 8], 11);
    const all = run(g, { x }).y!;
    expect(all.shape).toEqual([3, 10]);
    for (let b = 0; b < 3; b++) {
      const xb: Tensor = { dtype: 'float32', shape: [1, 3, 8, 8], data: (x.data as Float32Array).slice(b * 192, (b + 1) * 192) };
      expect(Array.from(run(g, { x: xb }).y!.data as Float32Array)).toEqual(Array.from((all.data as Float32Array).subarray(b * 10, (b + 1) * 10)));
    }
  });

  it('returns every intermediate and calls onNode per node', () => {
    const g = inferShapes(smallCnn());
    const seen: string[] = [];
    const r = runDetailed(g, { x: randTensor([2, 3, 8, 8]) }, { keepIntermediates: true, onNode: (n) => seen.push(n) });
    expect(seen).toEqual(['conv', 'relu', 'pool', 'flat', 'fc']);
    expect(r.intermediates!.p!.shape).toEqual([2, 4, 4, 4]);
    expect(Math.min(...Array.from(r.intermediates!.r!.data as Float32Array))).toBeGreaterThanOrEqual(0);
  });

  it('validates feeds', () => {
    const g = inferShapes(smallCnn());
    const code = (f: () => unknown) => { try { f(); return 'none'; } catch (e) { expect(isBwvmError(e)).toBe(true); return (e as Error).message; } };
    expect(code(() => run(g, {}))).toMatch(/missing input 'x'/);
    expect(code(() => run(g, { x: randTensor([1, 3, 8, 9]) }))).toMatch(/shape \[1,3,8,9\], expected \[N,3,8,8\]/);
    expect(code(() => run(g, { x: randTensor([1, 3, 8, 8], 1, 'int32') }))).toMatch(/dtype int32/);
    g.inputs.push({ name: 'x2', dtype: 'float32', shape: ['N', 3, 8, 8] });
    expect(code(() => run(g, { x: randTensor([2, 3, 8, 8]), x2: randTensor([3, 3, 8, 8]) }))).toMatch(/binds N = 3, but an earlier input bound N = 2/);
  });

  it('evaluates Shape -> Gather -> Unsqueeze -> Concat -> Reshape at run time with a symbolic batch', () => {
    const g = createGraph({ opset: 13 });
    g.inputs.push({ name: 'x', dtype: 'float32', shape: ['N', 2, 3] });
    g.initializers.set('zero', { name: 'zero', dtype: 'int64', shape: [], data: BigInt64Array.from([0n]) });
    g.initializers.set('ax', { name: 'ax', dtype: 'int64', shape: [1], data: BigInt64Array.from([0n]) });
    g.initializers.set('m1', { name: 'm1', dtype: 'int64', shape: [1], data: BigInt64Array.from([-1n]) });
    g.nodes.push(
      { name: 'shape', op: 'Shape', inputs: ['x'], outputs: ['s'], attrs: {} },
      { name: 'gather', op: 'Gather', inputs: ['s', 'zero'], outputs: ['b'], attrs: { axis: 0 } },
      { name: 'unsq', op: 'Unsqueeze', inputs: ['b', 'ax'], outputs: ['b1'], attrs: {} },
      { name: 'cat', op: 'Concat', inputs: ['b1', 'm1'], outputs: ['shp'], attrs: { axis: 0 } },
      { name: 'reshape', op: 'Reshape', inputs: ['x', 'shp'], outputs: ['y'], attrs: {} },
    );
    g.outputs.push({ name: 'y', dtype: 'float32', shape: [] });
    inferShapes(g);
    expect(g.outputs[0]!.shape).toEqual(['N', 6]);
    const x = randTensor([5, 2, 3]);
    const y = run(g, { x }).y!;
    expect(y.shape).toEqual([5, 6]);
    expect(Array.from(y.data as Float32Array)).toEqual(Array.from(x.data as Float32Array));
  });
});
