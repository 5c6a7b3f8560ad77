// bwDNN kernel benchmark (`npm run bench:dnn`): GFLOPS of the WebAssembly kernels on 1 and 2
// threads, side by side with onnxruntime-node on the same single-op ONNX models (built with
// bwvm's IR + ONNX exporter), and the ratios. Medians of several runs; data stays resident.
// Env: BENCH_REPS (default 7), BENCH_ONLY (substring of a workload name).
import * as ort from 'onnxruntime-node';
import { createRuntime, type DnnRuntime } from '../src/bwdnn/kernels/runtime.js';
import { conv2dPtr, type ConvGeometry } from '../src/bwdnn/kernels/conv.js';
import { gemmPtr } from '../src/bwdnn/kernels/gemm.js';
import { createGraph } from '../src/ir/graph.js';
import { inferShapes } from '../src/ir/infer.js';
import { exportOnnx } from '../src/frontend/onnx/export.js';
import type { Attrs, Tensor } from '../src/ir/types.js';

interface Workload {
  name: string;
  flops: number;
  /** runs the bwDNN kernel once (inputs already in the runtime's memory) */
  prepare(rt: DnnRuntime): () => void;
  onnx(): { model: Uint8Array; feeds: Record<string, ort.Tensor> };
}

const REPS = Number(process.env.BENCH_REPS ?? 7);
const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
const tensor = (shape: number[]): Tensor => ({ dtype: 'float32', shape, data: rand(shape.reduce((a, b) => a * b, 1)) });

function singleOp(op: string, attrs: Attrs, inputs: { shape: number[]; init?: boolean }[]): { model: Uint8Array; feeds: Record<string, ort.Tensor> } {
  const g = createGraph({ name: op, opset: 13 });
  const feeds: Record<string, ort.Tensor> = {};
  const names = inputs.map((s, i) => {
    const name = `in${i}`;
    const t = tensor(s.shape);
    if (s.init) g.initializers.set(name, { name, ...t });
    else {
      g.inputs.push({ name, dtype: 'float32', shape: s.shape });
      feeds[name] = new ort.Tensor('float32', t.data as Float32Array, s.shape);
    }
    return name;
  });
  g.nodes.push({ name: `${op}_0`, op, inputs: names, outputs: ['out'], attrs });
  g.outputs = [{ name: 'out', dtype: 'float32', shape: [] }];
  inferShapes(g);
  return { model: exportOnnx(g), feeds };
}

function convWorkload(name: string, g: ConvGeometry): Workload {
  const groups = g.groups ?? 1;
  const OH = g.H, OW = g.W; // 3x3, pad 1, stride 1
  const wShape = [g.Cout, g.C / groups, g.kh, g.kw];
  return {
    name,
    flops: 2 * g.N * g.Cout * OH * OW * (g.C / groups) * g.kh * g.kw,
    prepare(rt) {
      const x = rt.upload(rand(g.N * g.C * g.H * g.W));
      const w = rt.upload(rand(wShape.reduce((a, b) => a * b, 1)));
      const b = rt.upload(rand(g.Cout));
      const y = rt.arena.alloc(g.N * g.Cout * OH * OW * 4);
      return () => { conv2dPtr(rt, g, x, w, b, y); };
    },
    onnx: () => singleOp('Conv', { kernel_shape: [g.kh, g.kw], pads: [1, 1, 1, 1], group: groups },
      [{ shape: [g.N, g.C, g.H, g.W] }, { shape: wShape, init: true }, { shape: [g.Cout], init: true }]),
  };
}

