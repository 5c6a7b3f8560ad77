// bwDNN benchmark (`npm run bench:dnn`): GFLOPS of bwDNN's WebAssembly kernels (plain SIMD and
// relaxed-SIMD builds) on 1 and 2 threads, side by side in one run with onnxruntime-node,
// tfjs-backend-wasm (XNNPACK) and PyTorch (/usr/bin/python3, bench/peers/dnn_torch.py), with
// ratios; prints a text table and the same as Markdown. Workloads: bench/dnn-workloads.ts.
// Env: BENCH_REPS (max runs per cell, default 7), BENCH_ONLY (comma list of substrings of workload names),
// BENCH_PEERS (comma list of ort,tfjs,torch; default all), BENCH_CLOCK=cpu (time by the CPU time
// of the process running the workload, robust on a shared machine; default wall).
import * as ort from 'onnxruntime-node';
import { createRuntime } from '../src/bwdnn/kernels/runtime.js';
import { WORKLOADS, type Workload } from './dnn-workloads.js';
import { tfjsWasm } from './dnn-tfjs.js';
import { torchTimings, type TorchRun } from './dnn-torch.js';

const REPS = Number(process.env.BENCH_REPS ?? 7);
const ONLY = process.env.BENCH_ONLY ?? '';
const ONLY_LIST = ONLY.split(',').map((s) => s.trim());
const PEERS = new Set((process.env.BENCH_PEERS ?? 'ort,tfjs,torch').split(','));
const CLOCK = process.env.BENCH_CLOCK === 'cpu' ? 'cpu' : 'wall';
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const now = () => (CLOCK === 'cpu' ? cpuMs() : performance.now());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median ms of up to REPS runs after a warm-up; fewer runs when one run is slow (~3 s per cell). */
async function time(fn: () => unknown): Promise<number> {
  let t0 = performance.now();
  await fn();
  const first = performance.now() - t0;
  if (first < 1000) await fn();
  const reps = Math.max(1, Math.min(REPS, Math.ceil(3000 / first)));
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    t0 = now();
    await fn();
    ms.push(now() - t0);
  }
  return median(ms);
}

async function ortMs(w: Workload, threads: number): Promise<number | undefined> {
  if (!w.onnx || !PEERS.has('ort')) return undefined;
  const { model, feeds } = w.onnx();
  const sess = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' });
  const ms = await time(() => sess.run(feeds));
  await sess.release();
  return ms;
}

async function tfjsMs(w: Workload): Promise<number | string | undefined> {
  if (!w.tfjs || !PEERS.has('tfjs')) return undefined;
  try {
    return await time(w.tfjs());
  } catch (e) {
    return `fails: ${String((e as Error).message).slice(0, 60)}`;
  }
}

/** PyTorch timings for every BENCH_ONLY item (the Python side takes one substring), merged. */
function torchRuns(threads: number): TorchRun | { error: string } {
  let merged: TorchRun | undefined;
  for (const o of ONLY_LIST) {
    const r = torchTimings(threads, Math.min(REPS, 5), o, CLOCK);
    if (!('version' in r)) return r;
    merged = merged ? { version: r.version, ms: { ...merged.ms, ...r.ms } } : r;
  }
  return merged!;
}

type Cell = number | string | undefined;
const gf = (w: Workload, ms: Cell) => (typeof ms === 'number' ? (w.flops / ms / 1e6).toFixed(1) : typeof ms === 'string' ? ms : '-');
const msStr = (ms: Cell) => (typeof ms === 'number' ? ms.toFixed(ms < 10 ? 2 : 1) : '-');
const ratio = (bw: number, peer: Cell) => (typeof peer === 'number' ? (peer / bw).toFixed(2) : '-');

async function main(): Promise<void> {
  const workloads = WORKLOADS.filter((w) => ONLY_LIST.some((o) => w.name.includes(o)));
  const tfInfo = PEERS.has('tfjs') ? await tfjsWasm() : 'not run';
  const torch: (TorchRun | { error: string } | undefined)[] = [1, 2].map((t) => (PEERS.has('torch') ? torchRuns(t) : undefined));
  const t1 = torch[0];
  const torchInfo = !t1 ? 'PyTorch: not run' : 'version' in t1 ? `PyTorch ${t1.version}` : `PyTorch: ${t1.error}`;
  const runtimes = [1, 2].map((threads) => ({ plain: createRuntime({ threads, relaxed: 'off' }), relaxed: createRuntime({ threads, relaxed: 'auto' }) }));
  console.log(`bwDNN ${runtimes[0]!.relaxed.variant} build with relaxed=auto; ${tfInfo}; ${torchInfo}; onnxruntime-node; training: fast engine`);
  console.log(`median of up to ${REPS} runs; GFLOPS from ${CLOCK === 'cpu' ? 'process CPU time (for 2 threads: per CPU-second, i.e. per thread)' : 'wall time'}; ratios = peer time / best bwDNN time (> 1: bwDNN faster)`);
  const head = ['workload', 'thr', 'bwDNN simd GF', 'bwDNN relaxed GF', 'ORT GF', 'tfjs-wasm GF', 'PyTorch GF', 'bw ms', 'vs ORT', 'vs tfjs', 'vs PyTorch'];
  const rows: string[][] = [];
  for (const w of workloads) {
    for (const threads of [1, 2]) {
      const rt = runtimes[threads - 1]!;
      const relaxed = await time(w.prepare(rt.relaxed));
      const plain = w.oneBuild ? undefined : await time(w.prepare(rt.plain));
      const best = Math.min(relaxed, plain ?? Infinity);
      const o = await ortMs(w, threads);
      const tf = threads === 1 ? await tfjsMs(w) : undefined; // single-threaded in Node: one row
      const tr = torch[threads - 1];
      const pt: Cell = tr && 'ms' in tr ? (tr.ms[w.name] ? median(tr.ms[w.name]!) : undefined) : undefined;
      rows.push([w.name, String(threads), w.oneBuild ? '=' : gf(w, plain), gf(w, relaxed), gf(w, o), gf(w, tf), gf(w, pt), msStr(best), ratio(best, o), ratio(best, tf), ratio(best, pt)]);
      console.log(rows[rows.length - 1]!.join(' | '));
      rt.plain.arena.reset(); rt.relaxed.arena.reset();
    }
  }
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  console.log('');
  for (const r of all) console.log(r.map((s, c) => s.padEnd(widths[c]!)).join('  '));
  console.log('\n' + [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n'));
  for (const rt of runtimes) { rt.plain.close(); rt.relaxed.close(); }
}

await main();
