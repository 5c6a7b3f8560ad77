// bwvm native format: lossless round trip (weights, attributes incl. tensors and ±Infinity,
// quantization params), atomic writes, and strict validation of damaged files.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveNative } from '../../../src/frontend/native/save.js';
import { loadNative } from '../../../src/frontend/native/load.js';
import { importOnnxFile } from '../../../src/frontend/onnx/import.js';
import { run } from '../../../src/bwdnn/reference/run.js';
import { inferShapes } from '../../../src/ir/infer.js';
import { isBwvmError } from '../../../src/util/errors.js';
import { smallCnn } from '../../ir/build.js';
import { maxRelErr, randTensor } from '../../bwdnn/reference/ort-support.js';

const FIX = join(import.meta.dirname, '../../../fixtures/onnx');

function expectCode(f: () => unknown, code: string, re?: RegExp): void {
  try { f(); } catch (e) {
    expect(isBwvmError(e), String(e)).toBe(true);
    expect((e as { code: string }).code, (e as Error).message).toBe(code);
    if (re) expect((e as Error).message).toMatch(re);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('native format', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'bwvm-native-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round trips a PyTorch model with identical outputs', () => {
    const g = importOnnxFile(join(FIX, 'mobileblock_op13.onnx'));
    const p = join(dir, 'mb.bwvm');
    const { weights } = saveNative(g, p);
    expect(weights).toMatch(/mb\.bwvm\.[0-9a-f]{12}\.bin$/);
    const h = loadNative(p);
    expect(h.nodes.map((n) => n.op)).toEqual(g.nodes.map((n) => n.op));
    expect([...h.initializers.keys()]).toEqual([...g.initializers.keys()]);
    const x = randTensor([1, 4, 8, 8], 5);
    expect(maxRelErr(run(h, { input: x }).output!, run(g, { input: x }).output!)).toBe(0);
    // no temp files left behind
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('keeps tensor attributes, infinities, int64 weights, quantization params and symbolic dims', () => {
    const g = inferShapes(smallCnn('batch'));
    g.nodes.splice(2, 0, { name: 'clip', op: 'Clip', inputs: ['r'], outputs: ['r2'], attrs: { min: -Infinity, max: 6 } });
    g.nodes[3]!.inputs = ['r2'];
    g.initializers.get('cw')!.quant = { scale: [0.1, 0.2, 0.3, 0.4], zeroPoint: [0, 0, 0, 0], axis: 0 };
    inferShapes(g);
    g.valueInfo.get('r')!.quant = { scale: [0.05], zeroPoint: [3] };
    const p = join(dir, 'q.bwvm');
    saveNative(g, p);
    const h = loadNative(p);
    expect(h.nodes[2]!.attrs).toEqual({ min: -Infinity, max: 6 });
    expect(h.initializers.get('cw')!.quant).toEqual({ scale: [0.1, 0.2, 0.3, 0.4], zeroPoint: [0, 0, 0, 0], axis: 0 });
    expect(h.valueInfo.get('r')!.quant).toEqual({ scale: [0.05], zeroPoint: [3] });
    expect(h.inputs[0]!.shape).toEqual(['batch', 3, 8, 8]);
    const json = JSON.parse(readFileSync(p, 'utf8'));
    expect(json.nodes[2].attrs.min).toEqual({ $num: '-Infinity' });
    expect(json.initializers.every((t: { offset: number }) => t.offset % 16 === 0)).toBe(true);
  });

  it('checkpoints: re-saving replaces the weights file only after the new JSON is in place', () => {
    const p = join(dir, 'ck.bwvm');
    const g = inferShapes(smallCnn());
    const first = saveNative(g, p).weights;
    (g.initializers.get('cw')!.data as Float32Array)[0] = 7;
    const second = saveNative(g, p).weights;
    expect(second).not.toBe(first);
    expect(readdirSync(dir).filter((f) => f.startsWith('ck.bwvm'))).toEqual(['ck.bwvm', second.split('/').pop()]);
    expect((loadNative(p).initializers.get('cw')!.data as Float32Array)[0]).toBe(7);
    // a crash after new weights were written but before the JSON rename leaves only a stray
    // weights file (and maybe a temp file): the JSON still names the complete old weights
    writeFileSync(join(dir, 'ck.bwvm.000000000000.bin'), 'partial');
    writeFileSync(join(dir, '.ck.bwvm.tmp-1-x'), '{"format": "bwvm-model", "trunc');
    expect((loadNative(p).initializers.get('cw')!.data as Float32Array)[0]).toBe(7);
    rmSync(join(dir, '.ck.bwvm.tmp-1-x'));
  });

  describe('validation', () => {
    let p: string;
    let json: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    beforeAll(() => {
      p = join(dir, 'v.bwvm');
      saveNative(inferShapes(smallCnn()), p);
      json = JSON.parse(readFileSync(p, 'utf8'));
    });
    const write = (mut: (j: Record<string, any>) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const j = structuredClone(json); j.weights.file = "bad.bwvm.bin"; mut(j);
      const q = join(dir, 'bad.bwvm');
      writeFileSync(q, JSON.stringify(j));
      writeFileSync(`${q}.bin`, readFileSync(join(dir, json.weights.file)));
      return q;
    };
    it('offset/length outside the weights file', () => {
      expectCode(() => loadNative(write((j) => { j.initializers[2].offset = 1 << 20; })), 'NATIVE_FORMAT', /outside the weights file/);
    });
    it('length inconsistent with shape x dtype', () => {
      expectCode(() => loadNative(write((j) => { j.initializers[0].length -= 4; })), 'NATIVE_FORMAT', /length \d+ != 108 elements x 4 bytes/);
    });
    it('unknown dtype, bad shape, bad version, not JSON', () => {
      expectCode(() => loadNative(write((j) => { j.initializers[0].dtype = 'float64'; })), 'NATIVE_FORMAT', /unknown dtype 'float64'/);
      expectCode(() => loadNative(write((j) => { j.initializers[0].shape = [4, -3, 3, 3]; })), 'NATIVE_FORMAT', /invalid shape/);
      expectCode(() => loadNative(write((j) => { j.version = 99; })), 'NATIVE_FORMAT', /version 99/);
      const q = join(dir, 'nj.bwvm'); writeFileSync(q, '{"format": "bwvm-model", oops');
      expectCode(() => loadNative(q), 'NATIVE_FORMAT', /not valid JSON/);
    });
    it('weights file path escaping the folder, missing or truncated', () => {
      expectCode(() => loadNative(write((j) => { j.weights.file = '../etc/passwd'; })), 'NATIVE_FORMAT', /bare file name/);
      expectCode(() => loadNative(write((j) => { j.weights.file = 'nope.bin'; })), 'NATIVE_FORMAT', /missing/);
      const q = write(() => {});
      truncateSync(`${q}.bin`, 100);
      expectCode(() => loadNative(q), 'NATIVE_FORMAT', /has 100 bytes/);
    });
    it('graph problems go through the verifier', () => {
      expectCode(() => loadNative(write((j) => { j.nodes[1].inputs = ['ghost']; })), 'IR_VERIFY', /reads 'ghost'/);
    });
  });
});
