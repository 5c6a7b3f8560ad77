// Property test of the modulo scheduler: seeded random loop bodies (1-3 quads per iteration, one
// or two inputs, random fp32 chains, an optional loop-carried accumulator, accesses spread over the
// generators) are pipelined, assembled, run on the simulator (no fault, no dependency stall) and
// compared word for word with a JS model of the loop run iteration by iteration.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';
import { OpBuilder } from '../../src/dsplib/builder.js';
import { pipelineLoop, resolveLoop } from '../../src/dsplib/modulo-emit.js';
import { buildEdges, type LoopBody, type MOp, resourceViolations, respectsEdges, scheduleAt } from '../../src/dsplib/modulo.js';
import type { ArithForm } from '../../src/dsplib/schedule.js';
import { rand } from './harness.js';

const T = getTarget('bwdsp104x');
const BW = T.memory.blockWords;
const NAMES = ['a', 'b', 'y'];
const F: Record<string, (d: number, a: number, b: number) => number> = {
  add2: (_d, a, b) => a + b, sub2: (_d, a, b) => a - b, max2: (_d, a, b) => Math.max(a, b), min2: (_d, a, b) => Math.min(a, b),
  fmul: (_d, a, b) => a * b, fmac: (d, a, b) => d + a * b,
};

function randomLoop(seed: number): { body: LoopBody; model: (ins: Float32Array[], n: number) => { y: Float32Array; acc: number[] }; G: number; nIn: number } {
  let s = seed;
  const rnd = (k: number): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % k; };
  const G = 1 + rnd(3), nIn = 1 + rnd(2), withAcc = rnd(2) === 1;
  const b = new OpBuilder(T);
  const streams = new Map<string, { s: number; q0: number }>();
  const access = (tensor: number, q: number): { s: number; rel: number } => {
    const ag = rnd(3), key = `${tensor}:${ag}`;
    let st = streams.get(key);
    if (!st) { st = { s: b.stream(ag, tensor * BW, 4 * q), q0: q }; streams.set(key, st); }
    return { s: st.s, rel: 4 * (q - st.q0) };
  };
  const ops: MOp[] = [];
  // model program: per quad, value slots computed by steps
  type Step = { form: string; d: number; a: number; b: number } ;
  const plan: Array<{ loads: Array<{ tensor: number; v: number }>; steps: Step[]; out: number }> = [];
  let nv = 0;
  for (let q = 0; q < G; q++) {
    const loads = Array.from({ length: nIn }, (_, tensor) => ({ tensor, v: nv++ }));
    // a stream's accesses must keep increasing offsets: pick the stream when the quad's access is issued
    for (const l of loads) { const a = access(l.tensor, q); ops.push(b.loadOp(a.s, a.rel, 'xyzt', 1, { v: l.v }, 0)); }
    const vals = loads.map((l) => l.v), steps: Step[] = [];
    for (let k = 0, m = 1 + rnd(4); k < m; k++) {
      const form = ['add2', 'sub2', 'max2', 'min2', 'fmul', 'fmac'][rnd(6)]!;
      const a = vals[rnd(vals.length)]!, bb = vals[rnd(vals.length)]!;
      const d = form === 'fmac' ? vals[rnd(vals.length)]! : nv++; // fmac rewrites any value: earlier readers need the old one (WAR)
      steps.push({ form, d, a, b: bb });
      ops.push({ kind: 'arith', form: form as ArithForm, d: { v: d }, a: { v: a }, b: { v: bb } });
      if (form !== 'fmac') vals.push(d);
    }
    const out = vals[vals.length - 1]!;
    if (withAcc) { steps.push({ form: 'acc', d: -1, a: out, b: out }); ops.push({ kind: 'arith', form: 'fmac', d: { p: 50 }, a: { v: out }, b: { v: out } }); }
    const st = access(2, q);
    ops.push(b.storeOp(st.s, st.rel, 'xyzt', 1, { v: out }, 0));
    plan.push({ loads, steps, out });
  }
  const step = b.streams.map(() => 4 * G);
  const body: LoopBody = { ops: resolveLoop(ops, step), streams: b.streams, step };
  const model = (ins: Float32Array[], n: number) => {
    const y = new Float32Array(4 * G * n), acc = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) for (let q = 0; q < G; q++) for (let j = 0; j < 4; j++) {
      const w = 4 * (G * i + q) + j, v = new Map<number, number>();
      for (const l of plan[q]!.loads) v.set(l.v, ins[l.tensor]![w]!);
      for (const st of plan[q]!.steps) {
        if (st.form === 'acc') { acc[j] = Math.fround(acc[j]! + v.get(st.a)! * v.get(st.b)!); continue; }
        v.set(st.d, Math.fround(F[st.form]!(v.get(st.d) ?? 0, v.get(st.a)!, v.get(st.b)!)));
      }
      y[w] = v.get(plan[q]!.out)!;
    }
    return { y, acc };
  };
  return { body, model, G, nIn };
}

describe('random loop bodies pipelined on the simulator', () => {
  for (let seed = 1; seed <= 24; seed++) {
    it(`seed ${seed}`, () => {
      const { body, model, G } = randomLoop(seed);
      const n = [1, 2, 3, 5, 9, 17, 40][seed % 7]!;
      const p = pipelineLoop(body, n, T, Array.from({ length: 40 }, (_, i) => i + 1))!;
      expect(p).toBeDefined();
      const e = buildEdges(body, T), s = scheduleAt(body, T, p.II, e)!;
      expect(respectsEdges(s, e)).toBe(true);
      expect(resourceViolations(body, T, s)).toEqual([]);
      const ar = body.streams.map((st, k) => `${'uvw'[st.ag]}${st.ar} = ${NAMES[Math.floor(((body.ops.find((o) => o.kind !== 'arith' && o.stream === k) as { addr: number[] }).addr[0]!) / BW)]}+${(body.ops.find((o) => o.kind !== 'arith' && o.stream === k) as { addr: number[] }).addr[0]! % BW}`);
      const asm = ['.data', '.org 0', 'a: .space 4096', `.org ${BW}`, 'b: .space 4096', `.org ${2 * BW}`, 'y: .space 4096', `.org ${3 * BW}`, 'acc: .space 4',
        '.text', 'main:', 'xyzt r50 = 0', ...ar, ...p.lines, 'w15 = acc', '[w15+=4,1] = xyzt fr50', 'halt'].join('\n');
      const sim = new Simulator(assemble(asm, { limits: T }), T);
      const ins = [rand(4 * G * n, seed), rand(4 * G * n, seed + 100)];
      sim.setInput('a', ins[0]!); sim.setInput('b', ins[1]!);
      const res = sim.runSync({ mode: 'fast' });
      const want = model(ins, n);
      expect(Array.from(sim.readOutput('y', 4 * G * n))).toEqual(Array.from(want.y));
      expect(Array.from(sim.readOutput('acc', 4))).toEqual(want.acc.map((v) => Math.fround(v)));
      expect(res.profile.stalls.dependency).toBe(0);
    });
  }
});
