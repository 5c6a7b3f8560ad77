// DSP library magics: `%dsplib` lists the hand-written kernels of src/dsplib, or runs one on a
// given shape (`%dsplib run conv2d C=16 H=16 ...`) on the simulator with an output check against
// the reference executor and its profile; `simulateModel` is `%simulate --model`: the current
// network in library mode (one kernel call per layer) with a per-layer table and a bar chart.
import { run as reference } from '../bwdnn/reference/index.js';
import { DSP_KERNELS, type DspKernel, dense, layoutData } from '../dsplib/index.js';
import { plotly, table } from '../display/index.js';
import { assemble } from '../isa/index.js';
import { Simulator, profileTable } from '../sim/index.js';
import { getModel } from '../session/index.js';
import { compileLibrary, layerTable, runLibrary } from '../session/library.js';
import { peakFlopsPerCycle, resolveTarget, type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import type { MagicArgs } from './args.js';
import { currentTarget } from './dsp.js';
import { DSPLIB_CHECKS, EXTRA_PARAMS, referenceOutput, type RunShape } from './dsp-lib-check.js';
import { MagicOutput, type MagicContext, type MagicFamily, type MagicSpec } from './types.js';
import { lcgSigned } from '../util/lcg.js';

/** Seeded values in [-1, 1). */
const rand = (n: number, seed: number): Float32Array => lcgSigned(n, seed);

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return Number.isNaN(d) ? Infinity : m === 0 ? d : d / m;
}

/** `name k=v k=v ...` -> kernel name and shape (the row's example shape, overridden; `C=4,8` is a list). */
function parseRun(text: string): { name: string; shape: RunShape } {
  const [name, ...kv] = text.trim().split(/\s+/);
  const gens: Record<string, { example: RunShape }> = { dense: { example: { N: 4, K: 64, M: 32 } }, ...(DSP_KERNELS as unknown as Record<string, { example: RunShape }>) };
  const row = name ? gens[name] : undefined;
  if (!row) throw new BwvmError('DSPLIB_UNKNOWN', `no dsplib kernel '${name ?? ''}'`, { hint: `kernels: ${Object.keys(gens).join(', ')} (see %dsplib list)` });
  const shape: RunShape = { ...row.example };
  const keys = [...Object.keys(row.example), ...(EXTRA_PARAMS[name!] ?? [])];
  for (const p of kv) {
    const m = /^(\w+)=(-?\d+(?:\.\d+)?(?:,-?\d+(?:\.\d+)?)*)$/.exec(p);
    if (!m || !keys.includes(m[1]!)) throw new BwvmError('DSPLIB_SHAPE', `'${p}' is not a shape parameter of ${name}`, { hint: `${name} takes ${keys.map((k) => `${k}=${Array.isArray(row.example[k]) ? 'N,N' : 'N'}`).join(' ')}` });
    const vals = m[2]!.split(',').map(Number);
    if (Array.isArray(row.example[m[1]!])) shape[m[1]!] = vals;
    else if (vals.length === 1) shape[m[1]!] = vals[0]!;
    else throw new BwvmError('DSPLIB_SHAPE', `'${p}': ${m[1]} of ${name} is one number`, { hint: `write ${m[1]}=${vals[0]}` });
  }
  return { name: name!, shape };
}

const shapeText = (shape: RunShape): string => Object.entries(shape).map(([a, b]) => `${a}=${String(b)}`).join(' ');

/** SIMD lanes per 32-bit word of a kernel's dtype: fixed-point kernels count integer ops against their own peak. */
const LANES: Record<string, number> = { f32: 1, i16: 2, i8: 4 };

function throughputRows(k: DspKernel, p: { cycles: number; gflops: number; efficiency: number }, t: TargetDesc): Array<[string, string]> {
  const lanes = LANES[k.dtype] ?? 1;
  if (lanes === 1) {
    return [['GFLOPS', `${p.gflops.toFixed(3)} at ${t.clockHz / 1e6} MHz`], ['% of peak', `${(100 * p.efficiency).toFixed(1)} % of ${peakFlopsPerCycle(t)} FLOP/cycle`]];
  }
  const peak = peakFlopsPerCycle(t) * lanes, perCycle = k.flops / Math.max(1, p.cycles);
  return [['GOPS', `${((perCycle * t.clockHz) / 1e9).toFixed(3)} ${k.dtype} ops (multiply + add) at ${t.clockHz / 1e6} MHz`],
    ['% of peak', `${((100 * perCycle) / peak).toFixed(1)} % of ${peak} ${k.dtype} op/cycle (${lanes} lanes per word)`]];
}

