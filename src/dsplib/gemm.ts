// Dense / GEMM fp32 generator: y[N,M] = x[N,K] · W^T (+ b) (+ ReLU), W [M,K] (ONNX Gemm transB=1),
// and plain C = A·B (B [K,M], laid out transposed on the host). Macro j takes the k ≡ j (mod 4)
// terms: one 4-word load feeds each macro its own k for a row of x or W; a block holds R x-rows
// by Q W-rows in R*Q accumulators per macro, reduced across the macros with per-macro `fsum`.
import { type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { dataSection, emitNest, type Placed, placeTensors, staticLines } from './emit.js';
import type { DspKernel } from './kernel.js';
import { pipelineLoop, resolveLoop } from './modulo-emit.js';
import type { LoopBody, MOp } from './modulo.js';
import { type ExtraForm, type Op, poolRegs, type Reg, schedule } from './schedule.js';

export interface GemmShape { N: number; K: number; M: number }
/** pipeline: per block, software-pipeline the k loop (modulo.ts) when it issues fewer lines (default on). */
export interface GemmOptions { bias?: boolean; relu?: boolean; block?: { R: number; Q: number }; pipeline?: boolean }

const ZERO = 63;
const FSUM: ExtraForm[] = ['fsumx', 'fsumy', 'fsumz', 'fsumt'];
const MAX_ACC = 44;

/** Weight row pitch: K rounded up to 4 words (zero padded), and ≡ 4 (mod 8) so alternate rows use different banks. */
export const gemmPitch = (K: number): number => { const k4 = Math.ceil(K / 4) * 4; return k4 % 8 === 0 ? k4 + 4 : k4; };

/** Lines per k-quad of an R x Q block: multiply-accumulates (8 per line) vs loads (3 ports per line). */
const quadLines = (R: number, Q: number): number => Math.max((R * Q) / 8, ((R + Q) / 3) * 1.1);

function estimate(sh: GemmShape, R: number, Q: number): number {
  const k4 = Math.ceil(sh.K / 4);
  const per = (r: number, q: number): number => k4 * quadLines(r, q) + (r * q) / 4 + 12;
  const nb = Math.floor(sh.N / R), nr = sh.N % R, mb = Math.floor(sh.M / Q), mr = sh.M % Q;
  return nb * mb * per(R, Q) + (nr ? mb * per(nr, Q) : 0) + (mr ? nb * per(R, mr) : 0) + (nr && mr ? per(nr, mr) : 0);
}

function candidates(sh: GemmShape, t: TargetDesc): Array<{ R: number; Q: number }> {
  const all: Array<{ b: { R: number; Q: number }; c: number }> = [];
  for (let R = 1; R <= Math.min(8, sh.N); R++) {
    for (let Q = 1; Q <= Math.min(MAX_ACC, sh.M); Q++) {
      if (R * Q <= MAX_ACC && R * Q + R + Q + 12 <= t.regsPerMacro) all.push({ b: { R, Q }, c: estimate(sh, R, Q) });
    }
  }
  all.sort((a, b) => a.c - b.c);
  return all.map((x) => x.b);
}

const shapeText = (sh: GemmShape): string => `N=${sh.N} K=${sh.K} M=${sh.M}`;

/** Generate y = x · W^T + b (Dense layer, W [M,K]) for one exact shape. */
export function dense(sh: GemmShape, t: TargetDesc, opts: GemmOptions = {}): DspKernel {
  return generate('dense', sh, t, { bias: true, ...opts });
}

/** Generate C = A · B (A [N,K], B [K,M]; B is stored transposed, see the kernel's input `b`). */
export function matmul(sh: GemmShape, t: TargetDesc, opts: GemmOptions = {}): DspKernel {
  return generate('matmul', sh, t, { ...opts, bias: false });
}

function generate(kind: 'dense' | 'matmul', sh: GemmShape, t: TargetDesc, opts: GemmOptions): DspKernel {
  for (const [k, v] of Object.entries(sh)) {
    if (!Number.isInteger(v) || v < 1) throw new BwvmError('DSPLIB_SHAPE', `${kind}: ${k} must be a positive integer (got ${v})`);
  }
  if (opts.block) {
    const { R, Q } = opts.block;
    if (R * Q > MAX_ACC || R * Q + R + Q + 12 > t.regsPerMacro) {
      throw new BwvmError('DSPLIB_REGISTERS', `${kind} ${shapeText(sh)}: block R=${R} Q=${Q} needs ${R * Q} accumulators + ${R + Q} operands per k-quad; ${t.name} has ${t.regsPerMacro} registers per macro`,
        { hint: `use a smaller block (R*Q <= ${MAX_ACC}) or let the generator choose` });
    }
    return build(kind, sh, { R: Math.min(R, sh.N), Q: Math.min(Q, sh.M) }, t, opts);
  }
  let best: DspKernel | undefined;
  for (const b of candidates(sh, t).slice(0, 3)) {
    const k = build(kind, sh, b, t, opts);
    if (!best || k.params.staticLines! < best.params.staticLines!) best = k;
  }
  return best!;
}

function build(kind: 'dense' | 'matmul', sh: GemmShape, blk: { R: number; Q: number }, t: TargetDesc, opts: GemmOptions): DspKernel {
  const { N, K, M } = sh, { R, Q } = blk, Kp = gemmPitch(K);
  const wName = kind === 'dense' ? 'w' : 'b', xName = kind === 'dense' ? 'x' : 'a';
  // x rows are read in 4-word quads up to K rounded up: the words past the last row must be finite (zero)
  // W first: when it spans several memory blocks the others still start on fresh blocks (no shared banks)
  const tensors = [{ name: wName, words: M * Kp }, { name: xName, words: N * K + 4 }, ...(opts.bias ? [{ name: 'b', words: M + 4 }] : []), { name: 'y', words: N * M }];
  const placed = placeTensors(tensors, t, `${kind} ${shapeText(sh)}`);
  const at = (n: string): Placed => placed.find((p) => p.name === n)!;
  const code: string[] = [`xyzt r${ZERO} = 0`];
  const nb = Math.floor(N / R), nr = N % R, mb = Math.floor(M / Q), mr = M % Q;
  const parts = [
    { r: R, q: Q, nc: nb, mc: mb, n0: 0, m0: 0 }, { r: R, q: mr, nc: nb, mc: 1, n0: 0, m0: mb * Q },
    { r: nr, q: Q, nc: 1, mc: mb, n0: nb * R, m0: 0 }, { r: nr, q: mr, nc: 1, mc: 1, n0: nb * R, m0: mb * Q },
  ];
  let pipelinedParts = 0;
  for (const p of parts) {
    if (p.r === 0 || p.q === 0 || p.nc === 0 || p.mc === 0) continue;
    // the line estimate can be low (bank conflicts): retry with shorter unrolled k-chunks
    let part: string[] = [];
    for (let scale = 1; ; scale *= 1.6) {
      try { part = blockNest(sh, Kp, p, at(xName), at(wName), opts.bias ? at('b') : undefined, at('y'), !!opts.relu, t, scale); break; } catch (e) {
        if ((e as BwvmError).code !== 'DSPLIB_CODE_SIZE' || scale > 10) throw e;
      }
    }
    if (opts.pipeline ?? true) {
      const piped = blockNest(sh, Kp, p, at(xName), at(wName), opts.bias ? at('b') : undefined, at('y'), !!opts.relu, t, 1, true);
      if (piped.length && staticLines(piped) < staticLines(part)) { part = piped; pipelinedParts++; }
    }
    code.push(...part);
  }
  const staticN = staticLines(code);
  const asm = [`// ${kind} ${shapeText(sh)}${opts.relu ? ' + relu' : ''} on ${t.name}: block R=${R} Q=${Q}`, ...dataSection(placed), '.text', 'main:',
    ...code.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  const wIn = kind === 'dense'
    ? { symbol: 'w', shape: [M, K], layout: 'MK', rowPitch: Kp }
    : { symbol: 'b', shape: [M, K], layout: 'B transposed: B^T [M,K] (use gemmLayoutB)', rowPitch: Kp };
  return {
    name: kind, dtype: 'f32', asm, flops: 2 * N * K * M,
    description: `${kind} ${shapeText(sh)}${opts.bias ? ' + bias' : ''}${opts.relu ? ' + relu' : ''} (fp32)`,
    inputs: [{ symbol: xName, shape: [N, K], layout: 'NK' }, wIn, ...(opts.bias ? [{ symbol: 'b', shape: [M], layout: 'M' }] : [])],
    outputs: [{ symbol: 'y', shape: [N, M], layout: 'NM' }],
    params: { R, Q, Kp, staticLines: staticN, pipelinedParts },
  };
}

/** B [K,M] row-major -> B^T [M,K] row-major (what `matmul`'s input `b` holds before the row pitch). */
export function gemmLayoutB(b: ArrayLike<number>, K: number, M: number): Float32Array {
  const out = new Float32Array(K * M);
  for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) out[m * K + k] = b[k * M + m]!;
  return out;
}

interface Part { r: number; q: number; nc: number; mc: number; n0: number; m0: number }

/** Loop nest over nc x mc blocks of r x-rows by q W-rows starting at (n0, m0). */
function blockNest(sh: GemmShape, Kp: number, p: Part, X: Placed, Wt: Placed, B: Placed | undefined, Y: Placed, relu: boolean, t: TargetDesc, scale: number, pipe = false): string[] {
  const { K, M } = sh, { r: R, q: Q } = p, k4 = Math.ceil(K / 4);
  const b = new OpBuilder(t);
  const work = [0, 0, 0];
  const pick = (w: number): number => { let a = 0; for (let k = 1; k < 3; k++) if (work[k]! < work[a]!) a = k; work[a]! += w; return a; };
  const xS = Array.from({ length: R }, (_, i) => b.stream(pick(k4), X.addr, (p.n0 + i) * K));
  const wS = Array.from({ length: Q }, (_, i) => b.stream(pick(k4), Wt.addr, (p.m0 + i) * Kp));
  const groups = Math.ceil(Q / 4);
  const yS = Array.from({ length: R }, (_, i) => b.stream(pick(groups), Y.addr, (p.n0 + i) * M + p.m0));
  const bS = B ? b.stream(pick(groups), B.addr, p.m0) : -1;
  const acc = (i: number, j: number): number => i * Q + j;
  let prio = 0;
  const quads = (i0: number, i1: number): Op[] => {
    const ops: Op[] = [];
    for (let i = i0; i < i1; i++) {
      const base = prio;
      const xv: Reg[] = xS.map((s, n) => { const v = b.vreg(); ops.push(b.loadOp(s, 4 * i, 'xyzt', 1, v, base + n * Q)); return v; });
      const wv: Reg[] = wS.map((s, m) => { const v = b.vreg(); ops.push(b.loadOp(s, 4 * i, 'xyzt', 1, v, base + m)); return v; });
      for (let n = 0; n < R; n++) for (let m = 0; m < Q; m++) ops.push({ kind: 'fmac', op: i === 0 ? 'fmul' : 'fmac', acc: acc(n, m), a: xv[n]!, b: wv[m]!, prio: prio++ });
    }
    return ops;
  };
  const epilogue = (): Op[] => {
    const ops: Op[] = [];
    for (let g = 0; g < groups; g++) {
      const lanes = Math.min(4, Q - 4 * g), mask = 'xyzt'.slice(0, lanes);
      const bv = b.vreg();
      if (B) ops.push(b.loadOp(bS, 4 * g, 'xyzt', 1, bv, prio));
      for (let n = 0; n < R; n++) {
        const d = acc(n, 4 * g);
        for (let j = 0; j < lanes; j++) ops.push({ kind: 'fmac', op: FSUM[j]!, acc: d, a: { p: acc(n, 4 * g + j) }, b: { p: acc(n, 4 * g + j) }, prio: prio++ });
        if (B) ops.push({ kind: 'fmac', op: 'fadd', acc: d, a: bv, b: bv, prio: prio++ });
        if (relu) ops.push({ kind: 'fmac', op: 'max2', acc: d, a: { p: d }, b: { p: ZERO }, prio: prio++ });
        ops.push(b.storeOp(yS[n]!, 4 * g, mask, 1, { p: d }, prio++));
      }
    }
    return ops;
  };
  const stepM = b.streams.map((_, i) => (wS.includes(i) ? Q * Kp : yS.includes(i) || i === bS ? Q : 0));
  const steps = (i: number): number[] => (xS.includes(i) ? [R * K, 0] : wS.includes(i) ? [0, Q * Kp] : i === bS ? [0, Q] : [R * M, Q]);
  const nest = b.streams.map((st, i) => ({ ...st, base: `${xS.includes(i) ? X.name : wS.includes(i) ? Wt.name : i === bS ? B!.name : Y.name}+${st.start}`, steps: steps(i) }));
  const pinned = new Set([...Array.from({ length: R * Q }, (_, k) => k), ZERO]);
  if (pipe) {
    // accumulators zeroed, then the k loop modulo scheduled (one k-quad per iteration), then the epilogue
    const body = pipelinedK(b, xS, wS, R, Q, k4, acc, t);
    if (!body) return [];
    const kRel = b.streams.map((_, i) => (xS.includes(i) || wS.includes(i) ? 4 * k4 : 0));
    const [epi] = resolveIncrements([epilogue()], b.streams.length, stepM.map((st, i) => st - kRel[i]!));
    const zero: string[] = [];
    for (let k = 0; k < R * Q; k += t.units.ALU) zero.push(Array.from({ length: Math.min(t.units.ALU, R * Q - k) }, (_, j) => `xyzt r${k + j} = 0`).join(' || '));
    const lines = [...zero, ...body, ...schedule(epi!, b.streams, poolRegs(t, pinned), t, 64, new Set([ZERO]))];
    try { return emitNest([p.nc, p.mc], nest, { head: lines, tail: [] }, t); } catch (e) {
      if ((e as BwvmError).code === 'DSPLIB_CODE_SIZE') return [];
      throw e;
    }
  }
  const lpq = quadLines(R, Q) * 1.15 * scale;
  let segs: Op[][], midCount = 0, shift = b.streams.map(() => 0);
  const kRel = b.streams.map((_, i) => (xS.includes(i) || wS.includes(i) ? 4 : 0));
  if (k4 * lpq + (R * Q) / 4 + 30 <= 470) segs = [[...quads(0, k4), ...epilogue()]];
  else {
    const cc = Math.max(1, Math.floor(400 / lpq / 2));
    const rem = k4 - 1;
    let nmid = Math.floor(rem / cc), ct = rem - nmid * cc;
    if (ct === 0) { ct = cc; nmid--; }
    midCount = nmid;
    const head = quads(0, 1);
    if (nmid > 0) {
      const mid = quads(1, 1 + cc);
      const tail = [...quads(k4 - ct, k4), ...epilogue()];
      shift = kRel.map((kr) => -(nmid - 1) * cc * kr);
      segs = [head, mid, tail];
    } else segs = [head, [...quads(1, k4), ...epilogue()]];
  }
  const end = stepM.map((st, i) => st + shift[i]!);
  const resolved = resolveIncrements(segs, b.streams.length, end, shift);
  const sched = resolved.map((ops) => schedule(ops, b.streams, poolRegs(t, pinned), t, 64, new Set([ZERO])));
  const body = sched.length === 1 ? { head: sched[0]!, tail: [] } : sched.length === 2 ? { head: sched[0]!, tail: sched[1]! }
    : { head: sched[0]!, mid: { lines: sched[1]!, count: midCount }, tail: sched[2]! };
  return emitNest([p.nc, p.mc], nest, body, t);
}

/** The k loop of a block software pipelined: per iteration R x quads, Q W quads, R*Q fmacs into the accumulators. */
function pipelinedK(b: OpBuilder, xS: number[], wS: number[], R: number, Q: number, k4: number, acc: (i: number, j: number) => number, t: TargetDesc): string[] | undefined {
  const ops: MOp[] = [];
  let v = 0;
  const xv = xS.map((s) => { const r = { v: v++ }; ops.push(b.loadOp(s, 0, 'xyzt', 1, r, 0)); return r; });
  const wv = wS.map((s) => { const r = { v: v++ }; ops.push(b.loadOp(s, 0, 'xyzt', 1, r, 0)); return r; });
  for (let n = 0; n < R; n++) for (let m = 0; m < Q; m++) ops.push({ kind: 'arith', form: 'fmac', d: { p: acc(n, m) }, a: xv[n]!, b: wv[m]! });
  const step = b.streams.map((_, i) => (xS.includes(i) || wS.includes(i) ? 4 : 0));
  const body: LoopBody = { ops: resolveLoop(ops, step), streams: b.streams, step, constRegs: new Set([ZERO]) };
  const pool = Array.from({ length: ZERO - R * Q }, (_, k) => R * Q + k);
  return pipelineLoop(body, k4, t, pool, 300)?.lines;
}
