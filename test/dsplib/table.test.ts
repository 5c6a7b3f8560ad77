// The dsplib kernel table: every row generates its example shape into assembly that assembles
// for the default target, with FLOPs matching the generated kernel.
import { expect, it } from 'vitest';
import { DSP_KERNELS } from '../../src/dsplib/index.js';
import { assemble } from '../../src/isa/index.js';
import { getTarget } from '../../src/target/index.js';

const T = getTarget('bwdsp104x');

it('every kernel row generates, assembles and reports its FLOPs', () => {
  expect(Object.keys(DSP_KERNELS)).toContain('conv2d');
  for (const [name, row] of Object.entries(DSP_KERNELS)) {
    expect(row.name).toBe(name);
    expect(row.description.length).toBeGreaterThan(10);
    const k = row.generate(row.example as never, T);
    expect(k.flops).toBe(row.flops(row.example as never));
    expect(k.flops).toBeGreaterThan(0);
    const prog = assemble(k.asm, { limits: T });
    expect(prog.lines.length).toBeGreaterThan(10);
    for (const tns of [...k.inputs, ...k.outputs]) expect(prog.symbols[tns.symbol]?.space).toBe(tns.space ?? 'chip');
  }
});