async function runKernel(text: string, t: TargetDesc, ctx: MagicContext) {
  const { name, shape } = parseRun(text);
  const k = name === 'dense' ? dense(shape as never, t, { bias: true })
    : (DSP_KERNELS[name] as unknown as { generate(s: object, t: TargetDesc): DspKernel }).generate(shape, t);
  const sim = new Simulator(assemble(k.asm, { limits: t, file: `dsplib ${name}` }), t);
  const check = DSPLIB_CHECKS[name];
  const out = k.outputs[0]!, outWords = out.shape.reduce((a, b) => a * b, 1);
  let err: number | undefined, checkText = 'no reference for this kernel';
  let r: Awaited<ReturnType<Simulator['run']>>;
  if (check?.integer) {
    // integer kernel: seeded packed words in, bit-exact comparison out
    const ic = check.integer(shape, 11, k);
    for (const [sym, w] of Object.entries(ic.words)) sim.writeWords(sym, w);
    r = await sim.run({ signal: ctx.signal });
    const got = sim.readWords(out.symbol, outWords);
    let bad = 0;
    for (let i = 0; i < outWords; i++) if (got[i] !== ic.expected[i]) bad++;
    err = bad === 0 ? 0 : Infinity;
    checkText = `${bad} of ${outWords} outputs differ from ${ic.reference} ${bad === 0 ? 'bit-exact (pass)' : '(FAIL)'}`;
  } else {
    // logical (ONNX-shaped) inputs, seeded; the kernel gets them in its own layout
    const shapes = check?.shapes?.(shape, k) ?? k.inputs.map((s) => s.shape);
    const ins = shapes.map((s, i) => rand(s.reduce((a, b) => a * b, 1), 11 + i));
    const kin = check?.toKernel?.(shape, ins) ?? ins;
    k.inputs.forEach((s, i) => sim.setInput(s.symbol, layoutData(s, kin[i]!)));
    r = await sim.run({ signal: ctx.signal });
    const got = sim.readOutput(out.symbol, outWords);
    if (check) {
      err = maxRelErr(got, referenceOutput(check, shape, shapes, ins));
      checkText = `max rel err ${err.toExponential(2)} vs reference ${err <= 1e-5 ? '(pass)' : '(FAIL)'}`;
    }
  }
  const p = r.profile;
  const rows: Array<[string, string]> = [
    ['kernel', `${name} ${shapeText(shape)}`],
    ['output check', checkText],
    ['cycles', String(p.cycles)], ...throughputRows(k, p, t),
    ['MUL / ALU utilization', `${(100 * p.utilization.MUL).toFixed(1)} % / ${(100 * p.utilization.ALU).toFixed(1)} %`],
    ['stall cycles', Object.entries(p.stalls).map(([c, v]) => `${c} ${v}`).join(', ')],
    ['memory words', `on-chip read ${p.memory.chip.read}, written ${p.memory.chip.written}`],
    ['blocking', Object.entries(k.params).map(([a, b]) => `${a}=${b}`).join(' ')],
  ];
  ctx.display(table({ columns: ['figure', 'value'], rows }, { caption: k.description }));
  const prof = profileTable(p);
  return new MagicOutput({ kernel: name, shape, maxRelErr: err, profile: p }, table(prof, { caption: `${name} profile by region` }));
}

function listKernels() {
  const rows = Object.entries(DSP_KERNELS).map(([n, r]) => [n, (r as unknown as { description: string }).description,
    Object.entries((r as unknown as { example: Record<string, number> }).example).map(([a, b]) => `${a}=${b}`).join(' ')]);
  if (!rows.some((r) => r[0] === 'dense')) rows.push(['dense', 'fp32 dense y = x W^T + b (ONNX Gemm transB=1), k split over macros', 'N=4 K=64 M=32']);
  return new MagicOutput(rows.map((r) => r[0]), table({ columns: ['kernel', 'what', 'example shape'], rows }));
}

