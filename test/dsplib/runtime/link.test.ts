// Kernels as subroutines: rewritten code reads tensor addresses from argument blocks; a chain
// conv2d -> relu -> maxpool linked into one Program and run on the real simulator equals the
// reference executor; one subroutine called twice with different argument blocks.
import { describe, expect, test } from 'vitest';
import { DSP_KERNELS, layoutData } from '../../../src/dsplib/index.js';
import { ChipAllocator, linkCalls, toSubroutine } from '../../../src/dsplib/runtime/index.js';
import { Simulator } from '../../../src/sim/index.js';
import { chipWords, getTarget } from '../../../src/target/index.js';
import { rand, reference, relError } from '../harness.js';

const T = getTarget('bwdsp104x');
const gen = (name: string, shape: object) => (DSP_KERNELS[name] as unknown as { generate(s: object, t: typeof T): import('../../../src/dsplib/index.js').DspKernel }).generate(shape, T);
const words = (f: Float32Array): Uint32Array => new Uint32Array(f.buffer.slice(0));

describe('subroutines', () => {
  test('argument symbols become agld from w14; halt becomes ret; labels are prefixed', () => {
    const s = toSubroutine(gen('relu', { n: 40 }), 'k0', T);
    const text = s.code.join('\n');
    expect(text).toMatch(/u0 = \[w14\+0\]/);
    expect(text).toMatch(/v0 = \[w14\+1\]/);
    expect(text).not.toMatch(/\bhalt\b/);
    expect(s.code[s.code.length - 1]).toBe('ret');
    expect(s.code[0]).toBe('fn_k0:');
    expect(s.privates.map((p) => p.symbol)).toContain('fn_k0_k6');
    expect(s.args.map((a) => [a.symbol, a.role])).toEqual([['x', 'input'], ['y', 'output']]);
  });

  test('conv2d -> relu -> maxpool as three calls equals the reference', () => {
    const sh = { C: 3, H: 12, W: 12, M: 8, kH: 3, kW: 3, stride: 1, pad: 1 };
    const conv = gen('conv2d', sh), relu = gen('relu', { n: 8 * 12 * 12 }), pool = gen('maxpool', { C: 8, H: 12, W: 12, k: 2, stride: 2 });
    const subs = [toSubroutine(conv, 'c0', T), toSubroutine(relu, 'r0', T), toSubroutine(pool, 'p0', T)];
    const alloc = new ChipAllocator(0, chipWords(T));
    const x = rand(3 * 144, 1), w = rand(8 * 27, 2), b = rand(8, 3);
    const [wT] = conv.inputs.slice(1);
    const ax = alloc.alloc('x', 3 * 144), aw = alloc.alloc('w', layoutData(wT!, w).length), ab = alloc.alloc('b', 8);
    const a1 = alloc.alloc('t1', 8 * 144), a2 = alloc.alloc('t2', 8 * 144), ay = alloc.alloc('y', 8 * 36);
    const { program } = linkCalls({
      alloc,
      calls: [{ region: 'conv', sub: subs[0]!, addrs: [ax, aw, ab, a1] }, { region: 'relu', sub: subs[1]!, addrs: [a1, a2] }, { region: 'pool', sub: subs[2]!, addrs: [a2, ay] }],
      symbols: [{ name: 'input', addr: ax, words: 3 * 144 }, { name: 'output', addr: ay, words: 8 * 36 }],
      data: [{ addr: aw, words: words(layoutData(wT!, w)) }, { addr: ab, words: words(b) }],
    }, T);
    const sim = new Simulator(program, T);
    sim.setInput('input', x);
    const r = sim.runSync();
    const got = sim.readOutput('output', 8 * 36);
    const c = reference('Conv', [{ shape: [1, 3, 12, 12], data: x }, { shape: [8, 3, 3, 3], data: w }, { shape: [8], data: b }], { pads: [1, 1, 1, 1], strides: [1, 1], kernel_shape: [3, 3] });
    const want = reference('MaxPool', [{ shape: [1, 8, 12, 12], data: reference('Relu', [{ shape: [1, 8, 12, 12], data: c }], {}) }], { kernel_shape: [2, 2], strides: [2, 2] });
    expect(relError(got, want)).toBeLessThanOrEqual(1e-5);
    expect(r.profile.regions.map((g) => g.name)).toEqual(['(calls)', 'conv', 'relu', 'pool']);
    expect(r.profile.regions[1]!.flops).toBe(conv.flops);
  });

  test('one subroutine, two calls with different argument blocks', () => {
    const sub = toSubroutine(gen('relu', { n: 20 }), 'r', T);
    const alloc = new ChipAllocator(0, 4096);
    const a = alloc.alloc('a', 20), b = alloc.alloc('b', 20), c = alloc.alloc('c', 20), d = alloc.alloc('d', 20);
    const { program } = linkCalls({
      alloc, calls: [{ region: 'one', sub, addrs: [a, b] }, { region: 'two', sub, addrs: [c, d] }],
      symbols: [{ name: 'A', addr: a, words: 20 }, { name: 'B', addr: b, words: 20 }, { name: 'C', addr: c, words: 20 }, { name: 'D', addr: d, words: 20 }],
    }, T);
    expect(program.regions.map((g) => g.name)).toEqual(['(calls)', 'one, two']);
    const sim = new Simulator(program, T);
    const x1 = rand(20, 5), x2 = rand(20, 6);
    sim.setInput('A', x1); sim.setInput('C', x2);
    sim.runSync();
    expect(Array.from(sim.readOutput('B', 20))).toEqual(Array.from(x1, (v) => Math.max(v, 0)));
    expect(Array.from(sim.readOutput('D', 20))).toEqual(Array.from(x2, (v) => Math.max(v, 0)));
  });
});
