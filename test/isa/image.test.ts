// Program images: readImage(writeImage(p)) == p; corrupt images are rejected with ISA_BAD_IMAGE.
import { expect, test } from 'vitest';
import { assemble, readImage, writeImage } from '../../src/isa/index.js';

const SRC = `
.data
v: .float 1, 2, 3
.ddr
d: .word 7, 8
.text
main:
    u0 = v || xr1 = 5
.region r
    loop e, 2
    xyzt r2 = [u0+=1,0]
e:
    halt
`;

test('image round trip', () => {
  const p = assemble(SRC);
  const q = readImage(writeImage(p));
  expect(q.lines).toEqual(p.lines.map((l) => ({ slots: l.slots })));
  expect(q.data).toEqual(p.data);
  expect(q.symbols).toEqual(p.symbols);
  expect(q.regions).toEqual(p.regions);
  expect([q.entry, q.chipTop, q.ddrTop]).toEqual([p.entry, p.chipTop, p.ddrTop]);
});

test('bad images', () => {
  const img = writeImage(assemble(SRC));
  expect(() => readImage(new Uint8Array(16))).toThrowError(expect.objectContaining({ code: 'ISA_BAD_IMAGE' }));
  expect(() => readImage(img.subarray(0, img.length - 4))).toThrowError(/truncated/);
  const bad = img.slice();
  bad.fill(0xff, bad.length - 8 - 4 * 5, bad.length - 8); // clobber code words
  expect(() => readImage(bad)).toThrowError(expect.objectContaining({ code: 'ISA_ILLEGAL' }));
});
