// Compiler benchmark: for each zoo model, generated mode (fused, inlined kernels, planned memory)
// vs library mode (one dsplib call per node) on the cycle-level simulator: total cycles, % of peak,
// MUL/ALU utilization, on-chip words moved, activation memory, compile time; outputs checked against
// the reference executor. Run: npm run bench:compiler (BENCH_WIDTH, BENCH_HW (vgg_small), BENCH_RESNET_HW
// (plain20, resnet20) to resize; BENCH_ONLY=name-prefix picks rows; BENCH_LAYERS=1 adds a per-layer
// table of generated mode: cycles, % of the network, % peak, words). Asserts nothing.
import { run as reference } from '../src/bwdnn/reference/index.js';
import { zooModel } from '../src/bwdnn/zoo/index.js';
import { compileGenerated, compileLibrary, runLibrary, runTotals } from '../src/session/library.js';
import { getTarget } from '../src/target/index.js';

const T = getTarget(process.env.BENCH_TARGET ?? 'bwdsp104x');
const WIDTH = Number(process.env.BENCH_WIDTH ?? 0.25);
const HW = Number(process.env.BENCH_HW ?? 32);
// the CIFAR nets (plain20, resnet20) at 32x32 by default (their last stage's global pool is 8x8)
const RHW = Number(process.env.BENCH_RESNET_HW ?? 32);
const ONLY = process.env.BENCH_ONLY;
const LAYERS = process.env.BENCH_LAYERS === '1';
const MODELS: Array<[string, () => ReturnType<typeof zooModel>, number[]]> = [
  ['lenet5', () => zooModel('lenet5'), [1, 1, 28, 28]],
  [`vgg_small w=${WIDTH} ${HW}x${HW}`, () => zooModel('vgg_small', { input: [3, HW, HW], width: WIDTH }), [1, 3, HW, HW]],
  [`plain20 w=${WIDTH} ${RHW}x${RHW}`, () => zooModel('plain20', { input: [3, RHW, RHW], width: WIDTH }), [1, 3, RHW, RHW]],
  [`resnet20 w=${WIDTH} ${RHW}x${RHW}`, () => zooModel('resnet20', { input: [3, RHW, RHW], width: WIDTH }), [1, 3, RHW, RHW]],
  // MobileNet-style net on Fashion-MNIST-size input (its shipped recipe's 1x28x28; the 7x7 global pool)
  [`mobilenet w=${WIDTH} 28x28`, () => zooModel('mobilenet', { input: [1, 28, 28], width: WIDTH }), [1, 1, 28, 28]],
  // BENCH_DDR=1: a CIFAR VGG whose filters (1.19M words) exceed on-chip memory: generated mode tiles them from DDR
  ...(process.env.BENCH_DDR ? [['vgg_small w=2 32x32 (filters > on-chip)', () => zooModel('vgg_small', { input: [3, 32, 32], width: 2 }), [1, 3, 32, 32]] as [string, () => ReturnType<typeof zooModel>, number[]]] : []),
];

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 31 - 1; }
  return out;
}
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return m ? d / m : d;
}
/** Generated mode's activation memory: arena words, the values' liveness lower bound, dedicated hand-off buffers apart. */
const actMemory = (gm: ReturnType<typeof compileGenerated>): string =>
  `${gm.plan.arenaWords} (liveness bound ${gm.plan.lowerBoundWords}${gm.plan.dedicatedWords ? `, +${gm.plan.dedicatedWords} dedicated hand-off words` : ''})`;
const pct = (x: number): string => (100 * x).toFixed(1);
const rel = (g: number, b: number): string => `${g >= b ? '+' : ''}${(100 * (g / b - 1)).toFixed(1)} %`;

