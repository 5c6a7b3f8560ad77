// Fast mode (fused zero-overhead loops) and traced mode (line by line) must agree exactly:
// same outputs, cycles, stalls, per-line counts; traced mode adds a timeline and events.
import { expect, test } from 'vitest';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';

const T = getTarget('bwdsp104x');
const SRC = `
.data
a: .space 64
b: .space 64
out: .space 64
.text
main:
    u0 = a || v0 = b || w0 = out || xr9 = 3
    loop e1, 2                       // outer loop sharing its end with the inner one
    loop e1, 4
    xyzt r1 = [u0+=4,1] || xyzt r2 = [v0+=4,1]     // bank conflicts (a, b same block)
    xyzt fr3 = fr1 * fr2                          // dependency stall on the loads
    [w0+=4,1] = xyzt r3
e1:
    u0 = a
    loop e2, xr9
    xyzt r4 = [u0+=4,1]
    xyzt fr5 += fr4 * fr4
e2:
    xr10 = r9 + 1
    if xr10 < r9 b main
    halt
`;

test('fast and traced runs agree', () => {
  const p = assemble(SRC, { limits: T });
  const results = (['fast', 'traced'] as const).map((mode) => {
    const sim = new Simulator(p, T);
    sim.setInput('a', Array.from({ length: 64 }, (_, i) => i - 20));
    sim.setInput('b', Array.from({ length: 64 }, (_, i) => 3 - i));
    const r = sim.runSync({ mode, sampleEvery: 7 });
    return { sim, r };
  });
  const [fast, traced] = results as [typeof results[0], typeof results[0]];
  expect(Array.from(fast.sim.readOutput('out'))).toEqual(Array.from(traced.sim.readOutput('out')));
  expect(Array.from(fast.sim.readOutput('out', 32))).toEqual(Array.from({ length: 32 }, (_, i) => (i - 20) * (3 - i)));
  expect(fast.sim.freg(2, 5)).toBe(traced.sim.freg(2, 5));
  const strip = ({ timeline: _t, ...rest }: typeof fast.r.profile) => rest;
  expect(strip(fast.r.profile)).toEqual(strip(traced.r.profile));
  expect(fast.r.profile.stalls.bank).toBeGreaterThan(0);
  expect(fast.r.profile.stalls.dependency).toBeGreaterThan(0);
  expect(fast.r.profile.timeline).toBeUndefined();
  const tl = traced.r.profile.timeline!;
  expect(tl.samples.reduce((s, x) => s + x.cycles, 0)).toBe(traced.r.cycles);
  expect(traced.r.events!.filter((e) => e.kind === 'bank').length).toBe(traced.r.profile.bankConflicts);
  // per-region cycles add up to the total
  const lines = traced.r.profile.regions.reduce((s, r) => s + r.cycles, 0);
  expect(lines).toBe(traced.r.cycles);
});

test('onLine sees every issued line in traced mode', () => {
  const sim = new Simulator(assemble('  loop e, 3\n  nop\ne:\n  halt\n', { limits: T }), T);
  const pcs: number[] = [];
  sim.runSync({ mode: 'traced', onLine: (pc) => pcs.push(pc) });
  expect(pcs).toEqual([0, 1, 1, 1, 2]);
});
