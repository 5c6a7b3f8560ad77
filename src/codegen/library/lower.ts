// Library mode: an IR graph (after `opt` O1) as a sequence of calls to the hand-written dsplib
// kernels. One call per compute node (kernel picked from LIBRARY_OPS), a straightforward memory
// plan (weights and kernel statics first, then activations first-fit in node order, freed after
// their last reader), one profiler region per layer, all linked into one Program by the runtime.
import { type Graph, type TensorInfo, bindInputShapes, cloneGraph } from '../../ir/index.js';
import { type DspKernel, layoutData } from '../../dsplib/index.js';
import { ChipAllocator, type CallSite, dmaInLines, linkCalls, reserveStatic, type Subroutine, toSubroutine } from '../../dsplib/runtime/index.js';
import type { Program } from '../../isa/index.js';
import { chipWords, type TargetDesc } from '../../target/index.js';
import { BwvmError, isBwvmError } from '../../util/errors.js';
import { type ArgSource, type LowerContext, type LoweredCall, loweringFor } from './ops.js';

export interface LibraryLayer {
  /** Node name = profiler region name. */
  node: string;
  op: string;
  kernel: string;
  /** Kernel shape parameters as text, e.g. "C=6 H=14 W=14 M=16 kH=5 ...". */
  shape: string;
  flops: number;
  /** Words of weights / constants the call reads. */
  weightWords: number;
}

export interface LibraryTensor { name: string; symbol: string; shape: number[]; words: number; addr: number }

export interface LibraryModel {
  program: Program;
  target: string;
  inputs: LibraryTensor[];
  outputs: LibraryTensor[];
  layers: LibraryLayer[];
  memory: { chipWords: number; peakWords: number; weightWords: number; staticWords: number; weights: 'chip' | 'ddr' };
}

const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const sym = (name: string, k: string): string => `${k}_${name.replace(/\W/g, '_')}`;

export interface LibraryOptions {
  /** Where weights live: on-chip, in DDR (staged by DMA before each call), or on-chip when they fit (default). */
  weights?: 'chip' | 'ddr' | 'auto';
}

