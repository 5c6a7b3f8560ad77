// Element-wise fp32 kernels over n contiguous words: ReLU, ReLU6 and add. Four words per access
// (one per macro lane), rotating registers, chunks of quads in a zero-overhead loop, the last
// partial quad with single-lane accesses. Layout-agnostic (any NCHW tensor flattened).
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { dataSection, emitNest, placeTensors, staticLines } from './emit.js';
import type { DspKernel } from './kernel.js';
import { pipelinedPointwise } from './modulo-pointwise.js';
import { type ArithForm, type Op, type Reg, schedule } from './schedule.js';

export type EltwiseKind = 'relu' | 'relu6' | 'add';
export interface EltwiseShape { n: number }
/** pipeline: software-pipeline the quad loop (modulo-pointwise.ts) when it issues fewer lines (default on). */
export interface EltwiseOptions { pipeline?: boolean }

const ZERO = 0, SIX = 63, ROT = 20; // a: 1..20, b/t: 21..40, d: 41..60

/** Element-wise kernel: y = relu(x) | min(max(x, 0), 6) | x + x2. */
export function eltwise(kind: EltwiseKind, sh: EltwiseShape, t: TargetDesc, opts: EltwiseOptions = {}): DspKernel {
  const n = sh.n;
  if (!Number.isInteger(n) || n < 1) throw new BwvmError('DSPLIB_SHAPE', `${kind}: n must be a positive integer (got ${n})`);
  const two = kind === 'add';
  const placed = placeTensors([{ name: 'x', words: n }, ...(two ? [{ name: 'x2', words: n }] : []), { name: 'y', words: n }, { name: 'k6', words: 1 }], t, `${kind} n=${n}`);
  const at = (s: string) => placed.find((p) => p.name === s)!;
  const quadsPerBody = 64;
  const quads = Math.floor(n / 4), rest = n % 4;
  const chunks = Math.floor(quads / quadsPerBody), tailQuads = quads - chunks * quadsPerBody;
  const segment = (nq: number, lanes: number): { lines: string[]; streams: ReturnType<OpBuilder['stream']>[]; b: OpBuilder } => {
    const b = new OpBuilder(t);
    const sx = b.stream(0, at('x').addr, 0), sy = b.stream(1, at('y').addr, 0);
    const sx2 = two ? b.stream(2, at('x2').addr, 0) : -1;
    const ops: Op[] = [];
    const items = nq + lanes;
    for (let i = 0; i < items; i++) {
      const quad = i < nq, off = quad ? 4 * i : 4 * nq + (i - nq);
      const mask = quad ? 'xyzt' : 'x', stride = quad ? 1 : 0;
      const ra = 1 + (i % ROT), rb = 21 + (i % ROT), rd = 41 + (i % ROT);
      ops.push(b.loadOp(sx, off, mask, stride, { p: ra }, 3 * i));
      const arith = (form: ArithForm, d: number, a: number, bb: number): Op => ({ kind: 'fmac', op: form, acc: d, a: { p: a }, b: { p: bb }, prio: 3 * i + 1 });
      if (kind === 'add') { ops.push(b.loadOp(sx2, off, mask, stride, { p: rb }, 3 * i)); ops.push(arith('add2', rd, ra, rb)); }
      if (kind === 'relu') ops.push(arith('max2', rd, ra, ZERO));
      if (kind === 'relu6') { ops.push(arith('max2', rb, ra, ZERO)); ops.push(arith('min2', rd, rb, SIX)); }
      ops.push(b.storeOp(sy, off, mask, stride, { p: rd }, 3 * i + 2));
    }
    const step = 4 * nq + lanes;
    const [body] = resolveIncrements([ops], b.streams.length, b.streams.map(() => step));
    return { lines: schedule(body!, b.streams, [], t, 64, new Set([ZERO, SIX])), streams: b.streams.map((_, k) => k), b };
  };
  const head = ['w15 = k6', `xyzt r${ZERO} = 0 || xyzt fr${SIX} = [w15+=0,0]`];
  const nest = (code: string[], nq: number, lanes: number, count: number, startQuad: number): void => {
    if (count === 0 || nq + lanes === 0) return;
    const seg = segment(nq, lanes);
    const names = ['x', 'y', 'x2'];
    code.push(...emitNest([count], seg.b.streams.map((st, k) => ({ ...st, base: `${names[k]}+${4 * startQuad}`, steps: [4 * nq + lanes] })), { head: seg.lines, tail: [] }, t));
  };
  // quads from q0 on (and the partial quad) with list-scheduled chunks
  const listFrom = (code: string[], q0: number): string[] => {
    const left = quads - q0, rc = Math.floor(left / quadsPerBody);
    nest(code, quadsPerBody, 0, rc, q0);
    nest(code, left - rc * quadsPerBody, rest, 1, q0 + rc * quadsPerBody);
    return code;
  };
  let code = listFrom([...head], 0);
  const params: Record<string, number> = { quadsPerBody, pipelined: 0 };
  if (opts.pipeline ?? true) {
    const arith = (form: ArithForm, d: Reg, a: Reg, bb: Reg) => ({ kind: 'arith' as const, form, d, a, b: bb });
    const quad = (ins: Reg[], fresh: () => Reg) => {
      const d = fresh();
      if (kind === 'add') return { ops: [arith('add2', d, ins[0]!, ins[1]!)], out: d };
      if (kind === 'relu') return { ops: [arith('max2', d, ins[0]!, { p: ZERO })], out: d };
      const m = fresh();
      return { ops: [arith('max2', m, ins[0]!, { p: ZERO }), arith('min2', d, m, { p: SIX })], out: d };
    };
    const spec = { inputs: two ? [at('x'), at('x2')] : [at('x')], output: at('y'), quad, constRegs: new Set([ZERO, SIX]), pool: Array.from({ length: 62 }, (_, i) => i + 1) };
    let best = staticLines(code);
    for (const G of two ? [1, 2, 4] : [3, 6]) {
      const iters = Math.floor(quads / G);
      if (iters < 2) continue;
      const p = pipelinedPointwise(spec, G, iters, 0, t);
      if (!p) continue;
      const cand = listFrom([...head, ...p.code], p.quads);
      const lines = staticLines(cand);
      if (lines < best) { best = lines; code = cand; Object.assign(params, { pipelined: 1, G, II: p.pipe.II, stages: p.pipe.stages, unroll: p.pipe.unroll }); }
    }
  }
  const asm = [`// ${kind} n=${n} on ${t.name}`, ...dataSection(placed), '.org ' + at('k6').addr, 'k6c: .float 6.0', '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: kind, dtype: 'f32', asm, flops: n,
    description: `${kind} over ${n} fp32 words`,
    inputs: [{ symbol: 'x', shape: [n], layout: 'flat' }, ...(two ? [{ symbol: 'x2', shape: [n], layout: 'flat' }] : [])],
    outputs: [{ symbol: 'y', shape: [n], layout: 'flat' }],
    params: { ...params, staticLines: staticLines(code) },
  };
}
