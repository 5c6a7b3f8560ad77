// O2-optimized graphs stay exportable: ONNX export -> import gives the same reference outputs
// (fusion and layout live in metadata, folded BNs are plain Conv weights).
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { exportOnnx, importOnnx } from '../../src/frontend/onnx/index.js';
import { optimize } from '../../src/opt/manager.js';
import { maxRelDiff, randomizeNorms } from './support.js';

describe('optimized graphs export to ONNX', () => {
  for (const name of ['mobilenet', 'resnet20']) {
    it(`${name} -O2 round-trips through ONNX with equal outputs`, () => {
      const g = randomizeNorms(zooModel(name, { input: [3, 32, 32], width: 0.5 }));
      const { graph } = optimize(g, 'O2');
      const back = importOnnx(exportOnnx(graph));
      expect(back.nodes.map((n) => n.op)).toEqual(graph.nodes.map((n) => n.op));
      expect(maxRelDiff(g, back)).toBeLessThanOrEqual(1e-4);
    });
  }
});