/** Lower `graph` (not modified) for target `t`: batch 1, fp32. */
export function lowerToLibrary(graph: Graph, t: TargetDesc, o: LibraryOptions = {}): LibraryModel {
  const weights = o.weights ?? 'auto';
  const g = cloneGraph(graph);
  bindInputShapes(g, Object.fromEntries(g.inputs.map((i) => [i.name, i.shape.map((d, k) => (typeof d === 'number' ? d : k === 0 ? 1 : d))])));
  const info = (n: string): TensorInfo | undefined => g.valueInfo.get(n) ?? g.inputs.find((i) => i.name === n) ?? g.outputs.find((o) => o.name === n);
  const ctxFor = (node: Graph['nodes'][number]): LowerContext => ({
    g, node, t,
    shape(name) {
      const init = g.initializers.get(name);
      const s = init ? init.shape : info(name)?.shape;
      if (!s || s.some((d) => typeof d !== 'number')) {
        throw new BwvmError('CODEGEN_LIBRARY_SHAPE', `node '${node.name}': value '${name}' has no concrete shape (${s ? s.join('x') : 'unknown'})`, { hint: 'give the input a fixed shape' });
      }
      return s as number[];
    },
    constant(name) {
      const init = g.initializers.get(name);
      if (!init) return undefined;
      if (init.dtype !== 'float32') throw new BwvmError('CODEGEN_LIBRARY_DTYPE', `node '${node.name}': constant '${name}' is ${init.dtype}; library mode is fp32`);
      return init.data as Float32Array;
    },
  });
  for (const i of g.inputs) if (i.dtype !== 'float32') throw new BwvmError('CODEGEN_LIBRARY_DTYPE', `input '${i.name}' is ${i.dtype}; library mode is fp32`);
  // 1. one call (or alias) per node
  const root = new Map<string, string>(); // alias -> value owning the buffer
  const rootOf = (v: string): string => root.get(v) ?? v;
  const steps: Array<{ node: Graph['nodes'][number]; call: LoweredCall; sub: Subroutine }> = [];
  for (const node of g.nodes) {
    let r: ReturnType<ReturnType<typeof loweringFor>['lower']>;
    try { r = loweringFor(node).lower(ctxFor(node)); } catch (e) {
      if (isBwvmError(e) && !e.message.includes(`'${node.name}'`)) throw new BwvmError(e.code, `node '${node.name}' (${node.op}): ${e.message}`, { hint: e.hint });
      throw e;
    }
    if ('alias' in r) { root.set(node.outputs[0]!, rootOf(r.alias)); continue; }
    steps.push({ node, call: r, sub: toSubroutine(r.kernel, `L${steps.length}_${node.name}`, t) });
  }
  // 2. memory: constants, statics, then activations by lifetime
  return weights === 'auto' ? planAuto() : plan(weights);
  function planAuto(): LibraryModel {
    try { return plan('chip'); } catch (e) {
      if (isBwvmError(e) && e.code === 'DSPLIB_NO_MEMORY') return plan('ddr');
      throw e;
    }
  }
  /** Memory plan + link with the weights on-chip or in DDR. */
  function plan(weights: 'chip' | 'ddr'): LibraryModel {
    const alloc = new ChipAllocator(0, chipWords(t), t.memory.banksPerBlock);
    const data: Array<{ addr: number; words: Uint32Array; space?: 'chip' | 'ddr' }> = [];
    const inDdr = weights === 'ddr';
    let ddrAt = 0;
    const constAddr = new Map<string, number>(); // `${step}.${symbol}` -> address
    let weightWords = 0;
    steps.forEach((s, i) => {
      for (const spec of s.call.kernel.inputs) {
        const src = s.call.args[spec.symbol];
        if (!src) throw new BwvmError('CODEGEN_LIBRARY_BIND', `node '${s.node.name}': kernel ${s.call.kernel.name} input '${spec.symbol}' is not bound`);
        if (!('constant' in src)) continue;
        const laid = layoutData(spec, src.constant);
        const a = inDdr ? ddrAt : alloc.alloc(`${i}.${spec.symbol}`, laid.length);
        if (inDdr) ddrAt += Math.ceil(laid.length / 8) * 8;
        constAddr.set(`${i}.${spec.symbol}`, a);
        data.push({ addr: a, words: new Uint32Array(laid.buffer, laid.byteOffset, laid.length), ...(inDdr ? { space: 'ddr' as const } : {}) });
        weightWords += laid.length;
      }
    });
    const placed = reserveStatic(alloc, steps, t);
    const staticWords = alloc.inUse();
    const lastUse = new Map<string, number>();
    steps.forEach((s, i) => { for (const [, src] of Object.entries(s.call.args)) if ('value' in src) lastUse.set(rootOf(src.value), i); });
    // graph inputs and outputs stay live for the whole program (the host writes/reads them by symbol)
    const outputs = new Set([...g.outputs.map((o) => rootOf(o.name)), ...g.inputs.map((i) => i.name)]);
    const buf = new Map<string, number>();
    const wordsOf = (v: string): number => prod(ctxFor(steps[0]?.node ?? g.nodes[0]!).shape(v));
    for (const i of g.inputs) buf.set(i.name, alloc.alloc(`value ${i.name}`, wordsOf(i.name)));
    const calls: CallSite[] = steps.map((s, i) => {
      for (const o of s.call.kernel.outputs) {
        const src = s.call.args[o.symbol] as { value: string };
        const v = rootOf(src.value);
        if (!buf.has(v)) buf.set(v, alloc.alloc(`value ${v}`, Math.max(wordsOf(v), prod(o.shape))));
      }
      // weights kept in DDR: staged on-chip by DMA for the duration of the call
      const pre: string[] = [];
      const staged: string[] = [];
      const addrs = s.sub.args.map((a) => {
        const src: ArgSource | undefined = s.call.args[a.symbol];
        if (!src) throw new BwvmError('CODEGEN_LIBRARY_BIND', `node '${s.node.name}': kernel ${s.call.kernel.name} tensor '${a.symbol}' is not bound`);
        if ('constant' in src && inDdr) {
          const name = `${i}.${a.symbol}.stage`;
          const at = alloc.alloc(name, a.words);
          staged.push(name);
          pre.push(...dmaInLines(constAddr.get(`${i}.${a.symbol}`)!, at, a.words));
          return at;
        }
        if ('constant' in src) return constAddr.get(`${i}.${a.symbol}`)!;
        if (a.tensor.rowPitch) throw new BwvmError('CODEGEN_LIBRARY_BIND', `node '${s.node.name}': activation '${src.value}' feeds a row-pitched kernel tensor '${a.symbol}'`, { hint: 'bind a constant there or add a relayout call' });
        const at = buf.get(rootOf(src.value));
        if (at === undefined) throw new BwvmError('CODEGEN_LIBRARY_BIND', `node '${s.node.name}': value '${src.value}' has no buffer (not produced yet)`);
        return at;
      });
      for (const [, src] of Object.entries(s.call.args)) {
        if (!('value' in src)) continue;
        const v = rootOf(src.value);
        if (lastUse.get(v) === i && !outputs.has(v) && buf.has(v) && !s.call.kernel.outputs.some((o) => rootOf((s.call.args[o.symbol] as { value: string }).value) === v)) {
          alloc.release(`value ${v}`);
          lastUse.delete(v);
        }
      }
      for (const n of staged) alloc.release(n);
      return { region: s.node.name, sub: s.sub, addrs, ...(pre.length ? { pre } : {}) };
    });
    const tensor = (name: string, kind: string): LibraryTensor => {
      const addr = buf.get(rootOf(name));
      if (addr === undefined) throw new BwvmError('CODEGEN_LIBRARY_BIND', `graph ${kind} '${name}' is never computed by a library call`);
      const shape = ctxFor(g.nodes[0]!).shape(name);
      return { name, symbol: sym(name, kind), shape, words: prod(shape), addr };
    };
    const ins = g.inputs.map((i) => tensor(i.name, 'in'));
    const outs = g.outputs.map((o) => tensor(o.name, 'out'));
    const peakWords = alloc.peak;
    const { program } = linkCalls({ calls, alloc, placed, data, symbols: [...ins, ...outs].map((x) => ({ name: x.symbol, addr: x.addr, words: x.words })) }, t);
    const layers: LibraryLayer[] = steps.map((s) => ({
      node: s.node.name, op: s.node.op, kernel: s.call.kernel.name, flops: s.call.kernel.flops,
      shape: shapeText(s.call.kernel),
      weightWords: s.call.kernel.inputs.filter((k) => 'constant' in (s.call.args[k.symbol] ?? {})).reduce((a, k) => a + prod(k.shape), 0),
    }));
    return { program, target: t.name, inputs: ins, outputs: outs, layers, memory: { chipWords: chipWords(t), peakWords, weightWords, staticWords, weights } };
  }
}

const shapeText = (k: DspKernel): string => `${k.inputs.map((i) => `${i.symbol}[${i.shape.join('x')}]`).join(' ')} -> ${k.outputs.map((o) => `${o.symbol}[${o.shape.join('x')}]`).join(' ')}`;
