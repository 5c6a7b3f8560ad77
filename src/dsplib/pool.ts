// Max / average pooling (k x k window, stride s, no padding) over an NCHW tensor (N = 1); whole-plane
// windows (global pools) go to pool-global.ts. Macro j computes output column ox0 + j: each window tap
// is one load with lane stride s, reduced in rotating registers (windows of 16+ taps into 4 partial
// accumulators and a tree), one 4-word store per quad.
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { AG, agLines, dataSection, emitNest, placeTensors, staticLines } from './emit.js';
import type { DspKernel } from './kernel.js';
import { globalPoolCode } from './pool-global.js';
import { pipelineLoop, resolveLoop } from './modulo-emit.js';
import type { LoopBody, MOp } from './modulo.js';
import { type Op, type Reg, schedule } from './schedule.js';

export interface PoolShape { C: number; H: number; W: number; k: number; stride: number }
export type PoolKind = 'maxpool' | 'avgpool';
/** pipeline: software-pipeline the channel loop (modulo.ts) when it issues fewer lines (default on). */
export interface PoolOptions { pipeline?: boolean }

const INV = 63;
/** Tap registers per window: larger windows (global pools, k >= 8) reuse them round-robin. */
const TAPS = 48;
/** Windows of at least PARTIAL_MIN taps reduce into PARTIALS interleaved accumulators and a tree (chains kk / 4 long, not kk). */
const PARTIAL_MIN = 16, PARTIALS = 4;

export function pool(kind: PoolKind, sh: PoolShape, t: TargetDesc, opts: PoolOptions = {}): DspKernel {
  const { C, H, W, k, stride: s } = sh;
  if (![C, H, W, k, s].every((v) => Number.isInteger(v) && v > 0) || k > H || k > W || s > 7) {
    throw new BwvmError('DSPLIB_SHAPE', `${kind}: need positive C, H, W, k <= H, W and stride 1..7 (got C=${C} ${H}x${W} k=${k} s=${s})`);
  }
  const OH = Math.floor((H - k) / s) + 1, OW = Math.floor((W - k) / s) + 1, kk = k * k;
  const placed = placeTensors([{ name: 'x', words: C * H * W }, { name: 'y', words: C * OH * OW }, { name: 'kinv', words: 1 }], t, `${kind} C=${C} ${H}x${W} k=${k}`);
  const at = (n: string) => placed.find((p) => p.name === n)!;
  const pre = ['w15 = kinv', `xyzt fr${INV} = [w15+=0,0]`];
  let code: string[], pipelined = 0;
  if (k === H && k === W) ({ code, pipelined } = globalPoolCode(kind, C, kk, at('x').addr, at('y').addr, INV, t, opts.pipeline ?? true));
  else ({ code, pipelined } = windowCode(kind, sh, OH, OW, at('x').addr, at('y').addr, t, opts));
  const asm = [`// ${kind} C=${C} ${H}x${W} k=${k} stride ${s} on ${t.name}`, ...dataSection(placed), `.org ${at('kinv').addr}`, `.float ${1 / kk}`, '.text', 'main:',
    ...[...pre, ...code].map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  return {
    name: kind, dtype: 'f32', asm, flops: C * OH * OW * kk, description: `${kind} C=${C} ${H}x${W} window ${k} stride ${s}`,
    inputs: [{ symbol: 'x', shape: [1, C, H, W], layout: 'NCHW' }], outputs: [{ symbol: 'y', shape: [1, C, OH, OW], layout: 'NCHW' }],
    params: { OH, OW, pipelined, staticLines: staticLines([...pre, ...code]) },
  };
}

/** Windows smaller than the plane: macro j computes output column ox0 + j, taps reduced in program order. */
function windowCode(kind: PoolKind, sh: PoolShape, OH: number, OW: number, xAddr: number, yAddr: number, t: TargetDesc, opts: PoolOptions): { code: string[]; pipelined: number } {
  const { C, H, W, k, stride: s } = sh, kk = k * k, regs = Math.min(kk, TAPS);
  const A = kk >= PARTIAL_MIN ? PARTIALS : 1, per = Math.max(1, Math.floor(60 / (regs + A)));
  const b = new OpBuilder(t);
  const sx = [b.stream(0, xAddr, 0), b.stream(2, xAddr, 0)], sy = b.stream(1, yAddr, 0);
  const ops: Op[] = [];
  let item = 0, nl = 0;
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox += 4) {
      const lanes = Math.min(4, OW - ox);
      const groups = lanes === 4 ? [{ m: 'xyzt', n: s, col: ox, st: 1 }] : Array.from({ length: lanes }, (_, j) => ({ m: 'x', n: 0, col: ox + j, st: 0 }));
      for (const g of groups) {
        const slot = item % per, base = 1 + slot * (regs + A), d = base + regs, pr = 4 * item++;
        const form = kind === 'maxpool' ? 'max2' : 'add2';
        // tap i reduces into accumulator d + i % A (the first A taps start them); in program order
        // each tap's reduction follows its load, so a reused tap register (regs > A) is reloaded
        // only after its previous value was consumed
        for (let i = 0; i < kk; i++) {
          const ky = Math.floor(i / k), kx = i % k, j = i % A;
          ops.push(b.loadOp(sx[nl++ % 2]!, (oy * s + ky) * W + g.col * s + kx, g.m, g.n, { p: base + (i % regs) }, pr));
          if (i >= A) ops.push({ kind: 'fmac', op: form, acc: d + j, a: { p: i < 2 * A ? base + j : d + j }, b: { p: base + (i % regs) }, prio: pr + 1 });
        }
        for (let w = 1; w < A; w *= 2) for (let j = 0; j + w < A; j += 2 * w) ops.push({ kind: 'fmac', op: form, acc: d + j, a: { p: d + j }, b: { p: d + j + w }, prio: pr + 1 });
        // one tap: copy it (max(t, t) = t; an add would double an average)
        if (kk === 1) ops.push({ kind: 'fmac', op: 'max2', acc: d, a: { p: base }, b: { p: base }, prio: pr + 1 });
        if (kind === 'avgpool') ops.push({ kind: 'fmac', op: 'fmul', acc: d, a: { p: d }, b: { p: INV }, prio: pr + 2 });
        ops.push(b.storeOp(sy, oy * OW + g.col, g.m, g.st, { p: d }, pr + 3));
      }
    }
  }
  const [body] = resolveIncrements([ops], 3, [H * W, H * W, OH * OW]);
  const lines = schedule(body!, b.streams, [], t, 64, new Set([INV]));
  if (lines.length > 480) throw new BwvmError('DSPLIB_CODE_SIZE', `${kind} C=${C} ${H}x${W}: one channel takes ${lines.length} lines; loop bodies hold 511`, { hint: 'split the plane into row bands' });
  const names = ['x', 'x', 'y'];
  const code = emitNest([C], b.streams.map((st, i) => ({ ...st, base: `${names[i]}+0`, steps: [i === 2 ? OH * OW : H * W] })), { head: lines, tail: [] }, t);
  if ((opts.pipeline ?? true) && C >= 2) {
    const p = pipelinedChannels(kind, sh, OH, OW, xAddr, yAddr, t);
    if (p && staticLines(p) < staticLines(code)) return { code: p, pipelined: 1 };
  }
  return { code, pipelined: 0 };
}

