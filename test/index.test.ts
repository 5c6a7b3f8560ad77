// The public API (`import ... from 'bwvm'`): every layer's namespace and the top-level shortcuts
// are there, and a small end-to-end script works through them.
import { describe, expect, it } from 'vitest';
import * as bwvm from '../src/index.js';

describe('public API', () => {
  it('exposes the layers as namespaces', () => {
    for (const ns of ['ir', 'onnx', 'keras', 'tfjs', 'native', 'reference', 'kernels', 'data', 'training', 'zoo', 'compress', 'isa', 'target', 'sim', 'display', 'opt', 'memory', 'dsplib'] as const) {
      expect(typeof bwvm[ns], ns).toBe('object');
    }
  });

  it('scripts a model end to end: zoo -> prune -> run -> ONNX', () => {
    const g = bwvm.zooModel('lenet5');
    const groups = bwvm.analyzeGroups(g);
    const limits = bwvm.resolveBudgets({ flops: 0.5 }, bwvm.modelCosts(g), g);
    const scores = new Map(groups.filter((x) => !x.locked).map((x) => [x.id, bwvm.compress.importance(g, x, 'l1')]));
    const plan = bwvm.allocate(g, groups, { strategy: 'uniform', limits, scores });
    const small = bwvm.applyPruning(g, groups, plan.keep);
    const out = bwvm.run(small, { input: { dtype: 'float32', shape: [1, 1, 28, 28], data: new Float32Array(784) } });
    expect(out.logits!.shape).toEqual([1, 10]);
    expect(bwvm.exportOnnx(small).length).toBeGreaterThan(1000);
  });
});
