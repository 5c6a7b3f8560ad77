// dsplib efficiency: generates the thesis-like conv 3x3 layers (CIFAR VGG / resnet20 shapes),
// runs them on the simulator (checked against the reference Conv) and prints cycles, useful FLOP
// efficiency vs the target's peak, unit utilization, stalls and the padded-copy overhead.
// Run: npm run bench:dsplib [-- bwdsp100]. Prints figures; asserts nothing.
import { run } from '../src/bwdnn/reference/index.js';
import { conv2d, type Conv2dShape, layoutData } from '../src/dsplib/index.js';
import { createGraph, inferShapes } from '../src/ir/index.js';
import { assemble } from '../src/isa/index.js';
import { Simulator } from '../src/sim/index.js';
import { getTarget, peakFlops, peakFlopsPerCycle } from '../src/target/index.js';

const T = getTarget(process.argv[2] ?? 'bwdsp104x');
const LAYERS: Array<[string, Conv2dShape]> = [
  ['conv3x3 16->16 32x32', { C: 16, H: 32, W: 32, M: 16, kH: 3, kW: 3, stride: 1, pad: 1 }],
  ['conv3x3 32->32 16x16', { C: 32, H: 16, W: 16, M: 32, kH: 3, kW: 3, stride: 1, pad: 1 }],
  ['conv3x3 64->64 8x8', { C: 64, H: 8, W: 8, M: 64, kH: 3, kW: 3, stride: 1, pad: 1 }],
  ['conv3x3 64->64 32x32', { C: 64, H: 32, W: 32, M: 64, kH: 3, kW: 3, stride: 1, pad: 1 }],
  ['conv3x3 16->32 32x32 s2', { C: 16, H: 32, W: 32, M: 32, kH: 3, kW: 3, stride: 2, pad: 1 }],
  ['conv1x1 64->64 8x8', { C: 64, H: 8, W: 8, M: 64, kH: 1, kW: 1, stride: 1, pad: 0 }],
];

function rand(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 31 - 1; });
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return d / m;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
console.log(`target ${T.name}: peak ${peakFlopsPerCycle(T)} FLOP/cycle = ${(peakFlops(T) / 1e9).toFixed(1)} GFLOPS at ${T.clockHz / 1e6} MHz (thesis: 86.5% = 11.07 GFLOPS)`);
console.log('| layer | block R,P,Q | cycles | GFLOPS | efficiency | MUL util | ALU util | stalls | copy-in | max rel err | gen ms |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [name, sh] of LAYERS) {
  const t0 = performance.now();
  const k = conv2d(sh, T);
  const genMs = performance.now() - t0;
  const sim = new Simulator(assemble(k.asm, { limits: T }), T);
  const x = rand(sh.C * sh.H * sh.W, 1), w = rand(sh.M * sh.C * sh.kH * sh.kW, 2), b = rand(sh.M, 3);
  sim.setInput('x', x); sim.setInput('w', layoutData(k.inputs[1]!, w)); sim.setInput('b', b);
  const { cycles, profile } = sim.runSync({ mode: 'fast' });
  const y = sim.readOutput('y', k.outputs[0]!.shape.reduce((a, c) => a * c, 1));
  const g = createGraph({
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, sh.C, sh.H, sh.W] }, { name: 'w', dtype: 'float32', shape: [sh.M, sh.C, sh.kH, sh.kW] }, { name: 'b', dtype: 'float32', shape: [sh.M] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
    nodes: [{ name: 'conv', op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { kernel_shape: [sh.kH, sh.kW], strides: [sh.stride, sh.stride], pads: [sh.pad, sh.pad, sh.pad, sh.pad] } }],
  });
  inferShapes(g);
  const ref = run(g, {
    x: { dtype: 'float32', shape: [1, sh.C, sh.H, sh.W], data: x }, w: { dtype: 'float32', shape: [sh.M, sh.C, sh.kH, sh.kW], data: w },
    b: { dtype: 'float32', shape: [sh.M], data: b },
  })['y']!.data as Float32Array;
  const eff = k.flops / (peakFlopsPerCycle(T) * cycles);
  const copy = k.params.copyIn ? profile.regions.find((r) => r.name === 'main')?.cycles ?? 0 : 0;
  const st = profile.stalls;
  console.log(`| ${name} | ${k.params.R},${k.params.P},${k.params.Q} | ${cycles} | ${((k.flops / cycles) * T.clockHz / 1e9).toFixed(2)} | ${pct(eff)} | ${pct(profile.utilization.MUL)} | ${pct(profile.utilization.ALU)} | ${st.dependency + st.bank + st.dma + st.branch} | ${pct(copy / cycles)} | ${maxRelErr(y, ref).toExponential(1)} | ${genMs.toFixed(0)} |`);
}
