// Pass manager: O2 on a zoo model through the manager: the input graph is not mutated, the pass
// log records counts/changes/notes per pass, the dump instrument sees every pass.
import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/opt/manager.js';
import { PIPELINES } from '../../src/opt/pipelines.js';
import { dumpInstrument, verifyInstrument } from '../../src/opt/instruments.js';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { readFusion } from '../../src/opt/fusion.js';
import { readLayout } from '../../src/opt/passes/layout.js';

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
});
