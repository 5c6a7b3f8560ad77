// dsplib deconv + depthwise efficiency: generates thesis-like ConvTranspose layers and depthwise
// 3x3 layers, runs them on the simulator (checked against the reference executor in the same run)
// and prints cycles, GFLOPS, useful-FLOP efficiency, MUL/ALU utilization, stalls and words moved.
// Run: npm run bench:dsplib-deconv [-- bwdsp100 [FILTER]] (FILTER: substring of the layer names to
// run; BWVM_DECONV_PAIR / _INTER / _GROUPED = 0|1 force a nest variant). Prints figures; asserts nothing.
import { run } from '../src/bwdnn/reference/index.js';
import { deconv, type DeconvShape, deconvWeights, depthwise, type DepthwiseShape, type DspKernel } from '../src/dsplib/index.js';
import { type Attrs, createGraph, inferShapes } from '../src/ir/index.js';
import { assemble } from '../src/isa/index.js';
import { Simulator } from '../src/sim/index.js';
import { getTarget, peakFlopsPerCycle } from '../src/target/index.js';

const T = getTarget(process.argv[2] ?? 'bwdsp104x');
const only = (name: string): boolean => name.includes(process.argv[3] ?? '');
const flag = (name: string): boolean | undefined => (process.env[name] === undefined ? undefined : process.env[name] !== '0');
const opts = Object.fromEntries(Object.entries({ pair: flag('BWVM_DECONV_PAIR'), interleave: flag('BWVM_DECONV_INTER'), grouped: flag('BWVM_DECONV_GROUPED') })
  .filter(([, v]) => v !== undefined));
const blockEnv = process.env['BWVM_DECONV_BLOCK']?.split(',').map(Number);
if (blockEnv) Object.assign(opts, { block: { R: blockEnv[0], P: blockEnv[1], Q: blockEnv[2] } });
const DECONV: Array<[string, DeconvShape]> = [
  ['deconv3x3 s2 64->32 16x16->32x32', { C: 64, H: 16, W: 16, M: 32, kH: 3, kW: 3, stride: 2, pad: 1, outPad: 1 }],
  ['deconv4x4 s2 64->32 16x16->32x32', { C: 64, H: 16, W: 16, M: 32, kH: 4, kW: 4, stride: 2, pad: 1 }],
  ['deconv4x4 s2 32->16 32x32->64x64', { C: 32, H: 32, W: 32, M: 16, kH: 4, kW: 4, stride: 2, pad: 1 }],
  ['deconv2x2 s2 64->32 16x16->32x32', { C: 64, H: 16, W: 16, M: 32, kH: 2, kW: 2, stride: 2, pad: 0 }],
  ['deconv3x3 s1 64->64 16x16', { C: 64, H: 16, W: 16, M: 64, kH: 3, kW: 3, stride: 1, pad: 1 }],
];
const DEPTHWISE: Array<[string, DepthwiseShape]> = [
  ['dw3x3 s1 64ch 32x32', { C: 64, H: 32, W: 32, stride: 1, pad: 1 }],
  ['dw3x3 s1 128ch 16x16', { C: 128, H: 16, W: 16, stride: 1, pad: 1 }],
  ['dw3x3 s2 64ch 32x32', { C: 64, H: 32, W: 32, stride: 2, pad: 1 }],
];

function rand(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 31 - 1; });
}

function reference(op: string, ins: Array<[number[], Float32Array]>, attrs: Attrs): Float32Array {
  const g = createGraph({
    inputs: ins.map(([shape], i) => ({ name: `i${i}`, dtype: 'float32', shape })), outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
    nodes: [{ name: 'n', op, inputs: ins.map((_, i) => `i${i}`), outputs: ['y'], attrs }],
  });
  inferShapes(g);
  return run(g, Object.fromEntries(ins.map(([shape, data], i) => [`i${i}`, { dtype: 'float32', shape, data }])))['y']!.data as Float32Array;
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return d / m;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
function row(name: string, k: DspKernel, feeds: Record<string, Float32Array>, ref: Float32Array, genMs: number, block: string): void {
  const sim = new Simulator(assemble(k.asm, { limits: T }), T);
  for (const [s, d] of Object.entries(feeds)) sim.setInput(s, d);
  const { cycles, profile } = sim.runSync({ mode: 'fast' });
  const y = sim.readOutput('y', k.outputs[0]!.shape.reduce((a, c) => a * c, 1));
  const st = profile.stalls, mem = profile.memory.chip;
  console.log(`| ${name} | ${block} | ${cycles} | ${((k.flops / cycles) * T.clockHz / 1e9).toFixed(2)} | ${pct(k.flops / (peakFlopsPerCycle(T) * cycles))} | ${pct(profile.utilization.MUL)} | ${pct(profile.utilization.ALU)} | ${st.dependency + st.bank + st.dma + st.branch} | ${mem.read + mem.written} (${((mem.read + mem.written) / cycles).toFixed(1)}/cyc) | ${maxRelErr(y, ref).toExponential(1)} | ${genMs.toFixed(0)} |`);
}

console.log(`target ${T.name}: peak ${peakFlopsPerCycle(T)} FLOP/cycle at ${T.clockHz / 1e6} MHz (thesis: 86.5% = 11.07 GFLOPS)`);
console.log('| layer | blocks | cycles | GFLOPS | efficiency | MUL util | ALU util | stalls | words moved | max rel err | gen ms |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [name, sh] of DECONV.filter(([n]) => only(n))) {
  const t0 = performance.now();
  const k = deconv(sh, T, opts);
  const genMs = performance.now() - t0;
  const x = rand(sh.C * sh.H * sh.W, 1), w = rand(sh.C * sh.M * sh.kH * sh.kW, 2), b = rand(sh.M, 3);
  const ref = reference('ConvTranspose', [[[1, sh.C, sh.H, sh.W], x], [[sh.C, sh.M, sh.kH, sh.kW], w], [[sh.M], b]],
    { kernel_shape: [sh.kH, sh.kW], strides: [sh.stride, sh.stride], pads: [sh.pad, sh.pad, sh.pad, sh.pad], output_padding: [sh.outPad ?? 0, sh.outPad ?? 0] });
  const blocks = [...new Set(Object.keys(k.params).filter((p) => p.startsWith('R')).map((p) => `${k.params[p]},${k.params['P' + p.slice(1)]},${k.params['Q' + p.slice(1)]}`))].join(' ');
  row(name, k, { x, w: deconvWeights(sh, w), b }, ref, genMs, blocks);
}
for (const [name, sh] of DEPTHWISE.filter(([n]) => only(n))) {
  const t0 = performance.now();
  const k = depthwise(sh, T);
  const genMs = performance.now() - t0;
  const x = rand(sh.C * sh.H * sh.W, 1), w = rand(sh.C * 9, 2), b = rand(sh.C, 3);
  const ref = reference('Conv', [[[1, sh.C, sh.H, sh.W], x], [[sh.C, 1, 3, 3], w], [[sh.C], b]],
    { kernel_shape: [3, 3], strides: [sh.stride, sh.stride], pads: [sh.pad, sh.pad, sh.pad, sh.pad], group: sh.C });
  row(name, k, { x, w, b }, ref, genMs, `${k.params.R},${k.params.P},1`);
}
