// Modulo scheduler: hand-checked bounds (ResMII, RecMII) on small loops, every dependence and
// resource rule on the schedules, and pipelined loops run on the simulator for trip counts 1, 2,
// around the stage / unroll boundaries and large, against a plain JS model of the loop (exact fp32).
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';
import { OpBuilder } from '../../src/dsplib/builder.js';
import { type Pipelined, pipelineLoop, resolveLoop } from '../../src/dsplib/modulo-emit.js';
import { buildEdges, type LoopBody, type MOp, recMII, resMII, resourceViolations, respectsEdges, scheduleAt } from '../../src/dsplib/modulo.js';
import { rand } from './harness.js';

const T = getTarget('bwdsp104x');
const BW = T.memory.blockWords;
const POOL = Array.from({ length: 40 }, (_, i) => i + 1);

/** Dot-product-like loop: per iteration load a quad of a (u) and b (v), acc (pinned r50) += a*b. */
function dotBody(): LoopBody {
  const b = new OpBuilder(T);
  const sa = b.stream(0, 0, 0), sb = b.stream(1, BW, 0);
  const ops: MOp[] = [b.loadOp(sa, 0, 'xyzt', 1, { v: 0 }, 0), b.loadOp(sb, 0, 'xyzt', 1, { v: 1 }, 0),
    { kind: 'arith', form: 'fmac', d: { p: 50 }, a: { v: 0 }, b: { v: 1 } }];
  return { ops: resolveLoop(ops, [4, 4]), streams: b.streams, step: [4, 4] };
}

/** Pointwise loop: y = max(x, 0) + x·x per quad, x on u, y on v. */
function pointBody(): LoopBody {
  const b = new OpBuilder(T);
  const sx = b.stream(0, 0, 0), sy = b.stream(1, BW, 0);
  const ops: MOp[] = [b.loadOp(sx, 0, 'xyzt', 1, { v: 0 }, 0),
    { kind: 'arith', form: 'max2', d: { v: 1 }, a: { v: 0 }, b: { p: 0 } },
    { kind: 'arith', form: 'fmac', d: { v: 1 }, a: { v: 0 }, b: { v: 0 } },
    b.storeOp(sy, 0, 'xyzt', 1, { v: 1 }, 0)];
  return { ops: resolveLoop(ops, [4, 4]), streams: b.streams, step: [4, 4], constRegs: new Set([0]) };
}

function run(p: Pipelined, inputs: Array<{ sym: string; data: Float32Array }>, out: { sym: string; words: number }, pre: string[] = []): { out: Float32Array; acc: Float32Array; stalls: Record<string, number> } {
  const asm = ['.data', '.org 0', 'a: .space 4096', `.org ${BW}`, 'b: .space 4096', `.org ${2 * BW}`, 'y: .space 4096', '.text', 'main:',
    'xyzt r0 = 0 || xyzt r50 = 0', 'u0 = a || v0 = b', ...pre, ...p.lines, 'w0 = y', '[w0+=4,1] = xyzt fr50', 'halt'].join('\n');
  const sim = new Simulator(assemble(asm, { limits: T }), T);
  for (const i of inputs) sim.setInput(i.sym, i.data);
  const res = sim.runSync({ mode: 'fast' });
  return { out: sim.readOutput(out.sym, out.words), acc: sim.readOutput('y', 4), stalls: res.profile.stalls as unknown as Record<string, number> };
}

