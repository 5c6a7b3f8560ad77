// Every pipeline keeps the reference outputs (max relative error <= 1e-4) on every zoo model at
// both input sizes (with randomized BN statistics) and on every PyTorch ONNX fixture; each
// optimized graph also passes the verifier after every pass.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { zooModel, zooNames } from '../../src/bwdnn/zoo/index.js';
import { importOnnxFile } from '../../src/frontend/onnx/index.js';
import { run } from '../../src/bwdnn/reference/run.js';
import { compareOutputs } from '../../src/bwdnn/reference/compare.js';
import { optimize } from '../../src/opt/manager.js';
import { PIPELINES } from '../../src/opt/pipelines.js';
import { randomFeeds, verifyInstrument } from '../../src/opt/instruments.js';
import type { Graph } from '../../src/ir/types.js';
import { randomizeNorms } from './support.js';

function checkAll(g: Graph): void {
  const feeds = randomFeeds(g, 21);
  const ref = run(g, feeds);
  for (const level of Object.keys(PIPELINES)) {
    const { graph } = optimize(g, level, { instruments: [verifyInstrument()] });
    const diffs = compareOutputs(run(graph, feeds), ref);
    for (const [name, d] of Object.entries(diffs)) expect(d.maxRel, `${g.name} ${level} output ${name}`).toBeLessThanOrEqual(1e-4);
  }
}

const sizes: [number, number, number][] = [[1, 28, 28], [3, 32, 32]];
const fixtures = join(import.meta.dirname, '../../fixtures/onnx');

describe('pipelines keep reference outputs', () => {
  for (const name of zooNames()) {
    for (const input of sizes) {
      it(`zoo ${name} ${input.join('x')}`, () => checkAll(randomizeNorms(zooModel(name, { input, width: 0.5 }))));
    }
  }
  for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.onnx')).sort()) {
    it(`fixture ${file}`, async () => checkAll(await importOnnxFile(join(fixtures, file))));
  }
});
