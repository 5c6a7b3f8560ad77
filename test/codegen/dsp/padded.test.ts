// Padded hand-offs in generated mode (src/codegen/dsp/padded.ts): a conv feeding a pad-1 conv stores
// into the consumer's zero-bordered layout, so the consumer's input copy is gone: its profiler region
// moves exactly 2*C*H*W fewer words (one load + one store per input word) on the real simulator; the
// Program still equals the reference executor, including hand-offs whose region the memory planner
// reuses (border zeroed by code after another buffer dirtied it) and ones whose border comes from the data image.
import { describe, expect, test } from 'vitest';
import { run as reference } from '../../../src/bwdnn/reference/index.js';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { DEDICATED_ROOM, type DspOptions, lowerToDsp, SHARED_MAX_COST } from '../../../src/codegen/dsp/index.js';
import { borderCode, borderWords } from '../../../src/codegen/dsp/padded.js';
import { assemble } from '../../../src/isa/index.js';
import { Simulator } from '../../../src/sim/index.js';
import type { Graph } from '../../../src/ir/index.js';
import { findOverlaps } from '../../../src/memory/index.js';
import { optimize } from '../../../src/opt/index.js';
import { runLibrary } from '../../../src/session/library.js';
import { chipWords, getTarget } from '../../../src/target/index.js';
import { rand, relError } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');

async function run(g: Graph, o: DspOptions) {
  const shape = [1, ...(g.inputs[0]!.shape.slice(1) as number[])];
  const x = rand(shape.reduce((a, b) => a * b, 1), 5);
  const opt = optimize(g, 'O1').graph;
  const m = lowerToDsp(opt, T, o);
  const r = await runLibrary(m, T, { [g.inputs[0]!.name]: x });
  const want = reference(g, { [g.inputs[0]!.name]: { dtype: 'float32', shape, data: x } });
  const out = g.outputs[0]!.name;
  expect(findOverlaps(m.plan.placements)).toEqual([]);
  const words = new Map(r.profile.regions.map((x) => [x.name, x.words.read + x.words.written]));
  return { m, r, words, opt, err: relError(r.outputs[out]!, want[out]!.data as Float32Array) };
}

const vgg = (): Graph => zooModel('vgg_small', { input: [3, 16, 16], width: 0.25 });
/** The same network without hand-offs (every conv copies its input), once per layout. */
const copies = new Map<string, ReturnType<typeof run>>();
const copying = (layout: 'banked' | 'packed'): ReturnType<typeof run> => {
  if (!copies.has(layout)) copies.set(layout, run(vgg(), { layout, padded: false }));
  return copies.get(layout)!;
};

