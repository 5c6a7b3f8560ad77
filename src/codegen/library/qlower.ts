// Library mode for integer models: a QModel (int8/int16, src/ir/quant-model.ts) as a sequence of
// dsplib calls (QLIBRARY_OPS: qpack + qconv / qdense, qmaxpool, qadd, qclamp, qgap) linked into one
// Program. Activations are int32 words (one value per word, NCHW); the host quantizes the float
// input into the input symbol and dequantizes the output symbol (the graph edge). Constants
// (packed weights, requantization tables) first, kernel statics, then activations first-fit by lifetime.
import type { Multiplier, QModel, QValue } from '../../ir/quant-model.js';
import { ChipAllocator, type CallSite, linkCalls, reserveStatic, type Subroutine, toSubroutine } from '../../dsplib/runtime/index.js';
import type { Program } from '../../isa/index.js';
import { chipWords, type TargetDesc } from '../../target/index.js';
import { BwvmError, isBwvmError } from '../../util/errors.js';
import { type QCall, type QLowerCtx, qloweringFor } from './qops.js';

export interface QLibraryLayer {
  /** Integer node name (its main call's profiler region; helpers are `node:pack`, `node:clamp`). */
  node: string;
  op: string;
  /** Kernel of each call, in order, and its region. */
  calls: Array<{ kernel: string; region: string; shape: string }>;
  flops: number;
  /** Constant words (packed weights, tables) the node's calls read. */
  weightWords: number;
}

export interface QLibraryTensor { name: string; symbol: string; shape: number[]; words: number; addr: number; value: QValue }

export interface QLibraryModel {
  program: Program;
  target: string;
  bits: 8 | 16;
  input: QLibraryTensor;
  /** The integer output (the value the model dequantizes). */
  output: QLibraryTensor;
  layers: QLibraryLayer[];
  memory: { chipWords: number; peakWords: number; weightWords: number; staticWords: number };
}

export interface QLibraryOptions {
  /** bwDNN's quantizeMultiplier (Add / pooling multipliers are derived from scales exactly as the reference does). */
  multiplier(real: number): Multiplier;
}

const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const sym = (name: string, k: string): string => `${k}_${name.replace(/\W/g, '_')}`;
/** Words past a buffer's shape a kernel may read (qdense over-reads its packed row). */
const SLACK = 8;

