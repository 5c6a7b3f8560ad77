// Format detection: magic bytes and extensions pick the loader; unknown files get a clear error.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOADERS, detectFormat, loadModel } from '../../src/frontend/load.js';
import { saveNative } from '../../src/frontend/native/save.js';
import { inferShapes } from '../../src/ir/infer.js';
import { isBwvmError } from '../../src/util/errors.js';
import { smallCnn } from '../ir/build.js';

const FIX = join(import.meta.dirname, '../../fixtures/onnx');

describe('loadModel / detectFormat', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'bwvm-load-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads ONNX by extension and by magic bytes (renamed file)', async () => {
    expect(detectFormat(join(FIX, 'lenet_op13.onnx')).format).toBe('onnx');
    const renamed = join(dir, 'model.bin');
    copyFileSync(join(FIX, 'lenet_op13.onnx'), renamed);
    expect(detectFormat(renamed).format).toBe('onnx');
    const g = await loadModel(renamed);
    expect(g.outputs[0]!.shape).toEqual([2, 10]);
  });

  it('loads the native format and binds input shapes', async () => {
    const p = join(dir, 'cnn.bwvm');
    saveNative(inferShapes(smallCnn()), p);
    expect(detectFormat(p).format).toBe('bwvm');
    const g = await loadModel(p, { inputShapes: { x: [3, 3, 8, 8] } });
    expect(g.outputs[0]!.shape).toEqual([3, 10]);
  });

  it('unknown formats and missing files are named', () => {
    const p = join(dir, 'notes.txt');
    writeFileSync(p, 'hello');
    try { detectFormat(p); expect.fail('detected'); } catch (e) {
      expect(isBwvmError(e, 'LOAD_FORMAT')).toBe(true);
      expect((e as Error).message).toContain('onnx (.onnx)');
    }
    expect(() => detectFormat(join(dir, 'missing.onnx'))).toThrow(/cannot open model/);
  });

  it('is a table: every row has a format, extensions, sniff and load', () => {
    for (const l of LOADERS) {
      expect(l.format).toMatch(/^[a-z0-9-]+$/);
      expect(l.extensions.length).toBeGreaterThan(0);
      expect(typeof l.sniff).toBe('function');
    }
  });
});
