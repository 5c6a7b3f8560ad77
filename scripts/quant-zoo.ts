// The zoo accuracy table of docs/quantization.md (`npm run quant:zoo -- [names] [--limit N]
// [--calib N] [--qat-images N] [--qat-epochs E] [--threads T] [--out FILE]`): for each shipped
// checkpoint (fixtures/zoo), fp32 accuracy on the Fashion-MNIST test split, then int16 and int8
// post-training quantization (per-channel weights, min/max ranges from --calib training images)
// run on the bit-exact fixed-point reference, then int8 QAT (fake quantization, STE) on
// --qat-images training images and the re-lowered int8 model. Prints markdown rows, writes JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shippedCheckpoint, ZOO_RECIPES } from '../src/bwdnn/zoo/pretrained.js';
import { loadNative } from '../src/frontend/native/index.js';
import { evaluate } from '../src/bwdnn/train/index.js';
import { slice, type Dataset } from '../src/bwdnn/data/dataset.js';
import { DEBIAN_FASHION_MNIST, readFashionMnistDir } from '../src/bwdnn/data/fashion-mnist.js';
import { collectStats, lowerToInteger, quantizationAwareTrain } from '../src/compress/quant/index.js';
import { runQuantized, type QModel } from '../src/bwdnn/quant/index.js';
import type { Graph, Tensor } from '../src/ir/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'); // out/scripts/scripts -> repo
const argv = process.argv.slice(2);
const flag = (k: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv.splice(i, 2)[1] : undefined; };
const limit = Number(flag('limit') ?? 10000), calibN = Number(flag('calib') ?? 1000), threads = Number(flag('threads') ?? 1);
const qatImages = Number(flag('qat-images') ?? 5000), qatEpochs = Number(flag('qat-epochs') ?? 1);
const outFile = flag('out') ?? join(root, 'out', 'quant-zoo.json');
const names = argv.length ? argv : Object.keys(ZOO_RECIPES).filter((n) => shippedCheckpoint(n));

const asTensor = (d: Dataset): Tensor => ({ dtype: 'float32', shape: [d.n, ...d.shape], data: d.images });
const secs = (t0: number) => Math.round((performance.now() - t0) / 1000);

async function accuracyOf(g: Graph, test: Dataset, m?: QModel): Promise<number> {
  const o = m ? { forward: async (x: Tensor) => runQuantized(m, x, { engine: 'fast' }).output.data as Float32Array } : { engine: 'fast' as const, threads };
  return (await evaluate(g, test, o)).accuracy;
}

const rows: Record<string, unknown>[] = [];
for (const name of names) {
  const ck = shippedCheckpoint(name);
  if (!ck) throw new Error(`no shipped checkpoint for '${name}' in fixtures/zoo: train it first (npm run train:zoo -- ${name}; docs/zoo.md)`);
  const g = loadNative(ck.path);
  const norm = ck.record.normalization;
  const train = readFashionMnistDir(DEBIAN_FASHION_MNIST, 'train', norm);
  const test = slice(readFashionMnistDir(DEBIAN_FASHION_MNIST, 'test', norm), 0, limit);
  const calib = slice(train, train.n - calibN, calibN); // the last images: never used by QAT below
  const row: Record<string, unknown> = { model: name, testImages: test.n, calibImages: calib.n };
  let t0 = performance.now();
  row.fp32 = await accuracyOf(g, test);
  console.log(`${name}: fp32 ${row.fp32} (${secs(t0)} s)`);
  const stats = collectStats(g, asTensor(calib));
  const int8 = lowerToInteger(g, stats, { bits: 8, perChannel: true });
  for (const [bits, m] of [[16, lowerToInteger(g, stats, { bits: 16, perChannel: true })], [8, int8]] as const) {
    t0 = performance.now();
    row[`int${bits}`] = await accuracyOf(g, test, m);
    console.log(`${name}: int${bits} PTQ ${row[`int${bits}`]} (${secs(t0)} s)`);
  }
  t0 = performance.now();
  const qat = await quantizationAwareTrain(g, int8, slice(train, 0, qatImages), {
    epochs: qatEpochs, batchSize: 64, lr: 0.001, momentum: 0.9, schedule: 'cosine', seed: 1, threads,
    onStep: (p) => { if (p.step % 20 === 0) console.log(`  ${name} QAT step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)}`); },
  });
  const requant = lowerToInteger(qat.graph, collectStats(qat.graph, asTensor(calib)), { bits: 8, perChannel: true });
  row.qatInt8 = await accuracyOf(qat.graph, test, requant);
  row.qat = { images: qatImages, epochs: qatEpochs, steps: qat.history.steps, seconds: secs(t0) };
  console.log(`${name}: int8 QAT ${row.qatInt8} (${secs(t0)} s)`);
  rows.push(row);
}
const pct = (v: unknown) => `${(100 * (v as number)).toFixed(2)} %`;
console.log('\n| model | test images | fp32 | int16 PTQ | int8 PTQ | int8 QAT |\n|---|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.model} | ${r.testImages} | ${pct(r.fp32)} | ${pct(r.int16)} | ${pct(r.int8)} | ${pct(r.qatInt8)} |`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify({ date: new Date().toISOString(), rows }, null, 1) + '\n');
console.log(`wrote ${outFile}`);
