// Broken-input corpus, generated from a valid exported model: each defect yields its own error
// code and a message naming the file and the node/field.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportOnnx } from '../../../src/frontend/onnx/export.js';
import { importOnnx, importOnnxFile } from '../../../src/frontend/onnx/import.js';
import { ModelProto } from '../../../src/frontend/onnx/proto.js';
import { inferShapes } from '../../../src/ir/infer.js';
import { run } from '../../../src/bwdnn/reference/run.js';
import { isBwvmError } from '../../../src/util/errors.js';
import { smallCnn } from '../../ir/build.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const good = exportOnnx(inferShapes(smallCnn()));
function mutate(fn: (m: Obj) => void): Uint8Array {
  const m = ModelProto.toObject(ModelProto.decode(good), { longs: Number }) as Obj;
  fn(m);
  return ModelProto.encode(ModelProto.fromObject(m)).finish();
}

function expectError(f: () => unknown, code: string, ...parts: (string | RegExp)[]): void {
  try { f(); } catch (e) {
    expect(isBwvmError(e), String(e)).toBe(true);
    expect((e as { code: string }).code, (e as Error).message).toBe(code);
    for (const p of parts) expect((e as Error).message).toMatch(p);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('broken ONNX inputs', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'bwvm-onnx-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the unbroken model imports', () => {
    expect(importOnnx(good, { file: 'good.onnx' }).nodes.length).toBe(5);
  });

  it('truncated file: decode error with file and byte offset', () => {
    const p = join(dir, 'trunc.onnx');
    writeFileSync(p, good.subarray(0, Math.floor(good.length / 2)));
    expectError(() => importOnnxFile(p), 'ONNX_DECODE', /trunc\.onnx/, /at byte \d+ of \d+/);
  });

  it('not protobuf at all (PNG magic / text / empty)', () => {
    expectError(() => importOnnx(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), { file: 'pic.onnx' }), 'ONNX_DECODE', /pic\.onnx/);
    expectError(() => importOnnx(Buffer.from('this is not a model\n'), { file: 'notes.onnx' }), 'ONNX_DECODE', /notes\.onnx/);
    expectError(() => importOnnx(new Uint8Array(), { file: 'empty.onnx' }), 'ONNX_DECODE', /empty file/);
  });

  it('missing initializer names the node and value', () => {
    const b = mutate((m) => { m.graph.initializer = m.graph.initializer.filter((t: Obj) => t.name !== 'cw'); });
    expectError(() => importOnnx(b, { file: 'm.onnx' }), 'ONNX_MISSING_INPUT', /m\.onnx/, /node 'conv' \(Conv\) reads 'cw'/);
  });

  it('shape mismatch names the file and node', () => {
    const b = mutate((m) => {
      const t = m.graph.initializer.find((x: Obj) => x.name === 'fw');
      t.dims = [10, 32];
      t.raw_data = t.raw_data.subarray(0, 10 * 32 * 4);
    });
    expectError(() => importOnnx(b, { file: 'm.onnx' }), 'IR_SHAPE', /m\.onnx/, /node 'fc' \(Gemm\)/);
  });

  it('raw_data shorter than dims says so before allocating', () => {
    const b = mutate((m) => { const t = m.graph.initializer.find((x: Obj) => x.name === 'fw'); t.dims = [100000, 100000]; });
    expectError(() => importOnnx(b, { file: 'm.onnx' }), 'ONNX_TENSOR_SIZE', /initializer 'fw'/, /10000000000 elements/);
  });

  it('typed data field (float_data) with fewer values than dims', () => {
    const b = mutate((m) => { const t = m.graph.initializer.find((x: Obj) => x.name === 'cb'); delete t.raw_data; t.float_data = [1, 2]; });
    expectError(() => importOnnx(b, { file: 'm.onnx' }), 'ONNX_TENSOR_SIZE', /initializer 'cb' has dims \[4\] \(4 elements\) but float_data holds 2/);
    const ok = mutate((m) => { const t = m.graph.initializer.find((x: Obj) => x.name === 'cb'); delete t.raw_data; t.float_data = [1, 2, 3, 4]; });
    expect(Array.from(importOnnx(ok).initializers.get('cb')!.data as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('unknown op', () => {
    const b = mutate((m) => { m.graph.node[1].op_type = 'Frobnicate'; });
    expectError(() => importOnnx(b, { file: 'm.onnx' }), 'ONNX_UNSUPPORTED_OP', /m\.onnx/, /node 'relu'/, /'Frobnicate'/);
  });

  it('custom domain op', () => {
    const b = mutate((m) => { m.graph.node[1].domain = 'com.microsoft'; });
    expectError(() => importOnnx(b, { file: 'm.onnx' }), 'ONNX_UNSUPPORTED_OP', /com\.microsoft::Relu/);
  });

  it('negative and zero dims on graph inputs', () => {
    const neg = mutate((m) => { m.graph.input[0].type.tensor_type.shape.dim[2] = { dim_value: -8 }; });
    expectError(() => importOnnx(neg, { file: 'm.onnx' }), 'ONNX_BAD_DIM', /graph input 'x'/, /dim 2 = -8/);
    const zero = mutate((m) => { m.graph.input[0].type.tensor_type.shape.dim[1] = { dim_value: 0 }; });
    expectError(() => importOnnx(zero, { file: 'm.onnx' }), 'ONNX_BAD_DIM', /dim 1 = 0/);
  });

  it('cycle in the graph', () => {
    const b = mutate((m) => { m.graph.node[0].input[0] = 'p'; });
    expectError(() => importOnnx(b, { file: 'm.onnx' }), 'IR_CYCLE', /m\.onnx/, /conv/);
  });

  it('opset out of range', () => {
    const b = mutate((m) => { m.opset_import = [{ domain: '', version: 3 }]; });
    expectError(() => importOnnx(b, { file: 'm.onnx' }), 'ONNX_OPSET', /opset 3/);
  });

  it('external data escaping the model folder is refused', () => {
    for (const loc of ['../secret.bin', '/etc/passwd', 'sub/../../x.bin']) {
      const b = mutate((m) => {
        const t = m.graph.initializer.find((x: Obj) => x.name === 'cb');
        delete t.raw_data;
        t.data_location = 1;
        t.external_data = [{ key: 'location', value: loc }];
      });
      const p = join(dir, 'ext.onnx');
      writeFileSync(p, b);
      expectError(() => importOnnxFile(p), 'ONNX_EXTERNAL_PATH', /initializer|tensor 'cb'/, /leaves the model folder/);
    }
  });

  it('external data inside the model folder loads, and its size is checked', () => {
    const sub = join(dir, 'ok');
    mkdirSync(sub, { recursive: true });
    const cb = new Float32Array([1, 2, 3, 4]);
    writeFileSync(join(sub, 'w.bin'), Buffer.concat([Buffer.alloc(8), Buffer.from(cb.buffer)]));
    const make = (length: number) => mutate((m) => {
      const t = m.graph.initializer.find((x: Obj) => x.name === 'cb');
      delete t.raw_data;
      t.data_location = 1;
      t.external_data = [{ key: 'location', value: 'w.bin' }, { key: 'offset', value: '8' }, { key: 'length', value: String(length) }];
    });
    writeFileSync(join(sub, 'm.onnx'), make(16));
    const g = importOnnxFile(join(sub, 'm.onnx'));
    expect(Array.from(g.initializers.get('cb')!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(run(g, { x: { dtype: 'float32', shape: [1, 3, 8, 8], data: new Float32Array(192) } }).y!.shape).toEqual([1, 10]);
    writeFileSync(join(sub, 'm2.onnx'), make(32));
    expectError(() => importOnnxFile(join(sub, 'm2.onnx')), 'ONNX_EXTERNAL', /does not fit/);
  });

  it('unsupported element type', () => {
    const b = mutate((m) => { m.graph.input[0].type.tensor_type.elem_type = 10; });
    expectError(() => importOnnx(b, { file: 'm.onnx' }), 'ONNX_DTYPE', /float16/);
  });

  it('missing file', () => {
    expectError(() => importOnnxFile(join(dir, 'nope.onnx')), 'ONNX_READ', /nope\.onnx/);
  });
});
