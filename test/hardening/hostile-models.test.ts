// Hostile model files the importers' own corpora do not cover (test/frontend/onnx/broken.test.ts,
// test/frontend/keras/hostile.test.ts, test/frontend/tfjs/hostile.test.ts, native.test.ts hold
// the rest): NaN weights in ONNX, a header claiming an absurd tensor size, negative initializer
// dims, and a cycle in a TF.js graph model — each refused with its specific error code.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/frontend/onnx/export.js';
import { importOnnx } from '../../src/frontend/onnx/import.js';
import { importTfjs } from '../../src/frontend/tfjs/import.js';
import { ModelProto } from '../../src/frontend/onnx/proto.js';
import { inferShapes } from '../../src/ir/infer.js';
import { isBwvmError } from '../../src/util/errors.js';
import { smallCnn } from '../ir/build.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const good = exportOnnx(inferShapes(smallCnn()));
function mutate(fn: (m: Obj) => void): Uint8Array {
  const m = ModelProto.toObject(ModelProto.decode(good), { longs: Number }) as Obj;
  fn(m);
  return ModelProto.encode(ModelProto.fromObject(m)).finish();
}
function codeOf(f: () => unknown): string {
  try { f(); } catch (e) {
    expect(isBwvmError(e), String(e)).toBe(true);
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  return 'no error';
}
const firstFloatInit = (m: Obj): Obj => m.graph.initializer.find((t: Obj) => t.data_type === 1 && t.raw_data?.length >= 8);

describe('hostile ONNX files beyond the importer corpus', () => {
  it('the unmutated model imports (control)', () => {
    expect(importOnnx(good, { file: 'good.onnx' }).nodes.length).toBeGreaterThan(0);
  });

  it('NaN in a weight (raw_data) is refused naming the initializer and element', () => {
    let name = '';
    const b = mutate((m) => {
      const t = firstFloatInit(m);
      name = t.name;
      const raw = Buffer.from(t.raw_data);
      raw.writeFloatLE(NaN, 4);
      t.raw_data = raw;
    });
    expect(codeOf(() => importOnnx(b, { file: 'nan.onnx' }))).toContain(`FRONTEND_NONFINITE_WEIGHT: nan.onnx: initializer '${name}' holds NaN at element 1`);
  });

  it('NaN in a typed float_data field is refused too; infinities are allowed', () => {
    const nan = mutate((m) => { const t = firstFloatInit(m); const n = t.raw_data.length / 4; delete t.raw_data; t.float_data = Array.from({ length: n }, (_, i) => (i === n - 1 ? NaN : 0.5)); });
    expect(codeOf(() => importOnnx(nan, { file: 'nan2.onnx' }))).toMatch(/^FRONTEND_NONFINITE_WEIGHT: nan2\.onnx: initializer .* holds NaN/);
    const inf = mutate((m) => { const t = firstFloatInit(m); const raw = Buffer.from(t.raw_data); raw.writeFloatLE(Infinity, 0); t.raw_data = raw; });
    expect(codeOf(() => importOnnx(inf, { file: 'inf.onnx' }))).toBe('no error');
  });

  it('a header claiming 10^18 elements is refused before anything is allocated', () => {
    const b = mutate((m) => { const t = firstFloatInit(m); t.dims = [1e9, 1e9]; });
    expect(codeOf(() => importOnnx(b, { file: 'huge.onnx' }))).toMatch(/^ONNX_TENSOR_SIZE: huge\.onnx: initializer .* has dims \[1000000000,1000000000\]/);
  });

  it('a negative dim in an initializer is refused', () => {
    const b = mutate((m) => { firstFloatInit(m).dims = [-1, 4]; });
    expect(codeOf(() => importOnnx(b, { file: 'dims.onnx' }))).toMatch(/^ONNX_BAD_DIM: dims\.onnx: initializer .* has invalid dims \[-1,4\]/);
  });
});

describe('hostile TF.js graph model', () => {
  const root = mkdtempSync(join(tmpdir(), 'bwvm-hardening-tfjs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a cycle in the graph (conv reads the depthwise conv that reads it) is refused, not looped on', async () => {
    const dir = join(root, 'cycle');
    cpSync('fixtures/tfjs/graph', dir, { recursive: true });
    const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: { node: { name: string; input?: string[] }[] } };
    doc.modelTopology.node.find((x) => x.name === 'c1/Relu')!.input![0] = 'dw/depthwise';
    writeFileSync(join(dir, 'model.json'), JSON.stringify(doc));
    const e = await importTfjs(dir).then(() => undefined, (x: unknown) => x);
    expect(isBwvmError(e), String(e)).toBe(true);
    expect(`${(e as { code: string }).code}: ${(e as Error).message}`).toMatch(/^TFJS_GRAPH: .*model\.json: node 'c1\/Relu' reads 'dw\/depthwise', which no node produces \(or the graph has a cycle\)/);
  });
});