describe('padded hand-offs between conv layers', () => {
  const cases = [['banked', 'dedicated'], ['packed', 'dedicated'], ['banked', 'shared'], ['packed', 'shared']] as const;
  for (const [layout, padded] of cases) {
    test(`vgg_small (${layout}, padded ${padded}): consumers copy nothing, outputs equal the reference`, async () => {
      const on = await run(vgg(), { layout, padded }), off = await copying(layout);
      expect(on.m.plan.layout).toBe(layout);
      expect(on.err).toBeLessThanOrEqual(1e-4);
      expect(off.err).toBeLessThanOrEqual(1e-4);
      expect(off.m.plan.handoffs).toEqual([]);
      // every conv -> conv value (5: two of them after a fused pool) is handed over padded
      expect(on.m.plan.handoffs.map((h) => [h.from, h.to])).toHaveLength(5);
      const { placements } = on.m.plan;
      const at = new Map(placements.map((p) => [p.id, p]));
      const sharing = (v: string): string[] => placements.filter((p) => p.id !== v && p.offset < at.get(v)!.offset + at.get(v)!.size && at.get(v)!.offset < p.offset + p.size).map((p) => p.id);
      // the reported bound is the values' liveness bound whatever the mode (the copying plan's, as large or larger: the padded buffers)
      expect(on.m.plan.lowerBoundWords).toBeGreaterThanOrEqual(off.m.plan.lowerBoundWords);
      if (padded === 'dedicated') {
        // the hand-off buffers have regions of their own: borders zero from the data image, no zeroing code
        expect(on.m.plan.handoffs.every((h) => h.border === 'image' && sharing(h.value).length === 0)).toBe(true);
        expect(on.m.plan.dedicatedWords).toBeGreaterThan(0);
        expect(on.m.plan.zeroShare).toBe(0);
      } else {
        // the planner reuses regions: a buffer written earlier by another layer (nonzero data) gets its border zeroed by code
        expect(on.m.plan.handoffs.every((h) => h.border === 'code' && h.zeroed > 0)).toBe(true);
        const dirty = on.m.plan.handoffs.filter((h) => sharing(h.value).some((v) => at.get(v)!.first < at.get(h.value)!.first));
        expect(dirty.length).toBeGreaterThan(0);
        expect(on.m.plan.dedicatedWords).toBe(0);
        expect(on.m.plan.zeroShare).toBeGreaterThan(0);
      }
      // the consumer's region: the input copy gone (a load and a store per word); when it produces a hand-off
      // itself, its region starts with that buffer's border zeroing (one store per zeroed word, no load)
      for (const h of on.m.plan.handoffs) {
        const [, C, H, W] = on.opt.valueInfo.get(h.value)!.shape as number[];
        const zeroing = on.m.plan.handoffs.find((x) => x.from === h.to)?.zeroed ?? 0;
        expect(off.words.get(h.to)! - on.words.get(h.to)!).toBe(2 * C! * H! * W! - zeroing);
      }
      if (padded === 'dedicated') {
        expect(on.r.profile.cycles).toBeLessThan(off.r.profile.cycles);
        expect(on.r.profile.memory.chip.read + on.r.profile.memory.chip.written).toBeLessThan(off.r.profile.memory.chip.read + off.r.profile.memory.chip.written);
      }
    });
  }

  test('default: shared regions unless their border zeroing costs more than SHARED_MAX_COST and dedicated ones leave room', async () => {
    const opt = optimize(vgg(), 'O1').graph;
    const shared = lowerToDsp(opt, T, { padded: 'shared' }), own = lowerToDsp(opt, T, { padded: 'dedicated' }), def = lowerToDsp(opt, T);
    expect(own.plan.lowerBoundWords).toBe(shared.plan.lowerBoundWords);
    expect(own.plan.arenaWords).toBeGreaterThan(shared.plan.arenaWords);
    const used = own.memory.weightWords + own.plan.arenaWords + own.memory.staticWords;
    const wantOwn = shared.plan.zeroShare > SHARED_MAX_COST && used <= (1 - DEDICATED_ROOM) * chipWords(T);
    expect(def.plan.handoffs.map((h) => h.border)).toEqual((wantOwn ? own : shared).plan.handoffs.map((h) => h.border));
    expect(def.plan.dedicatedWords).toBe(wantOwn ? own.plan.dedicatedWords : 0);
    // without room for dedicated regions (on-chip budget just below it) the default shares them
    const tight = lowerToDsp(opt, T, { chipWords: Math.ceil(used / (1 - DEDICATED_ROOM)) - 8 });
    expect(tight.plan.dedicatedWords).toBe(0);
    expect(tight.plan.handoffs.length).toBe(5);
  });

  test('a value read by two layers (residual add) or a graph output is not handed over padded', async () => {
    const r = await run(zooModel('resnet20', { input: [3, 8, 8], width: 0.25 }), {});
    expect(r.err).toBeLessThanOrEqual(1e-4);
    // each block's first conv output feeds only its second conv; block inputs also feed the residual add
    const blocks = r.m.plan.handoffs.length;
    expect(blocks).toBeGreaterThan(0);
    for (const h of r.m.plan.handoffs) expect(r.opt.nodes.filter((n) => n.inputs.includes(h.value))).toHaveLength(1);
  });

  // vgg-like (rows 4 banks apart, gaps one quad, steps past a post-increment), gaps of 1-3 and 6 words, a plane longer than one loop body
  for (const e of [{ C: 3, H: 5, W: 6, pad: 1, Hpp: 8, Wpp: 12 }, { C: 2, H: 4, W: 4, pad: 2, Hpp: 9, Wpp: 8 }, { C: 4, H: 32, W: 32, pad: 1, Hpp: 35, Wpp: 36 },
    { C: 2, H: 7, W: 5, pad: 1, Hpp: 9, Wpp: 7 }, { C: 1, H: 6, W: 6, pad: 1, Hpp: 8, Wpp: 9 }, { C: 2, H: 700, W: 4, pad: 1, Hpp: 702, Wpp: 8 }]) {
    test(`border zeroing of ${e.C}x${e.Hpp}x${e.Wpp} (image ${e.H}x${e.W} at ${e.pad}): stores zero to the border only, nothing else`, async () => {
      const edge = { producer: 0, consumer: 1, value: 'v', ...e };
      const n = e.C * e.Hpp * e.Wpp, at = 64;
      const code = borderCode(edge, at, T, 'z');
      // store-only: no loads, far fewer lines than the words it zeroes
      expect(code.filter((l) => /=\s*\[/.test(l))).toEqual([]);
      const asm = ['.data', `.org ${at - 8}`, `buf: .space ${n + 16}`, '.text', 'main:',
        ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
      const sim = new Simulator(assemble(asm, { limits: T }), T);
      sim.setInput('buf', new Float32Array(n + 16).fill(1));
      await sim.run();
      const got = sim.readOutput('buf', n + 16);
      let zeroed = 0;
      for (let k = 0; k < n + 16; k++) {
        const a = k - 8, c = Math.floor(a / (e.Hpp * e.Wpp)), r = Math.floor(a / e.Wpp) % e.Hpp, col = a % e.Wpp;
        const image = r >= e.pad && r < e.pad + e.H && col >= e.pad && col < e.pad + e.W;
        const want = a < 0 || a >= n || image ? 1 : 0;
        expect([c, r, col, got[k]]).toEqual([c, r, col, want]);
        zeroed += want ? 0 : 1;
      }
      expect(zeroed).toBe(e.C * (e.Hpp * e.Wpp - e.H * e.W));
      expect(borderWords(edge)).toBe(zeroed);
      // each border word is stored once (quads and 1-3 word stores), none twice
      expect(sim.profile().memory.chip.written).toBe(zeroed);
    });
  }

});
