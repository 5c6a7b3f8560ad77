// bwDNN on the DSP vs oneDNN on the host (issue #7 part 5, `npm run bench:dsplib-onednn`): the
// thesis-like 3x3 conv layers as generated dsplib kernels on the simulator (cycles -> GFLOPS at the
// target clock, per GHz, % of peak; checked against the reference executor) next to oneDNN-backed
// PyTorch on one host core (bench/peers/onednn_conv.py, N = 1 and N = 32), with ratios; the host's
// clock is measured (bench/peers/clock_probe.c), its fp32 peak derived from the ISA flags.
// Env: BENCH_CLOCK=wall (host GFLOPS from wall time; default: process CPU time), BENCH_ONLY (substring).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conv2d, type Conv2dShape, conv2dTiled, type DspKernel, layoutData } from '../src/dsplib/index.js';
import type { Tensor } from '../src/ir/index.js';
import { assemble } from '../src/isa/index.js';
import { Simulator } from '../src/sim/index.js';
import { getTarget, peakFlopsPerCycle } from '../src/target/index.js';
import { maxRelErr, rand, reference } from './dsplib-check.js';

const T = getTarget('bwdsp104x');
const CLOCK = process.env.BENCH_CLOCK === 'wall' ? 'wall' : 'cpu';
const ONLY = process.env.BENCH_ONLY ?? '';
const LAYERS = ([ // name, C, H (= W), M; 3x3, stride 1, pad 1, fp32
  ['conv3x3 16->16 32x32', 16, 32, 16], ['conv3x3 32->32 16x16', 32, 16, 32], ['conv3x3 64->64 8x8', 64, 8, 64],
  ['conv3x3 64->64 32x32', 64, 32, 64], ['VGG 128->128 16x16', 128, 16, 128], ['VGG 256->256 8x8', 256, 8, 256],
] satisfies Array<[string, number, number, number]>).filter(([n]) => n.includes(ONLY));
/** FLOPs counted the same for both sides: 2 x N x M x C x 3 x 3 x OH x OW (taps on the zero padding included). */
const flops = (C: number, H: number, M: number, N: number): number => 2 * N * M * C * 9 * H * H;
const cpuS = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

interface DspRun { kernel: string; cycles: number; err: number; simCpuS: number }
function dsp(C: number, H: number, M: number): DspRun {
  const sh: Conv2dShape = { C, H, W: H, M, kH: 3, kW: 3, stride: 1, pad: 1 };
  const t0 = cpuS();
  let k: DspKernel;
  try { k = conv2d(sh, T); } catch (e) {
    if ((e as { code?: string }).code !== 'DSPLIB_NO_MEMORY') throw e;
    k = conv2dTiled(sh, T); // does not fit on-chip: the DDR-tiled kernel (DMA counted in the cycles)
  }
  const sim = new Simulator(assemble(k.asm, { limits: T }), T);
  const x = rand(C * H * H, 1), w = rand(M * C * 9, 2), b = rand(M, 3);
  sim.setInput('x', x); sim.setInput('w', layoutData(k.inputs[1]!, w)); sim.setInput('b', b);
  const { cycles } = sim.runSync({ mode: 'fast' });
  const y = sim.readOutput('y', M * H * H);
  const simCpuS = cpuS() - t0;
  const tn = (shape: number[], data: Float32Array): Tensor => ({ dtype: 'float32', shape, data });
  const ref = reference(sh, {}, { x: tn([1, C, H, H], x), w: tn([M, C, 3, 3], w), b: tn([M], b) });
  return { kernel: k.name, cycles, err: maxRelErr(y, ref), simCpuS };
}

interface HostLayer { onednn_ms: number; onednn_impl: string | null; default_ms: number; default_impl: string; max_rel_err: number }
interface HostRun { torch: string; mkldnn_available: boolean; threads: number; layers: Record<string, HostLayer> }
/** bench/peers, from bench/ or from the compiled out/bench/bench/. */
function peersDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) if (existsSync(join(dir, 'bench', 'peers', 'onednn_conv.py'))) return join(dir, 'bench', 'peers');
  throw new Error('bench/peers/onednn_conv.py not found');
}

