// Training benchmark (`npm run bench:train`): one training step (forward tape, cross-entropy,
// backward, SGD momentum) of the zoo's lenet5 / vgg_small / resnet20 at N=64 on the reference
// (JavaScript) and fast (WebAssembly, 1 and 2 threads) engines, conv backward GFLOPS, and
// PyTorch (/usr/bin/python3, bench/peers/train_torch.py) side by side; per-op profile with
// BENCH_PROFILE=1 (CPU time, 1 thread); epoch time on 60,000 images extrapolated. Env: BENCH_REPS (default 5),
// BENCH_REFERENCE=0 skips the slow reference engine (BENCH_REFERENCE=all also runs vgg/resnet on it),
// BENCH_TORCH=0 skips PyTorch, BENCH_ONLY=substring picks step models.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zooModel } from '../src/bwdnn/zoo/index.js';
import { createTrainStep, trainEngine, sgd, trainingStepMemory, type TrainEngine } from '../src/bwdnn/train/index.js';
import { createRuntime, type DnnRuntime } from '../src/bwdnn/kernels/runtime.js';
import { convInputGradPtr, convWeightGradPtr } from '../src/bwdnn/kernels/convgrad.js';
import type { ConvGeometry } from '../src/bwdnn/kernels/conv.js';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const REF = process.env.BENCH_REFERENCE ?? '1';
const PROFILE = process.env.BENCH_PROFILE === '1';
const ONLY = process.env.BENCH_ONLY ?? '';
const N = 64;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface StepCase { name: string; model: string; c: number; h: number }
const STEPS: StepCase[] = [
  { name: 'lenet5 1x28x28', model: 'lenet5', c: 1, h: 28 },
  { name: 'vgg_small 1x28x28', model: 'vgg_small', c: 1, h: 28 },
  { name: 'vgg_small 3x32x32', model: 'vgg_small', c: 3, h: 32 },
  { name: 'resnet20 1x28x28', model: 'resnet20', c: 1, h: 28 },
];
interface GradCase { name: string; g: ConvGeometry }
const GRADS: GradCase[] = [
  { name: 'conv 3x3 64->64 32x32 N=32', g: { N: 32, C: 64, H: 32, W: 32, Cout: 64, kh: 3, kw: 3, pads: [1, 1, 1, 1] } },
  { name: 'conv 3x3 32->32 32x32 N=64', g: { N: 64, C: 32, H: 32, W: 32, Cout: 32, kh: 3, kw: 3, pads: [1, 1, 1, 1] } },
];

/** CPU milliseconds of this process (all threads): robust to a loaded machine, unlike wall time. */
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

interface Ms { wall: number; cpu: number }

/** Median wall and CPU milliseconds of up to `reps` runs after a warm-up run. */
function time(fn: () => void, reps = REPS, afterWarmup?: () => void): Ms {
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  afterWarmup?.();
  const n = Math.max(1, Math.min(reps, Math.ceil(4000 / first)));
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now(), c = cpuMs();
    fn();
    wall.push(performance.now() - t); cpu.push(cpuMs() - c);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** The engine with every kernel and gradient row timed into `acc` (op -> ms). */
function profiled(e: TrainEngine, acc: Map<string, number>): TrainEngine {
  const wrap = <A extends unknown[], R>(key: string, f: (...a: A) => R) => (...a: A): R => {
    const t = cpuMs();
    try { return f(...a); } finally { acc.set(key, (acc.get(key) ?? 0) + cpuMs() - t); }
  };
  return {
    name: e.name, ...(e.runtime ? { runtime: e.runtime } : {}),
    kernels: new Map([...e.kernels].map(([k, f]) => [k, wrap(`fwd ${k}`, f)])),
    grads: new Map([...e.grads].map(([k, r]) => [k, { trainable: r.trainable, grad: wrap(`bwd ${k}`, r.grad) }])),
  };
}

function stepMs(c: StepCase, engine: TrainEngine, reps = REPS, acc?: Map<string, number>, onWarm?: () => void): Ms {
  const g = zooModel(c.model, { seed: 1, input: [c.c, c.h, c.h] });
  const s = createTrainStep(g, { engine: acc ? profiled(engine, acc) : engine, optimizer: sgd({ momentum: 0.9, weightDecay: 5e-4 }) });
  const per = c.c * c.h * c.h;
  const x = { dtype: 'float32' as const, shape: [N, c.c, c.h, c.h], data: Float32Array.from({ length: N * per }, (_, i) => Math.sin(i * 0.37)) };
  const labels = Int32Array.from({ length: N }, (_, i) => i % 10);
  return time(() => s.step(x, labels, 0.01), reps, () => { acc?.clear(); onWarm?.(); });
}

function torchMs(threads: number, cases: object[]): Record<string, Ms> | string {
  let dir = dirname(fileURLToPath(import.meta.url)), script = '';
  for (let i = 0; i < 5 && !script; i++, dir = dirname(dir)) if (existsSync(join(dir, 'bench', 'peers', 'train_torch.py'))) script = join(dir, 'bench', 'peers', 'train_torch.py');
  if (!existsSync('/usr/bin/python3') || !script) return 'not available';
  const r = spawnSync('/usr/bin/python3', [script, String(threads), String(REPS), JSON.stringify(cases)], {
    encoding: 'utf8', env: { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX', OMP_NUM_THREADS: String(threads) }, timeout: 900_000,
  });
  if (r.status !== 0) return (r.stderr || 'failed').trim().split('\n').pop()!;
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: Record<string, Ms> }).ms;
}