describe('modulo scheduling bounds and legality', () => {
  it('dot product: ResMII 1, RecMII = fmac latency (the accumulator recurrence), II = 2', () => {
    const body = dotBody(), e = buildEdges(body, T);
    expect(resMII(body, T)).toBe(1);
    expect(recMII(body, T, e)).toBe(T.latency.fmac);
    const s = scheduleAt(body, T, 2, e)!;
    expect(s.II).toBe(2);
    expect(respectsEdges(s, e)).toBe(true);
    expect(resourceViolations(body, T, s)).toEqual([]);
    expect(scheduleAt(body, T, 1, e)).toBeUndefined(); // below RecMII the accumulator chain cannot close
  });
  it('three loads on one generator: ResMII 3', () => {
    const b = new OpBuilder(T);
    const s0 = b.stream(0, 0, 0), s1 = b.stream(0, BW, 0), s2 = b.stream(0, 2 * BW, 0);
    const ops: MOp[] = [s0, s1, s2].map((s, k) => b.loadOp(s, 0, 'xyzt', 1, { v: k }, 0));
    ops.push({ kind: 'arith', form: 'add2', d: { v: 3 }, a: { v: 0 }, b: { v: 1 } }, { kind: 'arith', form: 'add2', d: { p: 9 }, a: { v: 3 }, b: { v: 2 } });
    const body: LoopBody = { ops: resolveLoop(ops, [4, 4, 4]), streams: b.streams, step: [4, 4, 4] };
    expect(resMII(body, T)).toBe(3);
    const p = pipelineLoop(body, 50, T, POOL)!;
    expect(p.II).toBe(3);
  });
  it('nine multiply-accumulates into separate accumulators: MUL bound, ResMII 2', () => {
    const b = new OpBuilder(T);
    const s0 = b.stream(0, 0, 0);
    const ops: MOp[] = [b.loadOp(s0, 0, 'xyzt', 1, { v: 0 }, 0)];
    for (let k = 0; k < 9; k++) ops.push({ kind: 'arith', form: 'fmac', d: { p: 20 + k }, a: { v: 0 }, b: { v: 0 } });
    const body: LoopBody = { ops: resolveLoop(ops, [4]), streams: b.streams, step: [4] };
    expect(resMII(body, T)).toBe(Math.ceil(9 / T.units.MUL));
    const e = buildEdges(body, T), s = scheduleAt(body, T, 2, e)!;
    expect(respectsEdges(s, e)).toBe(true);
    expect(resourceViolations(body, T, s)).toEqual([]);
  });
  it('a value living longer than II gets several registers (modulo variable expansion)', () => {
    const p = pipelineLoop(pointBody(), 40, T, POOL)!;
    expect(p.II).toBe(1);
    expect(p.unroll).toBeGreaterThan(1);
    expect(p.regs).toBeGreaterThan(2);
  });
});

describe('pipelined loops on the simulator', () => {
  const dot = (n: number): void => {
    const a = rand(4 * n, 3), bb = rand(4 * n, 4);
    const p = pipelineLoop(dotBody(), n, T, POOL)!;
    const r = run(p, [{ sym: 'a', data: a }, { sym: 'b', data: bb }], { sym: 'y', words: 4 });
    const want = new Float32Array(4);
    for (let i = 0; i < n; i++) for (let j = 0; j < 4; j++) want[j] = Math.fround(want[j]! + a[4 * i + j]! * bb[4 * i + j]!);
    expect(Array.from(r.acc)).toEqual(Array.from(want));
    expect(r.stalls.dependency).toBe(0);
    expect(r.stalls.bank).toBe(0);
  };
  const point = (n: number): void => {
    const x = rand(4 * n, 7);
    const p = pipelineLoop(pointBody(), n, T, POOL)!;
    const r = run(p, [{ sym: 'a', data: x }], { sym: 'b', words: 4 * n });
    const want = x.map((v) => Math.fround(Math.max(v, 0) + v * v));
    expect(Array.from(r.out)).toEqual(Array.from(want));
    expect(r.stalls.dependency).toBe(0);
    expect(p.issued).toBeLessThanOrEqual((n - 1) * p.II + p.stages * p.II + 1);
  };
  const counts = (p: Pipelined): number[] => [1, 2, p.stages - 1, p.stages, p.stages + 1, p.stages + p.unroll, p.stages + 2 * p.unroll + 1, 300].filter((n) => n >= 1);
  it('dot product for trip counts 1, 2, stage and unroll boundaries, 300', () => {
    for (const n of counts(pipelineLoop(dotBody(), 300, T, POOL)!)) dot(n);
  });
  it('pointwise chain with expanded registers for the same trip counts', () => {
    for (const n of counts(pipelineLoop(pointBody(), 300, T, POOL)!)) point(n);
  });
  it('a long loop is a zero-overhead kernel loop with prologue and epilogue, not straight-line code', () => {
    const p = pipelineLoop(pointBody(), 300, T, POOL)!;
    expect(p.kernelCount).toBeGreaterThan(1);
    expect(p.lines.length).toBeLessThan(40);
    expect(p.lines.some((l) => l.startsWith('loop '))).toBe(true);
  });
});
