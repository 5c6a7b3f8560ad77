// Instruments: the reference instrument fails loudly on a pass that changes the numbers, the
// verify instrument names a pass that breaks the graph.
import { describe, expect, it } from 'vitest';
import { runPasses } from '../../src/opt/manager.js';
import { referenceInstrument, verifyInstrument } from '../../src/opt/instruments.js';
import type { Pass } from '../../src/opt/pass.js';
import { zooModel } from '../../src/bwdnn/zoo/index.js';

describe('instruments', () => {
  it('the reference instrument fails loudly on a pass that changes the numbers', () => {
    const wrong: Pass = {
      name: 'scale-first-weight', description: 'a deliberately wrong pass',
      run(g) { const w = g.initializers.get(g.nodes[0]!.inputs[1]!)!; (w.data as Float32Array)[0]! += 1; return true; },
    };
    const g = zooModel('lenet5');
    expect(() => runPasses(g, [wrong], { instruments: [referenceInstrument()] })).toThrow(/pass 'scale-first-weight' changed output/);
  });

  it('the verify instrument names a pass that breaks the graph', () => {
    const breaker: Pass = { name: 'dangle', description: 'rewires a node to a missing value', run(g) { g.nodes[1]!.inputs[0] = 'nowhere'; return true; } };
    expect(() => runPasses(zooModel('lenet5'), [breaker], { instruments: [verifyInstrument()] })).toThrow(/pass 'dangle' produced an invalid graph/);
  });
});
