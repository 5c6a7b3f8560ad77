// dsplib conv efficiency: generates conv layers (thesis-like 3x3, 1x1, 5x5, 7x7, stride 2, a batch,
// a fused residual+ReLU epilogue, the conv layers of vgg_small / resnet20 / plain20 at 32x32x3 and
// a CIFAR-size VGG), falling back to the DDR-tiled kernel when a layer does not fit on-chip (or
// when the row asks for it), runs each on the simulator checked against the reference executor,
// and prints cycles, GFLOPS, % of peak, unit utilization, stalls and memory words moved.
// Run: npm run bench:dsplib [-- bwdsp100] [-- filter]. Prints figures; asserts nothing.
import { conv2d, type Conv2dOptions, type Conv2dShape, conv2dTiled, type DspKernel, layoutData } from '../src/dsplib/index.js';
import { type Tensor } from '../src/ir/index.js';
import { assemble } from '../src/isa/index.js';
import { Simulator } from '../src/sim/index.js';
import { getTarget, peakFlops, peakFlopsPerCycle } from '../src/target/index.js';
import { maxRelErr, rand, reference } from './dsplib-check.js';

const T = getTarget(process.argv[2] && !process.argv[2].includes(' ') && process.argv[2].startsWith('bwdsp') ? process.argv[2] : 'bwdsp104x');
const filter = process.argv.find((a, i) => i >= 2 && !a.startsWith('bwdsp'));
const c3 = (C: number, H: number, M: number, stride = 1): Conv2dShape => ({ C, H, W: H, M, kH: 3, kW: 3, stride, pad: 1 });
const c1 = (C: number, H: number, M: number, stride = 1): Conv2dShape => ({ C, H, W: H, M, kH: 1, kW: 1, stride, pad: 0 });
interface Row { name: string; sh: Conv2dShape; o?: Conv2dOptions; tiled?: boolean }
const ROWS: Row[] = [
  { name: 'conv3x3 16->16 32x32', sh: c3(16, 32, 16) }, { name: 'conv3x3 32->32 16x16', sh: c3(32, 16, 32) },
  { name: 'conv3x3 64->64 8x8', sh: c3(64, 8, 64) }, { name: 'conv3x3 64->64 32x32', sh: c3(64, 32, 64) },
  { name: 'conv3x3 16->32 32x32 s2', sh: c3(16, 32, 32, 2) }, { name: 'conv1x1 64->64 8x8', sh: c1(64, 8, 64) },
  { name: 'conv5x5 32->32 16x16 p2', sh: { C: 32, H: 16, W: 16, M: 32, kH: 5, kW: 5, stride: 1, pad: 2 } },
  { name: 'conv7x7 3->32 32x32 s2 p3 (stem)', sh: { C: 3, H: 32, W: 32, M: 32, kH: 7, kW: 7, stride: 2, pad: 3 } },
  { name: 'conv3x3 16->16 16x16 N=4', sh: { ...c3(16, 16, 16), N: 4 } },
  { name: 'conv3x3 32->32 16x16 +addend +relu', sh: c3(32, 16, 32), o: { addend: true, activation: 'relu' } },
  { name: 'tiled conv3x3 64->64 64x64 (DDR)', sh: c3(64, 64, 64), tiled: true },
  { name: 'tiled conv3x3 128->128 32x32 (DDR)', sh: c3(128, 32, 128), tiled: true },
  { name: 'tiled conv3x3 64->64 32x32 (DDR)', sh: c3(64, 32, 64), tiled: true },
  // vgg_small at 32x32x3 (conv-BN-ReLU: BN folded, ReLU fused)
  { name: 'vgg_small 3->32 32x32', sh: c3(3, 32, 32), o: { activation: 'relu' } }, { name: 'vgg_small 32->32 32x32', sh: c3(32, 32, 32), o: { activation: 'relu' } },
  { name: 'vgg_small 32->64 16x16', sh: c3(32, 16, 64), o: { activation: 'relu' } }, { name: 'vgg_small 64->64 16x16', sh: c3(64, 16, 64), o: { activation: 'relu' } },
  { name: 'vgg_small 64->128 8x8', sh: c3(64, 8, 128), o: { activation: 'relu' } }, { name: 'vgg_small 128->128 8x8', sh: c3(128, 8, 128), o: { activation: 'relu' } },
  // resnet20 / plain20 at 32x32x3: distinct conv shapes (each stage repeats its 3x3 layer)
  { name: 'resnet20 3->16 32x32', sh: c3(3, 32, 16), o: { activation: 'relu' } }, { name: 'resnet20 16->16 32x32 (+add relu)', sh: c3(16, 32, 16), o: { addend: true, activation: 'relu' } },
  { name: 'resnet20 16->32 32x32 s2', sh: c3(16, 32, 32, 2), o: { activation: 'relu' } }, { name: 'resnet20 32->32 16x16', sh: c3(32, 16, 32), o: { activation: 'relu' } },
  { name: 'resnet20 32->64 16x16 s2', sh: c3(32, 16, 64, 2), o: { activation: 'relu' } }, { name: 'resnet20 64->64 8x8', sh: c3(64, 8, 64), o: { activation: 'relu' } },
  { name: 'resnet20 1x1 16->32 32x32 s2', sh: c1(16, 32, 32, 2) }, { name: 'resnet20 1x1 32->64 16x16 s2', sh: c1(32, 16, 64, 2) },
  // CIFAR-size VGG
  { name: 'VGG 64->64 32x32', sh: c3(64, 32, 64) }, { name: 'VGG 128->128 16x16', sh: c3(128, 16, 128) },
  { name: 'VGG 256->256 8x8', sh: c3(256, 8, 256) }, { name: 'VGG 512->512 4x4', sh: c3(512, 4, 512) },
];

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const kw = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : `${n}`);
console.log(`target ${T.name}: peak ${peakFlopsPerCycle(T)} FLOP/cycle = ${(peakFlops(T) / 1e9).toFixed(1)} GFLOPS at ${T.clockHz / 1e6} MHz (thesis: 86.5% = 11.07 GFLOPS)`);
console.log('| layer | kernel | block R,P,Q | tiles | cycles | GFLOPS | % peak | MUL util | ALU util | stalls dep/bank/dma | on-chip words r/w | DDR words r/w | max rel err | gen ms |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of ROWS) {
  if (filter && !row.name.includes(filter)) continue;
  const { sh } = row, o = row.o ?? {}, N = sh.N ?? 1;
  const t0 = performance.now();
  let k: DspKernel;
  try { k = row.tiled ? conv2dTiled(sh, T, o) : conv2d(sh, T, o); } catch (e) {
    if ((e as { code?: string }).code !== 'DSPLIB_NO_MEMORY' || o.addend) { console.log(`| ${row.name} | ${(e as Error).message.slice(0, 80)} |`); continue; }
    k = conv2dTiled(sh, T, o);
  }
  const genMs = performance.now() - t0;
  const sim = new Simulator(assemble(k.asm, { limits: T }), T);
  const [OH, OW] = [k.outputs[0]!.shape[2]!, k.outputs[0]!.shape[3]!];
  const x = rand(N * sh.C * sh.H * sh.W, 1), w = rand(sh.M * sh.C * sh.kH * sh.kW, 2), b = rand(sh.M, 3), ad = rand(N * sh.M * OH * OW, 4);
  sim.setInput('x', x); sim.setInput('w', layoutData(k.inputs[1]!, w)); sim.setInput('b', b);
  if (o.addend) sim.setInput('addend', ad);
  const { cycles, profile } = sim.runSync({ mode: 'fast' });
  const y = sim.readOutput('y', k.outputs[0]!.shape.reduce((a, c) => a * c, 1));
  const tn = (shape: number[], data: Float32Array): Tensor => ({ dtype: 'float32', shape, data });
  const ref = reference(sh, o, {
    x: tn([N, sh.C, sh.H, sh.W], x), w: tn([sh.M, sh.C, sh.kH, sh.kW], w), b: tn([sh.M], b), ...(o.addend ? { addend: tn([N, sh.M, OH, OW], ad) } : {}),
  });
  const eff = k.flops / (peakFlopsPerCycle(T) * cycles);
  const st = profile.stalls, pr = k.params, mem = profile.memory;
  const tiles = k.name === 'conv2d_tiled' ? `${pr.bands}x${pr.groups} (TH ${pr.TH}, MG ${pr.MG}${pr.wResident ? ', w resident' : ''})` : N > 1 ? `N=${N}` : '-';
  console.log(`| ${row.name} | ${k.name} | ${pr.R},${pr.P},${pr.Q} | ${tiles} | ${cycles} | ${((k.flops / cycles) * T.clockHz / 1e9).toFixed(2)} | ${pct(eff)} | ${pct(profile.utilization.MUL)} | ${pct(profile.utilization.ALU)} | ${st.dependency}/${st.bank}/${st.dma} | ${kw(mem.chip.read)}/${kw(mem.chip.written)} | ${kw(mem.ddr.read)}/${kw(mem.ddr.written)} | ${maxRelErr(y, ref).toExponential(1)} | ${genMs.toFixed(0)} |`);
}
