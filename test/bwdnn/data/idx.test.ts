// IDX parsing on synthetic files (raw and gzip, every element type) and malformed headers:
// dims claiming more bytes than the file holds are refused before any allocation.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseIdx, readIdxFile, encodeIdxU8 } from '../../../src/bwdnn/data/idx.js';
import { isBwvmError } from '../../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'bwvm-idx-'));

function code(fn: () => unknown): string | undefined {
  try { fn(); } catch (e) { return isBwvmError(e) ? e.code : `non-BwvmError: ${e}`; }
  return undefined;
}

describe('IDX', () => {
  it('round-trips unsigned bytes, raw and gzip', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);
    const bytes = encodeIdxU8([2, 3, 4], data);
    const raw = join(dir, 'a.idx'), gz = join(dir, 'a.idx.gz');
    writeFileSync(raw, bytes);
    writeFileSync(gz, gzipSync(bytes));
    for (const f of [raw, gz]) {
      const r = readIdxFile(f);
      expect(r.dims).toEqual([2, 3, 4]);
      expect(Array.from(r.data)).toEqual(Array.from(data));
    }
  });

  it('reads big-endian int and float elements', () => {
    const b = new Uint8Array(4 + 4 + 8);
    const v = new DataView(b.buffer);
    v.setUint8(2, 0x0d); v.setUint8(3, 1); v.setUint32(4, 2); v.setFloat32(8, 1.5); v.setFloat32(12, -2);
    expect(Array.from(parseIdx(b).data)).toEqual([1.5, -2]);
    v.setUint8(2, 0x0c); v.setInt32(8, -7); v.setInt32(12, 1 << 20);
    expect(Array.from(parseIdx(b).data)).toEqual([-7, 1 << 20]);
  });

  it('refuses headers whose dims claim more (or fewer) bytes than the file has', () => {
    const small = encodeIdxU8([10, 28, 28], new Uint8Array(10 * 28 * 28));
    new DataView(small.buffer).setUint32(4, 4_000_000_000); // claims ~3 TB
    expect(code(() => parseIdx(small))).toBe('bwdnn.idx-size');
    const trailing = encodeIdxU8([2, 2], new Uint8Array(5));
    new DataView(trailing.buffer).setUint32(4, 1);
    expect(code(() => parseIdx(trailing))).toBe('bwdnn.idx-size');
    try { parseIdx(small, 'x.idx'); } catch (e) { expect((e as Error).message).toMatch(/x\.idx.*claims dims \[4000000000, 28, 28\]/); }
  });

  it('refuses bad magic, unknown types, short headers, missing and corrupt files', () => {
    expect(code(() => parseIdx(Uint8Array.from([1, 2, 8, 1])))).toBe('bwdnn.idx-magic');
    expect(code(() => parseIdx(Uint8Array.from([0, 0, 0x42, 1, 0, 0, 0, 0])))).toBe('bwdnn.idx-type');
    expect(code(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1])))).toBe('bwdnn.idx-header');
    expect(code(() => readIdxFile(join(dir, 'nope.gz')))).toBe('bwdnn.data-missing');
    const bad = join(dir, 'bad.gz');
    writeFileSync(bad, Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    expect(code(() => readIdxFile(bad))).toBe('bwdnn.idx-gzip');
  });
});
