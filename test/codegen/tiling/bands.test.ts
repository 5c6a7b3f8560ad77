// The band model of activation tiling: bands of every height cover each conv output row exactly
// once (pooled layers: even bands over 2*floor(OH/2) rows), each band reads exactly the padded
// input rows its outputs need (halo, stride, zero rows at the image border), buffer words grow with
// the band height and the DDR words (input rows re-read per band, output once) match a brute count.
import { describe, expect, test } from 'vitest';
import { type BandLayer, bandBuffers, bandHeights, bandsOf, bandTraffic, bandWords, convOut, storedOut } from '../../../src/codegen/tiling/index.js';

const layer = (o: Partial<BandLayer>): BandLayer => ({ layer: 'c', C: 3, H: 11, W: 9, M: 4, kH: 3, kW: 3, stride: 1, pad: 1, pool: false, inDdr: true, outDdr: true, ...o });

const SHAPES: Array<Partial<BandLayer>> = [
  {}, { pad: 0 }, { pad: 2, kH: 5, kW: 5 }, { kH: 1, kW: 1, pad: 0 }, { stride: 2 }, { stride: 2, pad: 0, H: 12 },
  { pool: true }, { pool: true, H: 12 }, { pool: true, pad: 0, H: 10 }, { H: 1, kH: 1, kW: 1, pad: 0 },
];

describe('output-row bands', () => {
  for (const o of SHAPES) {
    test(`bands cover the output and read the right input rows: ${JSON.stringify(o)}`, () => {
      const l = layer(o);
      const { OH } = convOut(l);
      const { YH, YW } = storedOut(l);
      for (const th of bandHeights(l)) {
        if (l.pool) expect(th % 2).toBe(0);
        const bs = bandsOf(l, th);
        const covered = bs.flatMap((b) => Array.from({ length: b.th }, (_, k) => b.oh0 + k));
        expect(covered).toEqual(Array.from({ length: l.pool ? 2 * Math.floor(OH / 2) : OH }, (_, k) => k));
        expect(bs.flatMap((b) => Array.from({ length: b.yth }, (_, k) => b.yh0 + k))).toEqual(Array.from({ length: YH }, (_, k) => k));
        let ddrIn = 0;
        for (const b of bs) {
          // padded rows the band's outputs touch: [oh0*s, (oh0+th-1)*s + kH)
          expect(b.pr0).toBe(b.oh0 * l.stride);
          expect(b.Hb).toBe((b.th - 1) * l.stride + l.kH);
          const want = Array.from({ length: b.Hb }, (_, k) => b.pr0 + k - l.pad).filter((h) => h >= 0 && h < l.H);
          expect([b.h0, b.h1]).toEqual([want[0] ?? b.h0, (want.at(-1) ?? b.h0 - 1) + 1]);
          expect(b.zTop + (b.h1 - b.h0) + b.zBot).toBe(b.Hb);
          expect(b.zTop).toBe(Math.max(0, l.pad - b.pr0));
          ddrIn += l.C * (b.h1 - b.h0) * l.W;
        }
        expect(bandTraffic(l, th)).toEqual({ bands: bs.length, ddrIn, ddrOut: l.M * YH * YW });
      }
    });
  }

  test('taller bands re-read fewer halo rows and need more buffer words; on-chip sides move nothing', () => {
    const l = layer({ H: 32, W: 32, C: 8 });
    const hs = bandHeights(l);
    const tr = hs.map((th) => bandTraffic(l, th).ddrIn), words = hs.map((th) => bandWords(l, th));
    for (let k = 1; k < hs.length; k++) {
      expect(tr[k]).toBeLessThanOrEqual(tr[k - 1]!);
      expect(words[k]).toBeGreaterThanOrEqual(words[k - 1]!);
    }
    expect(tr[0]).toBe(8 * 32 * (32 * 3 - 2)); // one-row bands read 3 rows each (2 at the borders)
    expect(tr.at(-1)).toBe(8 * 32 * 32); // one band reads the image once
    expect(bandTraffic({ ...l, inDdr: false }, 4)).toMatchObject({ ddrIn: 0, ddrOut: 4 * 32 * 32 });
    expect(bandTraffic({ ...l, outDdr: false }, 4).ddrOut).toBe(0);
    // pad 0 with the input in DDR: the DMA fills the kernel's input directly (no zero-bordered buffer)
    expect(bandBuffers({ ...l, pad: 0 }, 4).xp).toBe(0);
    expect(bandBuffers(l, 4).xp).toBeGreaterThan(8 * 6 * 34);
  });
});
