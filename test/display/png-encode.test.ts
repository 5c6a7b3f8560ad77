// The PNG encoder writes a valid signature, IHDR and IDAT whose inflated rows are the pixels.
import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { encodePng } from '../../src/display/png-encode.js';

describe('encodePng', () => {
  it('encodes gray pixels losslessly', () => {
    const px = Uint8Array.from({ length: 6 }, (_, i) => i * 40);
    const png = Buffer.from(encodePng(px, 3, 2, 1));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(3);
    expect(png.readUInt32BE(20)).toBe(2);
    const idatLen = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect([...raw]).toEqual([0, 0, 40, 80, 0, 120, 160, 200]);
  });
  it('rejects a pixel count that does not match the size', () => {
    expect(() => encodePng(new Uint8Array(5), 3, 2, 1)).toThrow(/6|3x2/);
  });
});
