// The fixed-point executor's fast engine (Conv on the WebAssembly integer kernels: int32 accumulators
// for 8-bit activations, int64 for 16-bit ones) against the reference kernel, which qconv.test.ts
// holds to the convolution's definition: equal to the last bit on strides, dilations, asymmetric
// pads, odd reduction lengths, groups, depthwise, pixel counts off the tiles, folded clamps, large
// biases and 1 or 2 threads; nodes neither kernel covers exactly fall back to the reference and say
// why; whole shipped models (int8 and int16) give the reference's integers.
import { afterAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../../src/bwdnn/kernels/runtime.js';
import { QKERNELS, fastConvChoice, fastConvRefusal, fastQconv, quantizeMultiplier, runQuantized, type QKernelCtx, type QNode, type QTensor } from '../../../src/bwdnn/quant/index.js';
import { shippedCheckpoint } from '../../../src/bwdnn/zoo/pretrained.js';
import { loadNative } from '../../../src/frontend/native/index.js';
import { fashionMnist, slice } from '../../../src/bwdnn/data/index.js';
import { collectStats, lowerToInteger } from '../../../src/compress/quant/index.js';
import { tensorParams, quantRange, type QuantDType } from '../../../src/ir/quant.js';
import type { Attrs, Tensor } from '../../../src/ir/types.js';

interface Case { name: string; N: number; C: number; H: number; W: number; M: number; k: [number, number]; attrs: Attrs; dtype: QuantDType; clamp?: [number, number]; biasBits?: number }

function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** Index of the first element where a and b differ (or the shorter length), -1 when equal. */
function firstDifference(a: Int32Array, b: Int32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const rt1 = createRuntime({ threads: 1 }), rt2 = createRuntime({ threads: 2 });
afterAll(() => { rt1.close(); rt2.close(); });

function build(c: Case, seed: number): { x: QTensor; ctx: QKernelCtx } {
  const rand = lcg(seed);
  const [lo, hi] = quantRange(c.dtype), wHi = c.dtype === 'int16' ? 32767 : 127;
  const Cg = c.C / ((c.attrs.group as number | undefined) ?? 1), K = Cg * c.k[0] * c.k[1];
  const x: QTensor = { shape: [c.N, c.C, c.H, c.W], data: Int32Array.from({ length: c.N * c.C * c.H * c.W }, () => lo + Math.floor(rand() * (hi - lo + 1))) };
  const w = Int32Array.from({ length: c.M * Cg * c.k[0] * c.k[1] }, (_, i) => (i % 7 === 3 ? 0 : Math.round((rand() * 2 - 1) * wHi)));
  const big = (c.biasBits ?? 16) > 31;
  const bv = Array.from({ length: c.M }, () => Math.round((rand() * 2 - 1) * 2 ** (c.biasBits ?? 16)));
  const b = big ? BigInt64Array.from(bv, (v) => BigInt(v)) : Int32Array.from(bv);
  const zx = c.dtype === 'uint8' ? 131 : c.dtype === 'int8' ? 3 : -1700, zy = c.dtype === 'uint8' ? 120 : c.dtype === 'int8' ? -2 : 310;
  const node: QNode = {
    name: c.name, op: 'Conv', inputs: ['x'], output: 'y', attrs: { ...c.attrs, kernel_shape: c.k }, from: [],
    weight: { dtype: 'int32', shape: [c.M, Cg, ...c.k], data: w }, bias: big ? { dtype: 'int64', shape: [c.M], data: b } : { dtype: 'int32', shape: [c.M], data: b },
    // multipliers that map each channel's typical |acc| to about a quarter of the output range
    requant: Array.from({ length: c.M }, (_, m) => quantizeMultiplier(((hi - lo) / 4 / (Math.abs(bv[m]!) + Math.sqrt(K) * (hi - lo) * wHi / 8)) * (0.5 + rand()))),
    ...(c.clamp ? { clamp: c.clamp } : {}),
  };
  return { x, ctx: { node, inputs: [{ dtype: c.dtype, quant: tensorParams(0.1, zx) }], output: { dtype: c.dtype, quant: tensorParams(0.2, zy) } } };
}

const CASES: Case[] = [
  { name: '3x3 pad 1, 8 channels, 9x7 (pixels off the tile)', N: 2, C: 3, H: 9, W: 7, M: 8, k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, dtype: 'int8' },
  { name: 'stride 2, asymmetric pads, 6 channels', N: 1, C: 4, H: 11, W: 10, M: 6, k: [3, 3], attrs: { strides: [2, 2], pads: [0, 1, 2, 0] }, dtype: 'int8' },
  { name: 'dilation 2, 5x3 window, odd reduction (K = 15)', N: 1, C: 1, H: 12, W: 19, M: 5, k: [5, 3], attrs: { dilations: [2, 2], pads: [2, 1, 2, 1] }, dtype: 'uint8' },
  { name: 'stride (1, 2) with dilation (2, 1)', N: 1, C: 5, H: 10, W: 13, M: 7, k: [3, 3], attrs: { strides: [1, 2], dilations: [2, 1], pads: [1, 0, 1, 2] }, dtype: 'int8' },
  { name: 'groups of 3 output channels', N: 2, C: 4, H: 6, W: 6, M: 6, k: [3, 3], attrs: { group: 2, pads: [1, 1, 1, 1] }, dtype: 'int8' },
  { name: 'depthwise, stride 2', N: 1, C: 7, H: 8, W: 9, M: 7, k: [3, 3], attrs: { group: 7, strides: [2, 2], pads: [1, 1, 1, 1] }, dtype: 'uint8' },
  { name: '1x1, folded clamp', N: 1, C: 9, H: 5, W: 4, M: 13, k: [1, 1], attrs: {}, dtype: 'int8', clamp: [-5, 90] },
  { name: 'wide rows (W = 37), 3 images, 2-bit headroom bias', N: 3, C: 16, H: 5, W: 37, M: 20, k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, dtype: 'int8', biasBits: 28 },
  // 16-bit activations: the int64 kernel
  { name: '3x3 pad 1, pixels off the tile', N: 2, C: 3, H: 9, W: 7, M: 8, k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, dtype: 'int16' },
  { name: 'dilation 2, 5x3 window, odd reduction (K = 15)', N: 1, C: 1, H: 12, W: 19, M: 5, k: [5, 3], attrs: { dilations: [2, 2], pads: [2, 1, 2, 1] }, dtype: 'int16' },
  { name: 'depthwise, stride 2, asymmetric pads', N: 2, C: 7, H: 8, W: 9, M: 7, k: [3, 3], attrs: { group: 7, strides: [2, 2], pads: [1, 0, 1, 2] }, dtype: 'int16' },
  { name: 'groups, 1x1 stride 2, folded clamp, 2^40 bias', N: 1, C: 6, H: 7, W: 10, M: 9, k: [1, 1], attrs: { group: 3, strides: [2, 2] }, dtype: 'int16', clamp: [-900, 20000], biasBits: 40 },
  { name: 'wide rows, K = 144', N: 2, C: 16, H: 4, W: 33, M: 6, k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, dtype: 'int16' },
];

describe('fast engine integer Conv', () => {
  for (const c of CASES) {
    it(`${c.name} (${c.dtype}) equals the reference kernel, 1 and 2 threads`, () => {
      const { x, ctx } = build(c, CASES.indexOf(c) + 5);
      expect(fastConvChoice(ctx, 4)).toEqual({ kind: c.dtype === 'int16' ? 'wide' : 'narrow' });
      const want = QKERNELS.get('Conv')!([x], ctx);
      for (const rt of [rt1, rt2]) {
        const got = fastQconv(rt)([x], ctx);
        expect(got.shape).toEqual(want.shape);
        expect(got.data).toEqual(want.data);
      }
      // not a degenerate case: outputs spread over the range (with a 2^28 bias, mostly across channels)
      expect(new Set(want.data).size).toBeGreaterThan(Math.min(c.biasBits ? c.M : 20, want.data.length / 4));
    });
  }

  it('an int8 node whose sums may leave int32 runs on the int64 kernel; int16 weights past 32767 or sums near 2^47 fall back and say why', () => {
    const base: Case = { name: 'refusals', N: 1, C: 3, H: 6, W: 6, M: 4, k: [3, 3], attrs: { pads: [1, 1, 1, 1] }, dtype: 'int8' };
    const conv = QKERNELS.get('Conv')!;
    // int8 operands, but a bias so large that bias + K * 131 * 127 may leave int32
    const big = build({ ...base, biasBits: 30 }, 2);
    (big.ctx.node.bias!.data as Int32Array)[0] = 2 ** 31 - 1000;
    expect(fastConvChoice(big.ctx, 4)).toEqual({ kind: 'wide' });
    expect(fastQconv(rt1)([big.x], big.ctx).data).toEqual(conv([big.x], big.ctx).data);
    // a weight of -32768: a pair of products may reach 2^31
    const w16 = build({ ...base, dtype: 'int16' }, 3);
    (w16.ctx.node.weight!.data as Int32Array)[5] = -32768;
    expect(fastConvRefusal(w16.ctx, 4)).toBe('weights exceed int16 (|w| <= 32768)');
    expect(fastQconv(rt1)([w16.x], w16.ctx).data).toEqual(conv([w16.x], w16.ctx).data);
    // a bias near 2^47
    const b47 = build({ ...base, dtype: 'int16', biasBits: 47 }, 4);
    (b47.ctx.node.bias!.data as BigInt64Array)[1] = 2n ** 47n - 5n;
    expect(fastConvRefusal(b47.ctx, 4)).toMatch(/^the accumulator bound \d+ reaches 2\^47$/);
    expect(fastQconv(rt1)([b47.x], b47.ctx).data).toEqual(conv([b47.x], b47.ctx).data);
  });
});

describe('fast engine on shipped models', () => {
  // one calibration per model (the float reference over 16 images), shared by int8 and int16
  const calibrated = new Map<string, { g: ReturnType<typeof loadNative>; stats: ReturnType<typeof collectStats>; x: Tensor }>();
  const model = (name: string) => {
    let c = calibrated.get(name);
    if (!c) {
      const ck = shippedCheckpoint(name)!;
      const g = loadNative(ck.path);
      const d = fashionMnist({ split: 'test', subset: 'bundled', normalize: ck.record.normalization ?? 'standard' });
      const t = (n0: number, n: number): Tensor => { const s = slice(d, n0, n); return { dtype: 'float32', shape: [s.n, ...s.shape], data: s.images }; };
      calibrated.set(name, (c = { g, stats: collectStats(g, t(0, 16)), x: t(16, 8) }));
    }
    return c;
  };
  for (const [name, bits] of [['lenet5', 8], ['lenet5', 16], ['resnet20', 8], ['resnet20', 16]] as const) {
    it(`${name} int${bits}: runQuantized fast gives the reference's integers`, () => {
      const { g, stats, x } = model(name);
      const m = lowerToInteger(g, stats, { bits, perChannel: true });
      const ref = runQuantized(m, x, { keep: true });
      const fast = runQuantized(m, x, { engine: 'fast', runtime: rt2, keep: true });
      expect(Array.from(fast.q.data)).toEqual(Array.from(ref.q.data));
      // every intermediate too (first differing index, -1: none), and the Convs did run on the kernel
      for (const [v, q] of ref.values!) expect(firstDifference(fast.values!.get(v)!.data, q.data), v).toBe(-1);
      const convs = m.nodes.filter((n) => n.op === 'Conv');
      expect(convs.length).toBeGreaterThan(1);
      for (const n of convs) expect(fastConvRefusal({ node: n, inputs: [m.values.get(n.inputs[0]!)!], output: m.values.get(n.output)! }, 4), n.name).toBeUndefined();
    });
  }
});
