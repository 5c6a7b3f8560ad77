// Graph utilities: clone independence, producers/consumers, topological order, cycles, dead code.
import { describe, expect, it } from 'vitest';
import { cloneGraph, consumers, producers, removeDead, replaceUses, topoSort, uniqueName } from '../../src/ir/graph.js';
import { isBwvmError } from '../../src/util/errors.js';
import { smallCnn } from './build.js';

describe('graph utilities', () => {
  it('clone is deep: weights and nodes are independent', () => {
    const g = smallCnn();
    const c = cloneGraph(g);
    (c.initializers.get('cw')!.data as Float32Array)[0] = 42;
    c.nodes[0]!.attrs.pads = [0, 0, 0, 0];
    c.nodes[0]!.inputs[0] = 'zz';
    expect((g.initializers.get('cw')!.data as Float32Array)[0]).toBe(0.5);
    expect(g.nodes[0]!.attrs.pads).toEqual([1, 1, 1, 1]);
    expect(g.nodes[0]!.inputs[0]).toBe('x');
  });

  it('producers and consumers', () => {
    const g = smallCnn();
    expect(producers(g).get('r')!.name).toBe('relu');
    expect(consumers(g).get('r')!.map((n) => n.name)).toEqual(['pool']);
    expect(consumers(g).get('cw')!.map((n) => n.name)).toEqual(['conv']);
  });

  it('topological order repairs a shuffled node list', () => {
    const g = smallCnn();
    g.nodes.reverse();
    expect(topoSort(g).map((n) => n.name)).toEqual(['conv', 'relu', 'pool', 'flat', 'fc']);
  });

  it('detects cycles and names the nodes', () => {
    const g = smallCnn();
    g.nodes[0]!.inputs[0] = 'p'; // conv reads pool's output
    try { topoSort(g); expect.fail('no cycle found'); } catch (e) {
      expect(isBwvmError(e, 'IR_CYCLE')).toBe(true);
      expect((e as Error).message).toMatch(/conv -> relu -> pool -> conv|relu -> pool -> conv -> relu|pool -> conv -> relu -> pool/);
    }
  });

  it('removeDead drops unused nodes and weights; replaceUses rewires', () => {
    const g = smallCnn();
    g.nodes.push({ name: 'dead', op: 'Relu', inputs: ['c'], outputs: ['unused'], attrs: {} });
    replaceUses(g, 'y', 'f');
    removeDead(g);
    expect(g.nodes.map((n) => n.name)).toEqual(['conv', 'relu', 'pool', 'flat']);
    expect([...g.initializers.keys()].sort()).toEqual(['cb', 'cw']);
    expect(uniqueName(g, 'conv')).toBe('conv_1');
  });
});

describe('dtype helpers', () => {
  it('floatData returns the typed array or names the dtype', async () => {
    const { floatData, dataFrom, toNumbers } = await import('../../src/ir/dtype.js');
    expect(floatData({ dtype: 'float32', data: new Float32Array([1, 2]) })[1]).toBe(2);
    expect(() => floatData({ dtype: 'int64', data: new BigInt64Array(1) }, 'shape')).toThrow(/shape is int64, expected float32/);
    expect(toNumbers(dataFrom('int64', [3, -1]))).toEqual([3, -1]);
  });
});