const dsplibMagic: MagicSpec = {
  name: 'dsplib',
  kind: 'line',
  summary: 'list the hand-written DSP kernels, or run one on a shape with output check and profile',
  usage: '%dsplib [list] | %dsplib run KERNEL [K=V ...] [--target T]',
  flags: [{ name: 'target', type: 'string', help: 'target preset or JSON file (default: current)' }],
  positionals: [{ name: 'what', help: "'list' or 'run KERNEL K=V ...'", optional: true, rest: true }],
  async run(args, ctx) {
    const what = (args.pos('what') ?? '').trim();
    if (!what || what === 'list') return listKernels();
    const m = /^run\s+(.+)$/.exec(what);
    if (!m) throw new BwvmError('DSPLIB_USAGE', `unknown %dsplib command '${what}'`, { hint: '%dsplib list | %dsplib run conv2d C=16 H=16 W=16 M=16' });
    const t = args.str('target') ? await resolveTarget(args.str('target')!) : currentTarget(ctx.session);
    return runKernel(m[1]!, t, ctx);
  },
};

/** `%simulate --model [--model-name NAME]`: the network in library mode on the simulator. */
export async function simulateModel(args: MagicArgs, ctx: MagicContext, t: TargetDesc): Promise<MagicOutput> {
  const entry = getModel(ctx.session, args.str('model-name'));
  const w = args.str('weights') ?? 'auto';
  if (!['chip', 'ddr', 'auto'].includes(w)) throw new BwvmError('LIBRARY_WEIGHTS', `--weights ${w}: use chip, ddr or auto`);
  const m = compileLibrary(entry.graph, t, 'O1', { weights: w as 'chip' | 'ddr' | 'auto' });
  const inp = m.inputs[0]!;
  const x = rand(inp.words, 1);
  const r = await runLibrary(m, t, { [inp.name]: x }, { signal: ctx.signal });
  const want = reference(entry.graph, { [inp.name]: { dtype: 'float32', shape: inp.shape, data: x } });
  const out = m.outputs[0]!;
  const err = maxRelErr(r.outputs[out.name]!, want[out.name]!.data as Float32Array);
  const p = r.profile;
  ctx.display(table({ columns: ['figure', 'value'], rows: [
    ['model', `${entry.name}: ${m.layers.length} library calls on ${t.name}`],
    ['output check', `max rel err ${err.toExponential(2)} vs the reference executor (seeded random input)`],
    ['total', `${p.cycles} cycles = ${(p.timeSeconds * 1e3).toFixed(3)} ms, ${p.gflops.toFixed(3)} GFLOPS, ${(100 * p.efficiency).toFixed(1)} % of peak`],
    ['memory', `${m.memory.peakWords} of ${m.memory.chipWords} on-chip words; weights ${m.memory.weightWords} words in ${m.memory.weights === 'ddr' ? 'DDR (DMA-staged per call)' : 'on-chip memory'}; DDR words moved ${p.memory.ddr.read + p.memory.ddr.written}`],
  ] }));
  ctx.display(plotly({
    data: [
      { type: 'bar', name: 'cycles', x: r.layers.map((l) => l.node), y: r.layers.map((l) => l.cycles) },
      { type: 'scatter', mode: 'markers+lines', name: '% of peak', x: r.layers.map((l) => l.node), y: r.layers.map((l) => 100 * l.efficiency), yaxis: 'y2' },
    ],
    layout: { title: { text: `${entry.name} in library mode on ${t.name}` }, yaxis: { title: { text: 'cycles' } },
      yaxis2: { title: { text: '% of peak' }, overlaying: 'y', side: 'right', range: [0, 100] }, height: 360 },
  }));
  return new MagicOutput({ model: entry.name, maxRelErr: err, layers: r.layers, profile: p, memory: m.memory },
    table(layerTable(r), { caption: `${entry.name}: per-layer profile (library mode, ${t.name})` }));
}

export const dspLibFamily: MagicFamily = { name: 'dsplib', magics: [dsplibMagic] };
