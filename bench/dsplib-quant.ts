// Fixed-point vs fp32 convolution on the simulator: for each layer, the fp32 conv2d kernel and the
// qconv kernels (int16: mac16, int8: mac8) on the same shape, with cycles and speedups over fp32;
// every qconv run is checked bit-exact against bwDNN's integer Conv. Prints a markdown table.
// Run: npm run bench:dsplib-quant [-- filter]. Prints figures; asserts nothing.
import { conv2d, type Conv2dShape, type DspKernel } from '../src/dsplib/index.js';
import { qconv, type QConvShape } from '../src/dsplib/qconv.js';
import { qconvPack, type QConvData } from '../src/dsplib/qconv-pack.js';
import { QKERNELS, quantizeMultiplier } from '../src/bwdnn/quant/index.js';
import { assemble } from '../src/isa/index.js';
import { Simulator } from '../src/sim/index.js';
import { getTarget } from '../src/target/index.js';

const T = getTarget('bwdsp104x');
const filter = process.argv[2];
const c3 = (C: number, H: number, M: number, stride = 1): Conv2dShape => ({ C, H, W: H, M, kH: 3, kW: 3, stride, pad: 1 });
const ROWS: Array<{ name: string; sh: Conv2dShape }> = [
  { name: 'conv3x3 64->64 32x32', sh: c3(64, 32, 64) },
  { name: 'resnet20 conv3x3 16->16 32x32', sh: c3(16, 32, 16) },
  { name: 'resnet20 conv3x3 32->32 16x16', sh: c3(32, 16, 32) },
  { name: 'resnet20 conv3x3 16->32 32x32 s2', sh: c3(16, 32, 32, 2) },
  { name: 'vgg conv3x3 128->128 8x8', sh: c3(128, 8, 128) },
];

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

function runFp32(sh: Conv2dShape): { k: DspKernel; cycles: number } {
  const k = conv2d(sh, T), r = lcg(1);
  const sim = new Simulator(assemble(k.asm, { limits: T }), T);
  for (const inp of k.inputs) {
    const n = inp.rowPitch ? inp.shape[0]! * inp.rowPitch : inp.shape.reduce((a, b) => a * b, 1);
    sim.writeWords(inp.symbol, new Int32Array(Float32Array.from({ length: n }, () => r() - 0.5).buffer));
  }
  return { k, cycles: sim.runSync({ mode: 'fast' }).cycles };
}

function runQ(sh: QConvShape): { k: DspKernel; cycles: number; exact: boolean } {
  const r = lcg(sh.bits), half = sh.bits === 8 ? 128 : 32768;
  const val = (): number => Math.floor(r() * 2 * half) - half;
  const d: QConvData = {
    x: Array.from({ length: sh.C * sh.H * sh.W }, val), w: Array.from({ length: sh.M * sh.C * sh.kH * sh.kW }, val),
    bias: Array.from({ length: sh.M }, () => Math.floor((r() - 0.5) * 2 ** 16)),
    mult: Array.from({ length: sh.M }, () => quantizeMultiplier(2 ** ((sh.bits === 8 ? -14 : -30) + 4 * r()))), zx: 3, zy: -2,
  };
  const k = qconv(sh, T), p = k.params as Record<string, number>;
  const words = qconvPack(d, { ...sh, Hpp: p.Hpp!, Wpp: p.Wpp!, Kp: p.Kp! });
  const sim = new Simulator(assemble(k.asm, { limits: T }), T);
  sim.writeWords('x', words.x); sim.writeWords('w', words.w); sim.writeWords('q', words.q);
  const cycles = sim.runSync({ mode: 'fast' }).cycles;
  const dt = sh.bits === 8 ? 'int8' as const : 'int16' as const;
  const q = (zp: number) => ({ dtype: dt, quant: { scale: [1], zeroPoint: [zp] } });
  const ref = QKERNELS.get('Conv')!([{ shape: [1, sh.C, sh.H, sh.W], data: Int32Array.from(d.x) }], {
    node: { name: 'c', op: 'Conv', inputs: ['x'], output: 'y', from: [], requant: [...d.mult],
      attrs: { kernel_shape: [sh.kH, sh.kW], strides: [sh.stride, sh.stride], pads: [sh.pad, sh.pad, sh.pad, sh.pad] },
      weight: { dtype: 'int32', shape: [sh.M, sh.C, sh.kH, sh.kW], data: Int32Array.from(d.w) }, bias: { dtype: 'int32', shape: [sh.M], data: Int32Array.from(d.bias!) } },
    inputs: [q(d.zx)], output: q(d.zy),
  }).data;
  const y = sim.readWords('y', ref.length);
  let exact = true;
  for (let i = 0; i < ref.length; i++) if (y[i] !== ref[i]) { exact = false; break; }
  return { k, cycles, exact };
}

const blk = (k: DspKernel): string => `${k.params.R},${k.params.P},${k.params.Q}`;
console.log(`target ${T.name}: fp32 conv2d vs qconv int16 (mac16) / int8 (mac8), same layer; qconv checked bit-exact vs bwdnn quant Conv`);
console.log('| layer | fp32 cycles (block) | int16 cycles (block) | int16 speedup | int8 cycles (block) | int8 speedup | bit-exact |');
console.log('|---|---|---|---|---|---|---|');
for (const row of ROWS) {
  if (filter && !row.name.includes(filter)) continue;
  const f = runFp32(row.sh);
  const q16 = runQ({ ...row.sh, bits: 16 } as QConvShape), q8 = runQ({ ...row.sh, bits: 8 } as QConvShape);
  console.log(`| ${row.name} | ${f.cycles} (${blk(f.k)}) | ${q16.cycles} (${blk(q16.k)}) | ${(f.cycles / q16.cycles).toFixed(2)}x | ${q8.cycles} (${blk(q8.k)}) | ${(f.cycles / q8.cycles).toFixed(2)}x | ${q16.exact && q8.exact ? 'yes' : `NO (int16 ${q16.exact}, int8 ${q8.exact})`} |`);
}
