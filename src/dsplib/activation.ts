// Pointwise fp32 activations over n contiguous words: LeakyReLU(alpha), sigmoid and tanh (exp from
// exp.ts; 1/x by `recip`, exact in the simulator). Four words per access, each quad in flight in
// its own slot of pinned registers, chunks of quads in a zero-overhead loop, the partial last
// quad with single-lane accesses. ReLU / ReLU6 stay in eltwise.ts.
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { dataSection, emitNest, placeTensors, staticLines } from './emit.js';
import { constCode, constRegs, type ConstRegs, EXP_CONSTS, expOps } from './exp.js';
import type { DspKernel } from './kernel.js';
import { pipelinedPointwise } from './modulo-pointwise.js';
import type { ArithOp } from './modulo.js';
import { type Op, type Reg, schedule } from './schedule.js';

export type ActivationKind = 'leakyrelu' | 'sigmoid' | 'tanh';
export interface ActivationShape { n: number; alpha?: number }
/** pipeline: software-pipeline the quad loop (modulo-pointwise.ts) when it issues fewer lines (default on). */
export interface ActivationOptions { pipeline?: boolean }

interface Spec {
  consts: string[];
  /** Registers per quad in flight. */
  regs: number;
  /** Ops from the loaded x (in r[0]) to the result register (returned). */
  ops(r: number[], C: ConstRegs, prio: number, push: (o: Op) => void): number;
  quadsPerBody: number;
}

const arith = (form: NonNullable<Extract<Op, { kind: 'fmac' }>['op']>, d: number, a: number, b: number, prio: number): Op =>
  ({ kind: 'fmac', op: form, acc: d, a: { p: a }, b: { p: b }, prio });

const SPECS: Record<ActivationKind, (alpha: number) => Spec> = {
  leakyrelu: (alpha) => ({
    consts: ['ALPHA'], regs: 2, quadsPerBody: 64,
    ops: (r, C, pr, push) => { push(arith('fmul', r[1]!, r[0]!, C.ALPHA!, pr)); push(arith(alpha <= 1 ? 'max2' : 'min2', r[1]!, r[1]!, r[0]!, pr)); return r[1]!; },
  }),
  // 1 / (1 + exp(-x)), -x clamped so exp neither overflows nor leaves the normal range
  sigmoid: () => ({
    consts: [...EXP_CONSTS, 'LO', 'HI', 'ZERO'], regs: 4, quadsPerBody: 40,
    ops: (r, C, pr, push) => {
      const [z, t, kf, p] = r as [number, number, number, number];
      push(arith('sub2', z, C.ZERO!, z, pr)); push(arith('max2', z, z, C.LO!, pr)); push(arith('min2', z, z, C.HI!, pr));
      expOps(z, t, kf, p, C, pr, 'exp').forEach(push);
      push(arith('add2', p, p, C.ONE!, pr)); push(arith('recip', p, p, p, pr));
      return p;
    },
  }),
  // sign(x) · tanh|x|, tanh|x| = -u / (u + 2) with u = expm1(-2|x|) (no cancellation near 0)
  tanh: () => ({
    consts: [...EXP_CONSTS, 'LO', 'TWO', 'M2', 'SIGN'], regs: 5, quadsPerBody: 32,
    ops: (r, C, pr, push) => {
      const [x, z, t, kf, p] = r as [number, number, number, number, number];
      push(arith('abs', z, x, x, pr)); push(arith('fmul', z, z, C.M2!, pr)); push(arith('max2', z, z, C.LO!, pr));
      expOps(z, t, kf, p, C, pr, 'expm1').forEach(push);
      push(arith('add2', t, p, C.TWO!, pr)); push(arith('recip', t, t, t, pr)); push(arith('fmul', p, p, t, pr));
      push(arith('abs', p, p, p, pr)); push(arith('and2', t, x, C.SIGN!, pr)); push(arith('or2', p, p, t, pr));
      return p;
    },
  }),
};

