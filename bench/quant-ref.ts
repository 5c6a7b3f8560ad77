// Fixed-point reference benchmark (`npm run bench:quant-ref`): the bit-exact integer executor of
// src/bwdnn/quant, its reference engine (JavaScript kernels: what the DSP/C bit-exactness tests run)
// and its fast engine (Conv on WebAssembly: what quant:zoo and %quantize's accuracy run), on the shipped
// vgg_small and resnet20 checkpoints, int8 and int16 PTQ (per-channel), against onnxruntime-node
// running the same model's QDQ export (int8: QLinear/DequantizeLinear float kernels; int16: exact
// int64 subgraphs) side by side, on the same images. Prints ms per image, the ratio, and how many
// outputs the two agree on to within one output step; the fast engine's integer outputs must equal
// the reference's (checked, not timed). Env: BENCH_IMAGES (default 64), BENCH_REPS (3), BWVM_THREADS.
import { cpus, loadavg } from 'node:os';
import { shippedCheckpoint } from '../src/bwdnn/zoo/pretrained.js';
import { loadNative } from '../src/frontend/native/index.js';
import { fashionMnist, slice } from '../src/bwdnn/data/index.js';
import { collectStats, lowerToInteger, toQdqGraph } from '../src/compress/quant/index.js';
import { runQuantized } from '../src/bwdnn/quant/index.js';
import { ortRunner } from '../src/frontend/onnx/index.js';
import type { Tensor } from '../src/ir/types.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 64), REPS = Number(process.env.BENCH_REPS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (f: () => unknown): Promise<number> => {
  const ts: number[] = [];
  for (let r = 0; r < REPS; r++) { const t0 = performance.now(); await f(); ts.push(performance.now() - t0); }
  return median(ts);
};

console.log(`fixed-point reference vs onnxruntime QDQ, ${IMAGES} images, median of ${REPS}; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`);
console.log('| model | bits | reference ms/image | fast ms/image | fast speed-up | onnxruntime ms/image | fast / onnxruntime | outputs within one step |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const name of ['vgg_small', 'resnet20']) {
  const ck = shippedCheckpoint(name);
  if (!ck) throw new Error(`no shipped checkpoint for '${name}' (fixtures/zoo)`);
  const g = loadNative(ck.path);
  const d = fashionMnist({ split: 'test', subset: 'bundled', normalize: ck.record.normalization ?? 'standard' });
  const asTensor = (n0: number, n: number): Tensor => { const s = slice(d, n0, n); return { dtype: 'float32', shape: [s.n, ...s.shape], data: s.images }; };
  const stats = collectStats(g, asTensor(0, 64));
  const x = asTensor(64, IMAGES);
  for (const bits of [8, 16] as const) {
    const m = lowerToInteger(g, stats, { bits, perChannel: true });
    let ref: Float32Array | undefined;
    let refQ: Int32Array | undefined, fastQ: Int32Array | undefined;
    const tRef = await time(() => { const r = runQuantized(m, x); ref = r.output.data as Float32Array; refQ = r.q.data; });
    const tFast = await time(() => { fastQ = runQuantized(m, x, { engine: 'fast' }).q.data; });
    if (!refQ!.every((v, i) => v === fastQ![i])) throw new Error(`${name} int${bits}: the fast engine's outputs differ from the reference's`);
    const ort = await ortRunner(toQdqGraph(m));
    let viaOrt: Float32Array | undefined;
    const tOrt = await time(async () => { viaOrt = (await ort.run({ [g.inputs[0]!.name]: x }))[g.outputs[0]!.name]!.data as Float32Array; });
    await ort.release();
    const step = m.values.get(m.output.value)!.quant.scale[0]!;
    const close = ref!.filter((v, i) => Math.abs(v - viaOrt![i]!) <= step * 1.0001).length;
    console.log(`| ${name} | int${bits} | ${(tRef / IMAGES).toFixed(1)} | ${(tFast / IMAGES).toFixed(2)} | ${(tRef / tFast).toFixed(1)}x | ${(tOrt / IMAGES).toFixed(2)} | ${(tFast / tOrt).toFixed(1)}x | ${close} / ${ref!.length} |`);
  }
}