console.log(`target ${T.name}; cycles, % of peak FLOPs, MUL/ALU utilization, on-chip words moved (loads+stores), compile ms\n`);
console.log('| model | mode | layers | cycles | % peak | MUL % | ALU % | words moved | act. memory (words) | compile ms | max rel err |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
const summary: string[] = [], layerTables: string[] = [];
for (const [name, build, shape] of MODELS.filter(([n]) => !ONLY || n.startsWith(ONLY))) {
  const g = build();
  const x = rand(shape.reduce((a, b) => a * b, 1), 3);
  const inName = g.inputs[0]!.name, outName = g.outputs[0]!.name;
  const want = reference(g, { [inName]: { dtype: 'float32', shape, data: x } })[outName]!.data as Float32Array;
  let t0 = performance.now();
  let lm: ReturnType<typeof compileLibrary> | undefined, libErr = '';
  try { lm = compileLibrary(g, T); } catch (e) { libErr = String((e as Error).message).split('\n')[0]!.slice(0, 120); } // (library mode stages whole layers)
  const libMs = performance.now() - t0;
  t0 = performance.now();
  const gm = compileGenerated(g, T);
  const genMs = performance.now() - t0;
  const gen = await runLibrary(gm, T, { [inName]: x });
  const q = runTotals(gen);
  if (!lm) {
    console.log(`| ${name} | library | - | fails: ${libErr} | | | | | | ${libMs.toFixed(0)} | |`);
    console.log(`| ${name} | generated | ${gm.layers.length} | ${q.cycles} | ${pct(q.efficiency)} | ${pct(q.mulUtil)} | ${pct(q.aluUtil)} | ${q.words} | ${actMemory(gm)} | ${genMs.toFixed(0)} | ${relErr(gen.outputs[outName]!, want).toExponential(1)} |`);
    summary.push(`${name}: generated mode streams ${gm.tiling.ddrIn} filter words from DDR in ${gm.tiling.tiles} tiles (DMA read ${gen.profile.memory.ddr.read}, DMA stalls ${gen.profile.stalls.dma ?? 0} cycles); library mode fails`);
    continue;
  }
  const lib = await runLibrary(lm, T, { [inName]: x });
  const b = runTotals(lib);
  const libAct = lm.memory.peakWords - lm.memory.staticWords; // first-fit top above weights and call statics
  console.log(`| ${name} | library | ${lm.layers.length} | ${b.cycles} | ${pct(b.efficiency)} | ${pct(b.mulUtil)} | ${pct(b.aluUtil)} | ${b.words} | ${libAct} (first-fit) | ${libMs.toFixed(0)} | ${relErr(lib.outputs[outName]!, want).toExponential(1)} |`);
  console.log(`| ${name} | generated | ${gm.layers.length} | ${q.cycles} | ${pct(q.efficiency)} | ${pct(q.mulUtil)} | ${pct(q.aluUtil)} | ${q.words} | ${actMemory(gm)} | ${genMs.toFixed(0)} | ${relErr(gen.outputs[outName]!, want).toExponential(1)} |`);
  if (LAYERS) {
    const rows = gen.profile.regions.map((r) => `| ${r.name} | ${gm.layers.find((l) => l.node === r.name)?.op ?? ''} | ${r.cycles} | ${pct(r.cycles / q.cycles)} | ${pct(r.efficiency)} | ${r.words.read + r.words.written} |`);
    layerTables.push(`\n${name}, generated mode per layer:\n\n| layer | ops | cycles | % of cycles | % peak | words moved |\n|---|---|---|---|---|---|\n${rows.join('\n')}`);
  }
  if (gm.tiling.ddrIn) summary.push(`${name}: generated mode streams ${gm.tiling.ddrIn} filter words from DDR in ${gm.tiling.tiles} tiles (DMA read ${gen.profile.memory.ddr.read}, DMA stalls ${gen.profile.stalls.dma ?? 0} cycles); library mode DMA read ${lib.profile.memory.ddr.read}`);
  summary.push(`${name}: cycles ${rel(q.cycles, b.cycles)}, MUL utilization ${pct(q.mulUtil - b.mulUtil)} points (${rel(q.mulUtil, b.mulUtil)}), words moved ${rel(q.words, b.words)}`);
}
console.log(`\ngenerated vs library:\n${summary.join('\n')}`);
if (LAYERS) console.log(layerTables.join('\n'));