/** Lower integer model `q` for target `t` (batch 1). */
export function lowerQuantizedToLibrary(q: QModel, t: TargetDesc, o: QLibraryOptions): QLibraryModel {
  const shapes = new Map<string, number[]>();
  const inShape = q.input.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : NaN));
  if (inShape.some((d) => !Number.isInteger(d))) throw new BwvmError('CODEGEN_QLIBRARY_SHAPE', `input '${q.input.name}' has no concrete shape (${q.input.shape.join('x')})`, { hint: 'give the model a fixed input shape' });
  shapes.set(q.input.name, [1, ...inShape.slice(1)]);
  const value = (v: string): QValue => q.values.get(v) ?? fail(`value '${v}' has no quantization params`);
  const ctx = (node: QModel['nodes'][number]): QLowerCtx => ({
    q, node, t, value, multiplier: o.multiplier,
    shape: (v) => shapes.get(v) ?? fail(`node '${node.name}' reads '${v}' before it is computed`),
  });
  // 1. calls (or aliases) per node
  const root = new Map<string, string>();
  const rootOf = (v: string): string => root.get(v) ?? v;
  const steps: Array<{ node: string; call: QCall; sub: Subroutine }> = [];
  const layers: QLibraryLayer[] = [];
  for (const node of q.nodes) {
    const row = qloweringFor(node);
    const c = ctx(node);
    let r: ReturnType<typeof row.lower>;
    try {
      shapes.set(node.output, row.shape(c));
      r = row.lower(c);
    } catch (e) {
      if (isBwvmError(e) && !e.message.includes(`'${node.name}'`)) throw new BwvmError(e.code, `node '${node.name}' (${node.op}): ${e.message}`, { hint: e.hint });
      throw e;
    }
    if ('alias' in r) { root.set(node.output, rootOf(r.alias)); continue; }
    for (const call of r) steps.push({ node: node.name, call, sub: toSubroutine(call.kernel, `Q${steps.length}_${call.region}`, t) });
    layers.push({
      node: node.name, op: node.op, flops: r.reduce((a, k) => a + k.kernel.flops, 0),
      calls: r.map((k) => ({ kernel: k.kernel.name, region: k.region, shape: k.kernel.description })),
      weightWords: r.reduce((a, k) => a + Object.values(k.args).reduce((s, x) => s + ('constant' in x ? x.constant.length : 0), 0), 0),
    });
  }
  // 2. memory: constants, statics, then activations (and node scratch) by lifetime
  const alloc = new ChipAllocator(0, chipWords(t), t.memory.banksPerBlock);
  const data: Array<{ addr: number; words: Uint32Array }> = [];
  const constAddr = new Map<string, number>();
  let weightWords = 0;
  steps.forEach((s, i) => {
    for (const [symbol, src] of Object.entries(s.call.args)) {
      if (!('constant' in src)) continue;
      const spec = s.call.kernel.inputs.find((k) => k.symbol === symbol);
      const words = spec?.rowPitch ? spec.shape[0]! * spec.rowPitch : src.constant.length;
      if (src.constant.length > Math.max(words, src.constant.length)) fail(`constant '${symbol}' of ${s.call.kernel.name}`);
      const a = alloc.alloc(`${i}.${symbol}`, Math.max(words, src.constant.length));
      constAddr.set(`${i}.${symbol}`, a);
      data.push({ addr: a, words: new Uint32Array(src.constant.buffer, src.constant.byteOffset, src.constant.length) });
      weightWords += src.constant.length;
    }
  });
  const placed = reserveStatic(alloc, steps, t);
  const staticWords = alloc.inUse();
  const wordsOf = (v: string): number => {
    const s = shapes.get(v);
    return s ? prod(s) : 0;
  };
  const lastUse = new Map<string, number>();
  steps.forEach((s, i) => { for (const src of Object.values(s.call.args)) if ('value' in src) lastUse.set(rootOf(src.value), i); });
  const outValue = rootOf(q.output.value);
  const keep = new Set([outValue, q.input.name]);
  const buf = new Map<string, number>();
  buf.set(q.input.name, alloc.alloc(`value ${q.input.name}`, wordsOf(q.input.name) + SLACK));
  const calls: CallSite[] = steps.map((s, i) => {
    const addrs = s.sub.args.map((a) => {
      const src = s.call.args[a.symbol];
      if (!src) throw new BwvmError('CODEGEN_QLIBRARY_BIND', `node '${s.node}': kernel ${s.call.kernel.name} tensor '${a.symbol}' is not bound`);
      if ('constant' in src) return constAddr.get(`${i}.${a.symbol}`)!;
      const v = rootOf(src.value);
      let at = buf.get(v);
      if (at === undefined) {
        if (a.role !== 'output') throw new BwvmError('CODEGEN_QLIBRARY_BIND', `node '${s.node}': value '${src.value}' is read before it is computed`);
        at = alloc.alloc(`value ${v}`, Math.max(wordsOf(v), a.words) + SLACK);
        buf.set(v, at);
      }
      return at;
    });
    for (const src of Object.values(s.call.args)) {
      if (!('value' in src)) continue;
      const v = rootOf(src.value);
      const written = s.call.kernel.outputs.some((k) => { const o = s.call.args[k.symbol]; return o && 'value' in o && rootOf(o.value) === v; });
      if (lastUse.get(v) === i && !keep.has(v) && !written) { alloc.release(`value ${v}`); lastUse.delete(v); }
    }
    return { region: s.call.region, sub: s.sub, addrs };
  });
  const tensor = (name: string, v: string, kind: string): QLibraryTensor => {
    const addr = buf.get(rootOf(v));
    if (addr === undefined) throw new BwvmError('CODEGEN_QLIBRARY_BIND', `model ${kind} '${name}' is never computed by a DSP call`, { hint: 'the model has no integer layer to run' });
    const shape = shapes.get(v)!;
    return { name, symbol: sym(name, kind), shape, words: prod(shape), addr, value: value(v) };
  };
  const input = tensor(q.input.name, q.input.name, 'in'), output = tensor(q.output.value, q.output.value, 'out');
  const { program } = linkCalls({ calls, alloc, placed, data, symbols: [input, output].map((x) => ({ name: x.symbol, addr: x.addr, words: x.words })) }, t);
  return { program, target: t.name, bits: q.bits, input, output, layers, memory: { chipWords: chipWords(t), peakWords: alloc.peak, weightWords, staticWords } };
}

function fail(msg: string): never {
  throw new BwvmError('CODEGEN_QLIBRARY_MODEL', msg);
}
