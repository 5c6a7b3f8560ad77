// `bwvm compile MODEL --bits 8 --emit asm --check` (in process): the trained lenet5 fixture quantized
// to int8 and written as the DSP program of dsplib integer kernels (<prefix>.s), run on the simulator
// and compared with the integer reference bit for bit, with cycles per layer; the file assembles.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileVerb } from '../../src/cli/verb-compile.js';
import { captureVerb } from '../support/capture.js';
import { assemble } from '../../src/isa/index.js';
import { getTarget } from '../../src/target/index.js';

const LENET = fileURLToPath(new URL('../fixtures/quant/lenet5_fmnist.onnx', import.meta.url));

const capture = (argv: string[]) => captureVerb(compileVerb, argv);

describe('bwvm compile --bits --emit asm', () => {
  it('int8 lenet5 to a DSP program, --check bit-exact on the simulator', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bwvm-qasm-cli-')), 'out');
    const r = await capture([LENET, '-o', dir, '--bits', '8', '--per-channel', '--calib', '32', '--emit', 'asm', '--prefix', 'lenet', '--check']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[asm\]\n\s+lenet\.s/);
    expect(r.stdout).toMatch(/0 of 10 integer outputs differ \(bit-exact\)/);
    expect(r.stdout).toMatch(/conv1\s+Conv\s+\d+ cycles\s+qpack \+ qconv/);
    const p = assemble(readFileSync(join(dir, 'lenet.s'), 'utf8'), { limits: getTarget('bwdsp104x') });
    expect(p.lines.length).toBeGreaterThan(100);
  });
});
