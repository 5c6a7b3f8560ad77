// Buffer pool and lifetimes: peak bytes of small graphs computed by hand; buffers are reused.
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../../src/bwdnn/memory/pool.js';
import { lastUses, releaseSchedule } from '../../../src/bwdnn/memory/lifetime.js';
import { runDetailed } from '../../../src/bwdnn/reference/run.js';
import { createGraph } from '../../../src/ir/graph.js';
import { inferShapes } from '../../../src/ir/infer.js';
import type { Graph, Node } from '../../../src/ir/types.js';

const relu = (name: string, i: string, o: string): Node => ({ name, op: 'Relu', inputs: [i], outputs: [o], attrs: {} });
function graph(nodes: Node[], out: string, width = 4): Graph {
  const g = createGraph({ opset: 13 });
  g.inputs.push({ name: 'x', dtype: 'float32', shape: [1, width] });
  g.nodes = nodes;
  g.outputs.push({ name: out, dtype: 'float32', shape: [] });
  return inferShapes(g);
}
const feed = (w = 4) => ({ x: { dtype: 'float32' as const, shape: [1, w], data: Float32Array.from({ length: w }, (_, i) => i - 1) } });

describe('BufferPool', () => {
  it('reuses same-size buffers, zeroes them, tracks live and peak bytes', () => {
    const p = new BufferPool();
    const a = p.alloc('float32', 4);
    (a as Float32Array)[0] = 9;
    const b = p.alloc('int64', 2);
    expect(p.stats.liveBytes).toBe(16 + 16);
    p.release('float32', a);
    const c = p.alloc('float32', 4);
    expect(c).toBe(a);
    expect((c as Float32Array)[0]).toBe(0);
    p.release('int64', b);
    p.release('int64', b); // double release is ignored
    expect(p.stats).toEqual({ peakBytes: 32, liveBytes: 16, allocations: 2, reuses: 1 });
  });

  it('allocUninit hands a reused buffer back as it was; with poison, as NaN; fresh ones are zero', () => {
    const p = new BufferPool();
    const a = p.allocUninit('float32', 3) as Float32Array;
    expect([...a]).toEqual([0, 0, 0]);
    a.set([1, 2, 3]);
    p.release('float32', a);
    expect(p.allocUninit('float32', 3)).toBe(a);
    expect([...a]).toEqual([1, 2, 3]);
    p.release('float32', a);
    expect([...(p.alloc('float32', 3) as Float32Array)]).toEqual([0, 0, 0]);
    const q = new BufferPool(undefined, { poison: true });
    const b = q.allocUninit('float32', 2) as Float32Array;
    q.release('float32', b);
    expect([...(q.allocUninit('float32', 2) as Float32Array)].every(Number.isNaN)).toBe(true);
    expect(q.stats.reuses).toBe(1);
  });

  it('lastUses / releaseSchedule', () => {
    const nodes = [relu('r0', 'x', 'a'), relu('r1', 'a', 'b'), { name: 'add', op: 'Add', inputs: ['a', 'b'], outputs: ['c'], attrs: {} }];
    expect([...lastUses(nodes)]).toEqual([['x', 0], ['a', 2], ['b', 2]]);
    expect(releaseSchedule(nodes, new Set(['x', 'c']))).toEqual([[], [], ['a', 'b']]);
  });
});

describe('executor memory', () => {
  it('chain of 4 Relus on [1,4] float32: peak = 2 x 16 bytes, 2 fresh buffers, 2 reuses', () => {
    const g = graph([relu('r0', 'x', 'a'), relu('r1', 'a', 'b'), relu('r2', 'b', 'c'), relu('r3', 'c', 'y')], 'y');
    const r = runDetailed(g, feed());
    expect(Array.from(r.outputs.y!.data as Float32Array)).toEqual([0, 0, 1, 2]);
    expect(r.memory.peakBytes).toBe(32);
    expect(r.memory.allocations).toBe(2);
    expect(r.memory.reuses).toBe(2);
    expect(r.memory.liveBytes).toBe(16); // only the output stays
  });

  it('a value read twice lives until its last reader: peak = 3 x 16 bytes', () => {
    const g = graph([relu('r0', 'x', 'a'), relu('r1', 'a', 'b'), { name: 'add', op: 'Add', inputs: ['a', 'b'], outputs: ['y'], attrs: {} }], 'y');
    const r = runDetailed(g, feed());
    expect(r.memory.peakBytes).toBe(48);
    expect(r.memory.allocations).toBe(3);
  });

  it('keepIntermediates keeps every buffer (no reuse)', () => {
    const g = graph([relu('r0', 'x', 'a'), relu('r1', 'a', 'b'), relu('r2', 'b', 'c'), relu('r3', 'c', 'y')], 'y');
    const r = runDetailed(g, feed(), { keepIntermediates: true });
    expect(r.memory.peakBytes).toBe(64);
    expect(r.memory.reuses).toBe(0);
    expect(Object.keys(r.intermediates!).sort()).toEqual(['a', 'b', 'c', 'x', 'y']);
  });
});