const S = 1024;
const workloads: Workload[] = [
  convWorkload('conv 3x3 64->64 32x32 N=32', { N: 32, C: 64, H: 32, W: 32, Cout: 64, kh: 3, kw: 3, pads: [1, 1, 1, 1] }),
  convWorkload('conv 3x3 1->32 28x28 N=64', { N: 64, C: 1, H: 28, W: 28, Cout: 32, kh: 3, kw: 3, pads: [1, 1, 1, 1] }),
  convWorkload('depthwise 3x3 C=128 32x32 N=32', { N: 32, C: 128, H: 32, W: 32, Cout: 128, kh: 3, kw: 3, pads: [1, 1, 1, 1], groups: 128 }),
  {
    name: 'GEMM 1024^3',
    flops: 2 * S * S * S,
    prepare(rt) {
      const a = rt.upload(rand(S * S)), b = rt.upload(rand(S * S)), c = rt.arena.alloc(S * S * 4);
      return () => gemmPtr(rt, { M: S, N: S, K: S, a, b, c });
    },
    onnx: () => singleOp('MatMul', {}, [{ shape: [S, S] }, { shape: [S, S], init: true }]),
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function spread(xs: number[]): string {
  const m = median(xs);
  return `±${((100 * (Math.max(...xs) - Math.min(...xs))) / 2 / m).toFixed(0)}%`;
}

/** Wall-clock ms and process CPU ms (all threads) of each run. */
interface Times { wall: number[]; cpu: number[] }
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

function timeSync(fn: () => void): Times {
  fn(); fn();
  const t: Times = { wall: [], cpu: [] };
  for (let i = 0; i < REPS; i++) {
    const c0 = cpuMs(), t0 = performance.now();
    fn();
    t.wall.push(performance.now() - t0); t.cpu.push(cpuMs() - c0);
  }
  return t;
}

async function timeOrt(w: Workload, threads: number): Promise<Times> {
  const { model, feeds } = w.onnx();
  const sess = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' });
  await sess.run(feeds); await sess.run(feeds);
  const t: Times = { wall: [], cpu: [] };
  for (let i = 0; i < REPS; i++) {
    const c0 = cpuMs(), t0 = performance.now();
    await sess.run(feeds);
    t.wall.push(performance.now() - t0); t.cpu.push(cpuMs() - c0);
  }
  await sess.release();
  return t;
}

async function main(): Promise<void> {
  // GFLOPS from wall time; in brackets per CPU-second (flops / process CPU time: robust to a
  // loaded machine, and for 2 threads the per-thread efficiency, spinning included)
  const rows: string[][] = [['workload', 'threads', 'simd ms', 'GFLOPS [/cpu-s]', 'relaxed ms', 'GFLOPS [/cpu-s]', 'ORT ms', 'GFLOPS [/cpu-s]', 'ORT/relaxed time']];
  const plain = [createRuntime({ threads: 1, relaxed: 'off' }), createRuntime({ threads: 2, relaxed: 'off' })];
  const relaxed = [createRuntime({ threads: 1, relaxed: 'auto' }), createRuntime({ threads: 2, relaxed: 'auto' })];
  console.log(`bwDNN kernels: ${relaxed[0].variant} build active with auto; ${REPS} reps, median (± half range)`);
  const only = process.env.BENCH_ONLY; // run only workloads whose name contains this
  for (const w of workloads.filter((x) => !only || x.name.includes(only))) {
    for (const threads of [1, 2]) {
      const tp = timeSync(w.prepare(plain[threads - 1]));
      const tr = timeSync(w.prepare(relaxed[threads - 1]));
      const to = await timeOrt(w, threads);
      const gf = (t: Times) => `${(w.flops / median(t.wall) / 1e6).toFixed(1)} [${(w.flops / median(t.cpu) / 1e6).toFixed(1)}]`;
      const ms = (t: Times) => `${median(t.wall).toFixed(2)} ${spread(t.wall)}`;
      rows.push([w.name, String(threads), ms(tp), gf(tp), ms(tr), gf(tr), ms(to), gf(to), (median(to.wall) / median(tr.wall)).toFixed(2)]);
    }
    for (const rt of [...plain, ...relaxed]) rt.arena.reset();
  }
  // fork-join cost of the pool: an empty kernel on both threads, spinning workers vs sleeping ones
  for (const spin of [200, 50, 0]) {
    const rt = createRuntime({ threads: 2, relaxed: 'off', spinMicros: spin });
    const lat: number[] = [];
    for (let i = 0; i < 200; i++) {
      if (spin === 0) await new Promise((r) => setTimeout(r, 1)); // let the worker fall asleep
      const t0 = performance.now();
      rt.parallel('activation', [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]);
      lat.push((performance.now() - t0) * 1000);
    }
    console.log(`fork-join, 2 threads, ${spin ? `worker spinning up to ${spin} us` : 'sleeping worker'}: median ${median(lat).toFixed(1)} us`);
    rt.close();
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((s, c) => s.padEnd(widths[c])).join('  '));
  for (const rt of [...plain, ...relaxed]) rt.close();
}

await main();
