// `bwvm quantize`: writes a QDQ ONNX model that onnxruntime runs, prints the per-layer table and
// the fp32 vs int8 accuracy; bad arguments give usage (2) or failure (1) codes.
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { quantizeVerb } from '../../src/cli/verb-quantize.js';

const LENET = fileURLToPath(new URL('../fixtures/quant/lenet5_fmnist.onnx', import.meta.url));

function capture() {
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  return { get out() { return out; }, get err() { return err; }, restore: () => { o.mockRestore(); e.mockRestore(); } };
}

describe('bwvm quantize', () => {
  it('int8 per-channel: QDQ ONNX file runs in onnxruntime; table and accuracy printed', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bwvm-q-')), 'x', 'l8.onnx');
    const c = capture();
    const code = await quantizeVerb([LENET, '--bits', '8', '--per-channel', '--method', 'mse', '--calib', '64', '--samples', '50', '-o', out]);
    c.restore();
    expect(code, c.err).toBe(0);
    expect(c.out).toMatch(/conv1\+relu1\s+Conv\s+8/);
    expect(c.out).toMatch(/fp32 \d+\.\d\d %, int8 \d+\.\d\d %/);
    const s = await ort.InferenceSession.create(readFileSync(out));
    const r = await s.run({ input: new ort.Tensor('float32', new Float32Array(2 * 784).fill(0.5), [2, 1, 28, 28]) });
    expect(r.logits!.dims).toEqual([2, 10]);
    await s.release();
  }, 60_000);

  it('usage and errors', async () => {
    const c = capture();
    expect(await quantizeVerb([LENET])).toBe(2);
    expect(await quantizeVerb([LENET, '--bits', '4', '-o', '/tmp/bwvm-q-never.onnx'])).toBe(1);
    // batch norm is folded before lowering (compress/quant/fold-bn.ts): vgg_small quantizes
    expect(await quantizeVerb(['vgg_small', '--samples', '0', '--calib', '4', '-o', join(tmpdir(), 'bwvm-q-vgg.onnx')])).toBe(0);
    c.restore();
    expect(c.err).toMatch(/--bits 8 or --bits 16/);
  }, 60_000);
});
