// The Keras and TF.js rows of the format-dispatch table: detection by magic bytes / JSON keys
// and loading through loadModel (with the batch bound by inputShapes).
import { describe, expect, it } from 'vitest';
import { detectFormat, loadModel } from '../../../src/frontend/load.js';
import { kerasLoader } from '../../../src/frontend/keras/loader.js';
import { tfjsLoader } from '../../../src/frontend/tfjs/loader.js';

describe('format dispatch rows for Keras and TF.js', () => {
  it('detects .h5 files by their HDF5 signature and model.json by its keys', () => {
    expect(detectFormat('fixtures/keras/functional.h5').format).toBe('keras-h5');
    expect(detectFormat('fixtures/tfjs/graph/model.json').format).toBe('tfjs');
    expect(detectFormat('fixtures/tfjs/layers_cnn/model.json').format).toBe('tfjs');
    expect(kerasLoader.sniff(new TextEncoder().encode('{"format": "graph-model"'), 'x')).toBe(false);
    expect(tfjsLoader.sniff(new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), 'x')).toBe(false);
  });

  it('loads both formats through loadModel', async () => {
    const k = await loadModel('fixtures/keras/sequential_cnn.h5', { inputShapes: { conv2d_1_input: [1, 8, 8, 3] } });
    expect(k.meta.format).toBe('keras-h5');
    expect(k.inputs[0]!.shape).toEqual([1, 8, 8, 3]);
    const t = await loadModel('fixtures/tfjs/graph/model.json');
    expect(t.meta.format).toBe('tfjs-graph');
    expect(t.outputs.map((o) => o.shape)).toEqual([['N', 10], ['N', 3]]);
  });
});