function convGradMs(rt: DnnRuntime, g: ConvGeometry): { input: Ms; weight: Ms; flops: number } {
  const OH = g.H, OW = g.W; // 3x3 pad 1 stride 1
  const x = rt.arena.alloc(g.N * g.C * g.H * g.W * 4), w = rt.arena.alloc(g.Cout * g.C * 9 * 4);
  const dy = rt.arena.alloc(g.N * g.Cout * OH * OW * 4), dx = rt.arena.alloc(g.N * g.C * g.H * g.W * 4), dw = rt.arena.alloc(g.Cout * g.C * 9 * 4);
  rt.f32(x, g.N * g.C * g.H * g.W).fill(0.5); rt.f32(dy, g.N * g.Cout * OH * OW).fill(0.25); rt.f32(w, g.Cout * g.C * 9).fill(0.1);
  const r = { input: time(() => convInputGradPtr(rt, g, dy, w, dx)), weight: time(() => convWeightGradPtr(rt, g, x, dy, dw)), flops: 2 * g.N * g.Cout * OH * OW * g.C * 9 };
  for (const p of [x, w, dy, dx, dw]) rt.arena.free(p);
  return r;
}

const fmt = (v: number | string | undefined, d = 1) => (typeof v === 'number' ? v.toFixed(d) : v ?? '-');
const row = (cells: (string | number | undefined)[]) => `| ${cells.map((c) => fmt(c)).join(' | ')} |`;

function profile(): void {
  for (const c of STEPS.filter((k) => k.name.includes(ONLY))) {
    const acc = new Map<string, number>();
    let t0 = 0;
    stepMs(c, trainEngine({ threads: 1 }), 2, acc, () => { t0 = cpuMs(); });
    const total = cpuMs() - t0, ops = [...acc.values()].reduce((a, b) => a + b, 0);
    console.log(`\nprofile ${c.name} (fast x1, CPU ms of 2 steps after a warm-up; total ${total.toFixed(0)}, outside kernels ${(total - ops).toFixed(0)}):`);
    for (const [k, v] of [...acc].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${k.padEnd(28)} ${v.toFixed(1)}`);
  }
}

function main(): void {
  if (PROFILE) { profile(); return; }
  const load = loadavg()[0]!.toFixed(1);
  console.log(`bwDNN training benchmark, N=${N}, median of up to ${REPS} steps; node ${process.version}; load average ${load} on ${cpus().length} CPUs`);
  console.log('x1 columns: CPU ms of the process (robust on a loaded machine); x2 columns: wall ms.');
  const torchCases = [...STEPS.filter((k) => k.name.includes(ONLY)).map((c) => ({ kind: 'step', name: c.name, model: c.model, n: N, c: c.c, h: c.h })),
    ...GRADS.flatMap((k) => (['input', 'weight'] as const).map((kind) => ({ kind, name: `${kind} ${k.name}`, n: k.g.N, c: k.g.C, h: k.g.H, cout: k.g.Cout, k: 3, pad: 1 })))];
  const torch = [1, 2].map((t) => (process.env.BENCH_TORCH === '0' ? 'skipped' : torchMs(t, torchCases)));
  const tcell = (t: number, name: string, key: keyof Ms): number | string | undefined => {
    const v = torch[t - 1];
    return typeof v === 'string' ? v : v?.[name]?.[key];
  };
  console.log('\n## Training step (ms per step, lower is better)\n');
  console.log(row(['model (N=64)', 'reference JS x1 (CPU)', 'fast x1 (CPU)', 'PyTorch x1 (CPU)', 'fast x2 (wall)', 'PyTorch x2 (wall)', 'fast vs ref x1', 'PyTorch / fast x1', 'epoch 60k x1 (s)', 'peak step MB']));
  console.log(row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---']));
  for (const c of STEPS.filter((k) => k.name.includes(ONLY))) {
    const runRef = REF === 'all' || (REF !== '0' && c.model === 'lenet5');
    const ref = runRef ? stepMs(c, trainEngine({ engine: 'reference' }), 2).cpu : undefined;
    const f1 = stepMs(c, trainEngine({ threads: 1 })).cpu, f2 = stepMs(c, trainEngine({ threads: 2 })).wall;
    const t1 = tcell(1, c.name, 'cpu');
    const mem = trainingStepMemory(zooModel(c.model, { seed: 1, input: [c.c, c.h, c.h] }), N);
    console.log(row([c.name, ref, f1, t1, f2, tcell(2, c.name, 'wall'), ref ? `${(ref / f1).toFixed(1)}x` : '-',
      typeof t1 === 'number' ? (t1 / f1).toFixed(2) : '-', ((60000 / N) * f1) / 1000, mem.peakBytes / 2 ** 20]));
  }
  console.log('\n## Conv backward (GFLOPS, higher is better; x1 from CPU time, x2 from wall time)\n');
  console.log(row(['workload', 'gradient', 'bwDNN x1', 'PyTorch x1', 'bwDNN x2', 'PyTorch x2']));
  console.log(row(['---', '---', '---', '---', '---', '---']));
  const rts = [createRuntime({ threads: 1 }), createRuntime({ threads: 2 })];
  for (const k of GRADS) {
    const [r1, r2] = rts.map((rt) => convGradMs(rt, k.g));
    for (const which of ['input', 'weight'] as const) {
      const gf = (ms: number | string | undefined) => (typeof ms === 'number' ? r1!.flops / ms / 1e6 : ms);
      console.log(row([k.name, which, gf(r1![which].cpu), gf(tcell(1, `${which} ${k.name}`, 'cpu')), gf(r2![which].wall), gf(tcell(2, `${which} ${k.name}`, 'wall'))]));
    }
  }
  for (const rt of rts) rt.close();
}

main();