function host(peers: string): HostRun {
  const py = join(peers, 'onednn_conv.py');
  const specs = [1, 32].flatMap((n) => LAYERS.map(([name, C, H, M]) => [`${name} N=${n}`, C, H, M, n]));
  const r = spawnSync('/usr/bin/python3', [py, JSON.stringify(specs), CLOCK], {
    encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_CORETYPE: 'SkylakeX' }, timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`onednn_conv.py failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as HostRun;
}

/** Effective clock of a busy core: bench/peers/clock_probe.c (dependent-add chain, CPU time), built with gcc. */
function probeGHz(peers: string): number | undefined {
  const exe = join(tmpdir(), `bwvm-clock-probe-${process.pid}`);
  const cc = spawnSync('gcc', ['-O2', '-o', exe, join(peers, 'clock_probe.c')], { encoding: 'utf8' });
  if (cc.status !== 0) return undefined;
  const r = spawnSync(exe, { encoding: 'utf8' });
  rmSync(exe, { force: true });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

/** Host core: model, clock (GHz, and which source), fp32 peak FLOP/cycle from the ISA flags (an assumption, stated). */
function cpu(probes: Array<number | undefined>): { model: string; ghz: number; clockSrc: string; fpc: number; peakSrc: string } {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const field = (k: string): string => new RegExp(`^${k}\\s*: (.*)$`, 'm').exec(info)?.[1] ?? '';
  const flags = new Set(field('flags').split(' ')), family = Number(field('cpu family')), vendor = field('vendor_id');
  const nominal = Number(field('cpu MHz')) / 1e3, got = probes.filter((g): g is number => g !== undefined);
  const [ghz, clockSrc] = got.length ? [got.reduce((a, g) => a + g, 0) / got.length,
    `bench/peers/clock_probe.c, mean of ${got.map((g) => g.toFixed(3)).join(' (before) and ')} (after the host runs); /proc/cpuinfo 'cpu MHz' says ${nominal.toFixed(3)}`]
    : [nominal, "/proc/cpuinfo 'cpu MHz' (no gcc for the clock probe; boost clock unknown)"];
  // FMA units x fp32 lanes: AMD family 0x1A (Zen 5 server) 2 x 512-bit; family 0x19 (Zen 4) 512-bit at half rate;
  // Intel AVX-512 assumed 2 FMA units (Xeon Gold/Platinum); otherwise AVX2 2 x 8 lanes, else SSE 2 x 4.
  const [units, lanes, why] = flags.has('avx512f')
    ? vendor === 'AuthenticAMD' ? (family === 26 ? [2, 16, 'AMD family 26 (Zen 5): 2 x 512-bit FMA'] : [1, 16, 'AMD Zen 4: 512-bit FMA at half rate'])
      : [2, 16, 'Intel AVX-512: assumed 2 FMA units']
    : flags.has('avx2') && flags.has('fma') ? [2, 8, 'AVX2: 2 x 256-bit FMA'] : [2, 4, 'SSE: 2 x 128-bit'];
  return { model: field('model name'), ghz, clockSrc, fpc: units * lanes * 2, peakSrc: `${why} x 2 FLOP = ${units * lanes * 2} FLOP/cycle` };
}

const f = (x: number, d = 2): string => x.toFixed(d);
const PEERS = peersDir(), dspGHz = T.clockHz / 1e9, dspFpc = peakFlopsPerCycle(T);
const before = probeGHz(PEERS), hostRun = host(PEERS), c = cpu([before, probeGHz(PEERS)]);
console.log(`DSP: ${T.name}, ${f(dspGHz, 3)} GHz, 1 core, peak ${dspFpc} FLOP/cycle = ${f(dspFpc * dspGHz, 1)} GFLOPS; cycles from the simulator (fast mode), N = 1`);
console.log(`host: ${c.model}, ${f(c.ghz, 3)} GHz (${c.clockSrc}); peak ${c.peakSrc} = ${f(c.fpc * c.ghz, 1)} GFLOPS/core`);
console.log(`PyTorch ${hostRun.torch}, mkldnn (oneDNN) available: ${hostRun.mkldnn_available}, threads ${hostRun.threads}; GFLOPS from ${CLOCK === 'cpu' ? 'process CPU time' : 'wall time'}, best of 5 batches of >= 0.2 s (least interference on a shared machine)`);
console.log(`FLOPs = 2 x N x M x C x 9 x OH x OW for both sides; "per GHz" = GFLOPS / clock; DSP/host ratios > 1: the DSP does more`);
const head = ['layer', 'MFLOP', 'DSP kernel', 'DSP cycles', 'DSP GF', 'DSP GF/GHz', 'DSP % peak', 'oneDNN N=1 GF', 'GF/GHz', '% peak', 'oneDNN N=32 GF', 'GF/GHz', '% peak',
  'PyTorch default N=1 GF (backend)', 'DSP/oneDNN per GHz N=1', 'N=32', 'DSP/oneDNN absolute N=1'];
const rows: string[][] = [];
for (const [name, C, H, M] of LAYERS) {
  const d = dsp(C, H, M), fl = flops(C, H, M, 1);
  const dGF = (fl / d.cycles) * dspGHz, dPer = dGF / dspGHz;
  const h1 = hostRun.layers[`${name} N=1`]!, h32 = hostRun.layers[`${name} N=32`]!;
  const g1 = fl / h1.onednn_ms / 1e6, g32 = flops(C, H, M, 32) / h32.onednn_ms / 1e6, gd = fl / h1.default_ms / 1e6;
  const pk = (g: number): string => `${f((100 * g) / (c.fpc * c.ghz), 1)}%`;
  console.error(`${name}: DSP ${d.kernel} err ${d.err.toExponential(1)}, generate+simulate ${f(d.simCpuS, 1)} s CPU; oneDNN vs default max rel err ${h1.max_rel_err.toExponential(1)}, ${h1.onednn_impl}`);
  rows.push([name, f(fl / 1e6, 1), d.kernel, String(d.cycles), f(dGF), f(dPer), `${f((100 * fl) / (dspFpc * d.cycles), 1)}%`,
    f(g1, 1), f(g1 / c.ghz), pk(g1), f(g32, 1), f(g32 / c.ghz), pk(g32), `${f(gd, 1)} (${h1.default_impl})`,
    f(dPer / (g1 / c.ghz)), f(dPer / (g32 / c.ghz)), f(dGF / g1, 3)]);
}
console.log('\n' + [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n'));