/** Pointwise activation kernel y = f(x) over n words. */
export function activation(kind: ActivationKind, sh: ActivationShape, t: TargetDesc, opts: ActivationOptions = {}): DspKernel {
  const n = sh.n, alpha = sh.alpha ?? 0.01;
  if (!Number.isInteger(n) || n < 1) throw new BwvmError('DSPLIB_SHAPE', `${kind}: n must be a positive integer (got ${n})`);
  if (!SPECS[kind]) throw new BwvmError('DSPLIB_SHAPE', `unknown activation ${kind}`, { hint: `one of ${Object.keys(SPECS).join(', ')}` });
  const spec = SPECS[kind](alpha);
  const C = constRegs(spec.consts);
  const slots = Math.floor((t.regsPerMacro - spec.consts.length) / spec.regs);
  const placed = placeTensors([{ name: 'x', words: n }, { name: 'y', words: n }], t, `${kind} n=${n}`);
  const quads = Math.floor(n / 4), rest = n % 4;
  const chunks = Math.floor(quads / spec.quadsPerBody), tailQuads = quads - chunks * spec.quadsPerBody;
  const consts = constCode(C, { ALPHA: alpha });
  const nest = (code: string[], nq: number, lanes: number, count: number, startQuad: number): void => {
    if (count === 0 || nq + lanes === 0) return;
    const b = new OpBuilder(t);
    const sx = b.stream(0, placed[0]!.addr, 0), sy = b.stream(1, placed[1]!.addr, 0);
    const ops: Op[] = [];
    for (let i = 0; i < nq + lanes; i++) {
      const quad = i < nq, off = quad ? 4 * i : 4 * nq + (i - nq);
      const mask = quad ? 'xyzt' : 'x', stride = quad ? 1 : 0;
      const r = Array.from({ length: spec.regs }, (_, k) => (i % slots) * spec.regs + k);
      ops.push(b.loadOp(sx, off, mask, stride, { p: r[0]! }, 3 * i));
      const out = spec.ops(r, C, 3 * i + 1, (o) => ops.push(o));
      ops.push(b.storeOp(sy, off, mask, stride, { p: out }, 3 * i + 2));
    }
    const step = 4 * nq + lanes;
    const [body] = resolveIncrements([ops], 2, [step, step]);
    const lines = schedule(body!, b.streams, [], t, 64, new Set(Object.values(C)));
    code.push(...emitNest([count], b.streams.map((st, k) => ({ ...st, base: `${k ? 'y' : 'x'}+${4 * startQuad}`, steps: [step] })), { head: lines, tail: [] }, t));
  };
  // quads from q0 on (and the partial quad) in list-scheduled chunks
  const listFrom = (code: string[], q0: number): string[] => {
    const left = quads - q0, rc = Math.floor(left / spec.quadsPerBody);
    nest(code, spec.quadsPerBody, 0, rc, q0);
    nest(code, left - rc * spec.quadsPerBody, rest, 1, q0 + rc * spec.quadsPerBody);
    return code;
  };
  void chunks; void tailQuads;
  let code = listFrom([...consts.code], 0);
  const params: Record<string, number> = { quadsPerBody: spec.quadsPerBody, slots, pipelined: 0 };
  if (opts.pipeline ?? true) {
    // the quad's ops on per-quad registers 1000+k become iteration-local values (1000 = the loaded x)
    const quad = (ins: Reg[], fresh: () => Reg): { ops: ArithOp[]; out: Reg } => {
      const vals: Reg[] = [ins[0]!, ...Array.from({ length: spec.regs - 1 }, () => fresh())];
      const m = (r: number): Reg => (r >= 1000 ? vals[r - 1000]! : { p: r });
      const ops: ArithOp[] = [];
      const out = spec.ops(vals.map((_, k) => 1000 + k), C, 0, (o) => {
        if (o.kind !== 'fmac') throw new Error('activation: only arithmetic in a quad');
        ops.push({ kind: 'arith', form: o.op ?? 'fmac', d: m(o.acc), a: 'p' in o.a ? m(o.a.p) : o.a, b: 'p' in o.b ? m(o.b.p) : o.b });
      });
      return { ops, out: m(out) };
    };
    const cset = new Set(Object.values(C));
    const pool = Array.from({ length: t.regsPerMacro }, (_, r) => r).filter((r) => !cset.has(r));
    let best = staticLines(code);
    for (const G of [1, 2, 3]) {
      const iters = Math.floor(quads / G);
      if (iters < 2) continue;
      const p = pipelinedPointwise({ inputs: [placed[0]!], output: placed[1]!, quad, constRegs: cset, pool }, G, iters, 0, t);
      if (!p) continue;
      const cand = listFrom([...consts.code, ...p.code], p.quads);
      const lines = staticLines(cand);
      if (lines < best) { best = lines; code = cand; Object.assign(params, { pipelined: 1, G, II: p.pipe.II, stages: p.pipe.stages, unroll: p.pipe.unroll }); }
    }
  }
  const asm = [`// ${kind} n=${n}${kind === 'leakyrelu' ? ` alpha=${alpha}` : ''} on ${t.name}`, ...dataSection(placed), ...consts.data, '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: kind, dtype: 'f32', asm, flops: n, description: `${kind} over ${n} fp32 words`,
    inputs: [{ symbol: 'x', shape: [n], layout: 'flat' }], outputs: [{ symbol: 'y', shape: [n], layout: 'flat' }],
    params: { ...params, staticLines: staticLines(code) },
  };
}
