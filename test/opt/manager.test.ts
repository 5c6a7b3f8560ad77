// Pass manager: pipelines resolve, the pass log records counts/changes, the input graph is not
// mutated, and the verify / reference instruments fail loudly on a broken pass.
import { describe, expect, it } from 'vitest';
import { optimize, runPasses } from '../../src/opt/manager.js';
import { PIPELINES, resolvePipeline } from '../../src/opt/pipelines.js';
import { PASSES } from '../../src/opt/passes/index.js';
import { dumpInstrument, referenceInstrument, verifyInstrument } from '../../src/opt/instruments.js';
import type { Pass } from '../../src/opt/pass.js';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { readFusion } from '../../src/opt/fusion.js';
import { readLayout } from '../../src/opt/passes/layout.js';

describe('pipelines', () => {
  it('every pipeline names only passes of the table, and every pass is used by O2', () => {
    for (const names of Object.values(PIPELINES)) for (const n of names) expect(PASSES.has(n)).toBe(true);
    expect(new Set(PIPELINES.O2)).toEqual(new Set(PASSES.keys()));
    expect(resolvePipeline('-O1').map((p) => p.name)).toEqual(PIPELINES.O1);
    expect(() => resolvePipeline('O9')).toThrow(/unknown optimization level/);
    expect(() => resolvePipeline(['dce', 'nope'])).toThrow(/unknown pass 'nope'/);
  });
});

describe('optimize', () => {
  it('O2 on vgg_small folds BNs, groups conv+relu, records layouts and logs each pass', () => {
    const g = zooModel('vgg_small', { input: [3, 32, 32], width: 0.25 });
    const nodes = g.nodes.length;
    const dump = dumpInstrument();
    const { graph, log } = optimize(g, 'O2', { instruments: [verifyInstrument(), dump] });
    expect(g.nodes.length).toBe(nodes); // input untouched
    expect(graph.nodes.some((n) => n.op === 'BatchNormalization')).toBe(false);
    expect(graph.nodes.length).toBe(nodes - 6);
    expect(readFusion(graph).filter((f) => f.activation === 'Relu' && f.pool === 'MaxPool')).toHaveLength(3);
    expect(Object.keys(readLayout(graph)).length).toBeGreaterThan(0);
    expect(log.map((l) => l.pass)).toEqual(PIPELINES.O2);
    const bn = log.find((l) => l.pass === 'fold-batchnorm')!;
    expect(bn).toMatchObject({ nodesBefore: nodes, nodesAfter: nodes - 6, changed: true });
    expect(bn.notes.join()).toMatch(/6 BatchNorm/);
    expect(log.every((l) => l.ms >= 0)).toBe(true);
    expect(dump.dumps).toHaveLength(PIPELINES.O2.length + 1);
    expect(dump.dumps[0]!.ir).toMatch(/BatchNormalization/);
  });

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