/** The channel loop software pipelined: one channel's windows per iteration, values iteration-local. */
function pipelinedChannels(kind: PoolKind, sh: PoolShape, OH: number, OW: number, xAddr: number, yAddr: number, t: TargetDesc): string[] | undefined {
  const { H, W, k, stride: s } = sh, kk = k * k, A = kk >= PARTIAL_MIN ? PARTIALS : 1;
  const b = new OpBuilder(t);
  const sx = [b.stream(0, xAddr, 0), b.stream(2, xAddr, 0)], sy = b.stream(1, yAddr, 0);
  const ops: MOp[] = [];
  let v = 0, nl = 0;
  const form = kind === 'maxpool' ? 'max2' : 'add2';
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox += 4) {
      const lanes = Math.min(4, OW - ox);
      const groups = lanes === 4 ? [{ m: 'xyzt', n: s, col: ox, st: 1 }] : Array.from({ length: lanes }, (_, j) => ({ m: 'x', n: 0, col: ox + j, st: 0 }));
      for (const g of groups) {
        const accs: Reg[] = [];
        for (let i = 0; i < kk; i++) {
          const ky = Math.floor(i / k), kx = i % k, tv = { v: v++ }, j = i % A;
          ops.push(b.loadOp(sx[nl++ % 2]!, (oy * s + ky) * W + g.col * s + kx, g.m, g.n, tv, 0));
          if (i < A) accs[j] = tv;
          else { const d = { v: v++ }; ops.push({ kind: 'arith', form, d, a: accs[j]!, b: tv }); accs[j] = d; }
        }
        for (let w = 1; w < A; w *= 2) for (let j = 0; j + w < A; j += 2 * w) { const d = { v: v++ }; ops.push({ kind: 'arith', form, d, a: accs[j]!, b: accs[j + w]! }); accs[j] = d; }
        let acc = accs[0]!;
        if (kind === 'avgpool') { const d = { v: v++ }; ops.push({ kind: 'arith', form: 'fmul', d, a: acc, b: { p: INV } }); acc = d; }
        ops.push(b.storeOp(sy, oy * OW + g.col, g.m, g.st, acc, 0));
      }
    }
  }
  if (ops.length > 240) return undefined; // long channel bodies: the list schedule's ramp is a small share
  const step = [H * W, H * W, OH * OW], first = [0, 0, 0];
  const body: LoopBody = { ops: resolveLoop(ops, step, first), streams: b.streams, step, constRegs: new Set([INV]) };
  const p = pipelineLoop(body, sh.C, t, Array.from({ length: INV }, (_, r) => r));
  if (!p) return undefined;
  const names = ['x', 'x', 'y'];
  return [...agLines(b.streams.map((st, i) => ({ ag: st.ag, text: `${AG[st.ag]}${st.ar} = ${names[i]}+${first[i]}` }))), ...p.lines];
}
