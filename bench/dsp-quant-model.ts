// Whole quantized models on the DSP: each zoo model in fp32 library mode (dsplib fp32 kernels) and
// as its int16 / int8 integer model (library mode: qpack + qconv / qdense, qmaxpool, qadd, qgap...)
// on the simulator, cycles per integer layer (the fp32 cycles of the float nodes it implements),
// every integer run checked BIT-EXACT against bwDNN's fixed-point reference. Prints markdown tables.
// Run: npm run bench:dsp-quant-model [-- filter]. Prints figures; asserts nothing (exit 1 on a mismatch).
import { fashionMnist, slice } from '../src/bwdnn/data/index.js';
import { zooModel } from '../src/bwdnn/zoo/index.js';
import { collectStats } from '../src/compress/quant/calibrate.js';
import { lowerToInteger } from '../src/compress/quant/lower.js';
import type { Graph, Tensor } from '../src/ir/types.js';
import { compileLibrary, runLibrary } from '../src/session/library.js';
import { loadZooModel } from '../src/session/models.js';
import { checkQuantizedRun, compileQuantizedLibrary, runQuantizedLibrary, type QLibraryRun } from '../src/session/qlibrary.js';
import { getTarget } from '../src/target/index.js';

const T = getTarget('bwdsp104x');
const filter = process.argv[2];
const wave = (shape: number[], seed: number): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => 2 * Math.sin(i * 0.731 + seed)) });

interface Row { name: string; graph: Graph; calib: Tensor; x: Float32Array }

function rows(): Row[] {
  const out: Row[] = [];
  if (!filter || 'lenet5'.includes(filter)) {
    const g = loadZooModel('lenet5').graph;
    const train = fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' }), test = fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' });
    const c = slice(train, train.n - 256, 256);
    out.push({ name: 'lenet5 (shipped checkpoint)', graph: g, calib: { dtype: 'float32', shape: [c.n, ...c.shape], data: c.images }, x: test.images.slice(0, 784) });
  }
  if (!filter || 'resnet20'.includes(filter)) {
    const g = zooModel('resnet20', { input: [3, 16, 16], width: 0.5 });
    out.push({ name: 'resnet20 (seeded, width 0.5, 3x16x16)', graph: g, calib: wave([16, 3, 16, 16], 1), x: wave([1, 3, 16, 16], 5).data as Float32Array });
  }
  return out;
}

let failed = false;
for (const row of rows()) {
  const fp = await runLibrary(compileLibrary(row.graph, T, 'O1'), T, { [row.graph.inputs[0]!.name]: row.x });
  const fpBy = new Map(fp.layers.map((l) => [l.node, l.cycles]));
  const stats = collectStats(row.graph, row.calib);
  const runs: Record<number, QLibraryRun> = {};
  for (const bits of [16, 8] as const) {
    const q = lowerToInteger(row.graph, stats, { bits, perChannel: true });
    const r = await runQuantizedLibrary(compileQuantizedLibrary(q, T), T, row.x);
    const c = checkQuantizedRun(q, r, row.x);
    process.stdout.write(`${row.name} int${bits}: ${c.mismatches} of ${c.outputs} integer outputs differ from the fixed-point reference${c.mismatches ? ' (FAILED)' : ' (bit-exact)'}\n`);
    if (c.mismatches) failed = true;
    runs[bits] = r;
  }
  const q8 = runs[8]!, q16 = runs[16]!;
  const fromOf = new Map(lowerToInteger(row.graph, stats, { bits: 8, perChannel: true }).nodes.map((n) => [n.name, n.from]));
  process.stdout.write(`\n### ${row.name} on ${T.name}\n\n| layer | op | fp32 cycles | int16 cycles | int8 cycles | int16 speedup | int8 speedup | int8 pack/clamp cycles |\n|---|---|---|---|---|---|---|---|\n`);
  const used = new Set<string>();
  const x = (a: number, b: number): string => (b ? `${(a / b).toFixed(2)}x` : 'n/a');
  q8.layers.forEach((l, i) => {
    const from = fromOf.get(l.node) ?? [l.node];
    const f = from.reduce((a, n) => a + (fpBy.get(n) ?? 0), 0);
    from.forEach((n) => used.add(n));
    const c16 = q16.layers[i]!.cycles;
    process.stdout.write(`| ${l.node} | ${l.op} | ${f} | ${c16} | ${l.cycles} | ${x(f, c16)} | ${x(f, l.cycles)} | ${l.helperCycles} |\n`);
  });
  const rest = fp.layers.filter((l) => !used.has(l.node));
  for (const l of rest) process.stdout.write(`| ${l.node} | ${l.op} (fp32 only) | ${l.cycles} | - | - | | | |\n`);
  const tot = (r: { profile: { cycles: number } }): number => r.profile.cycles;
  process.stdout.write(`| **total** (program) | | ${tot(fp)} | ${tot(q16)} | ${tot(q8)} | ${x(tot(fp), tot(q16))} | ${x(tot(fp), tot(q8))} | ${q8.layers.reduce((a, l) => a + l.helperCycles, 0)} |\n\n`);
}
if (failed) process.exitCode = 1;
