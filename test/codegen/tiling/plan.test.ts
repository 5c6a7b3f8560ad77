// The tiling planner against brute force: on random layer sets and capacities its plan always fits
// (resident filters + two staging buffers <= capacity, every DDR tile fits one buffer), moves the
// fewest DDR words any placement/tile choice can, and prefers tiles of >= 8 channels; the traffic
// model, forced modes, the named error when nothing fits and the per-layer table.
import { describe, expect, test } from 'vitest';
import { layerTraffic, type LayerWeights, planTable, planText, planTiling, planWords, tileCandidates } from '../../../src/codegen/tiling/index.js';
import { isBwvmError } from '../../../src/util/errors.js';

const up = (n: number): number => Math.ceil(n / 8) * 8;

function rng(seed: number): () => number {
  let s = seed;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** Fewest DDR words over every resident subset and staging size (tiles: divisors of M). */
function bruteForce(layers: LayerWeights[], cap: number, minMG: number): number | undefined {
  let best: number | undefined;
  const sizes = new Set<number>([0]);
  for (const l of layers) for (const mg of tileCandidates(l.M, minMG)) sizes.add(up(mg * l.perChannel));
  for (let mask = 0; mask < 1 << layers.length; mask++) {
    for (const S of sizes) {
      let words = 2 * S, ddr = 0, ok = true;
      layers.forEach((l, i) => {
        if (mask & (1 << i)) { words += up(l.M * l.perChannel); return; }
        if (!tileCandidates(l.M, minMG).some((mg) => up(mg * l.perChannel) <= S)) ok = false;
        ddr += l.M * l.perChannel;
      });
      if (ok && words <= cap && (best === undefined || ddr < best)) best = ddr;
    }
  }
  return best;
}

describe('planTiling', () => {
  test('random layer sets: the plan fits with double buffers and moves the brute-force minimum of DDR words', () => {
    const r = rng(11);
    let ddrPlans = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = 2 + Math.floor(r() * 5);
      const layers: LayerWeights[] = Array.from({ length: n }, (_, i) => ({ layer: `l${i}`, M: [4, 6, 8, 16, 24, 32][Math.floor(r() * 6)]!, perChannel: 9 + Math.floor(r() * 300) }));
      const total = layers.reduce((a, l) => a + up(l.M * l.perChannel), 0);
      const cap = Math.floor(total * (0.15 + r() * 0.9));
      const want = bruteForce(layers, cap, 1);
      let p;
      try { p = planTiling(layers, cap); } catch (e) {
        expect(isBwvmError(e, 'CODEGEN_TILING')).toBe(true);
        expect(want).toBeUndefined();
        continue;
      }
      expect(planWords(p)).toBeLessThanOrEqual(cap);
      for (const l of p.layers) {
        if (l.placement === 'ddr') { expect(up(l.tileWords)).toBeLessThanOrEqual(p.stagingWords); expect(l.M % l.MG).toBe(0); ddrPlans++; }
      }
      // at least 8 channels per tile when that has a plan; otherwise the overall minimum
      const want8 = bruteForce(layers, cap, 8);
      expect(p.ddrIn).toBe(want8 ?? want);
      expect(p.ddrIn).toBe(p.layers.reduce((a, l) => a + l.ddrIn, 0));
    }
    expect(ddrPlans).toBeGreaterThan(20);
  });

  test('everything resident when it fits; ddr mode streams every layer in the fewest tiles', () => {
    const layers: LayerWeights[] = [{ layer: 'a', M: 16, perChannel: 27 }, { layer: 'b', M: 32, perChannel: 145 }];
    const all = planTiling(layers, 100_000);
    expect(all.layers.map((l) => l.placement)).toEqual(['chip', 'chip']);
    expect(all.ddrIn).toBe(0);
    const ddr = planTiling(layers, 100_000, { weights: 'ddr' });
    expect(ddr.layers.map((l) => [l.placement, l.tiles])).toEqual([['ddr', 1], ['ddr', 1]]);
    expect(ddr.ddrIn).toBe(16 * 27 + 32 * 145);
    const tight = planTiling(layers, 3000, { weights: 'ddr' });
    expect(tight.layers[1]!.MG).toBe(8); // 2 x 8 x 145 words fit 3000, 2 x 16 x 145 do not
    expect(planWords(tight)).toBeLessThanOrEqual(3000);
  });

  test('traffic model: weights read once per inference whatever the tile; tiles = M / MG', () => {
    const l: LayerWeights = { layer: 'c', M: 64, perChannel: 577 };
    for (const mg of [1, 8, 64]) expect(layerTraffic(l, 'ddr', mg)).toEqual({ MG: mg, tiles: 64 / mg, tileWords: mg * 577, ddrIn: 64 * 577, ddrOut: 0 });
    expect(layerTraffic(l, 'chip').ddrIn).toBe(0);
    expect(tileCandidates(24, 8)).toEqual([8, 12, 24]);
  });

  test('nothing fits or chip forced beyond capacity: CODEGEN_TILING naming the words', () => {
    const layers: LayerWeights[] = [{ layer: 'a', M: 8, perChannel: 1000 }];
    expect(() => planTiling(layers, 1500)).toThrow(/no tiling fits 1500 on-chip words/);
    expect(() => planTiling(layers, 5000, { weights: 'chip' })).toThrow(/weights need 8000 on-chip words/);
  });

  test('the table: one row per layer with tile, placement, DDR words, buffers, and a total row', () => {
    const p = planTiling([{ layer: 'conv1', M: 16, perChannel: 27, rows: 32 }, { layer: 'conv2', M: 64, perChannel: 577, rows: 16 }], 20_000);
    const t = planTable(p);
    expect(t.columns).toEqual(['layer', 'tile (rows x channels)', 'tiles', 'weights', 'activations', 'DDR words in', 'DDR words out', 'buffers']);
    expect(t.rows[0]).toEqual(['conv1', '32 x 16', '1', 'on-chip', 'on-chip', '0', '0', 'resident']);
    expect(t.rows[1]![0]).toBe('conv2');
    expect(t.rows[1]![3]).toBe('DDR');
    expect(t.rows[1]![5]).toBe(String(64 * 577));
    expect(t.rows[1]![7]).toMatch(/ping\/pong/);
    expect(t.rows.at(-1)![0]).toBe('(total)');
    expect(planText(p)).toMatch(/^tiling plan: 20000 on-chip words/);
  });

  test('the table shows a banded layer: band rows, bands, where its activations live, their DDR words', () => {
    const p = planTiling([{ layer: 'conv1', M: 16, perChannel: 27, rows: 32 }], 20_000);
    const t = planTable({ ...p, layers: [...p.layers, { layer: 'conv2', M: 8, placement: 'chip', buffers: 'resident', MG: 8, tiles: 1, tileWords: 0, ddrIn: 900, ddrOut: 512, rows: 4, bands: 8, activations: 'DDR -> chip' }] });
    expect(t.rows[1]).toEqual(['conv2', '4 x 8', '8', 'on-chip', 'DDR -> chip', '900', '512', 'row bands of 4 (ping/pong DMA)']);
    expect(t.rows.at(-1)!.slice(2, 5)).toEqual(['8', '432 words resident', 'banded layers: 1']);
  });
});
