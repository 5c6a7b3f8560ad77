// `bwvm compile MODEL --bits 8|16` (in process, against src/): post-training quantization of the
// trained lenet5 fixture, the integer model written as fixed-point C, --check bit-exact with the
// integer reference (when gcc is present); --bits with --plan or an unknown emitter is a usage error (exit 2);
// --emit asm: test/cli/compile-quant.test.ts.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileVerb } from '../../src/cli/verb-compile.js';
import { captureVerb } from '../support/capture.js';
import { have } from '../support/prereqs.js';

const LENET = fileURLToPath(new URL('../fixtures/quant/lenet5_fmnist.onnx', import.meta.url));

const capture = (argv: string[]) => captureVerb(compileVerb, argv);

describe('bwvm compile --bits', () => {
  it('int16 per-channel lenet5 to quantized C, --check bit-exact', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bwvm-qcompile-')), 'out');
    const check = have('gcc') ? ['--check'] : [];
    const r = await capture([LENET, '-o', dir, '--bits', '16', '--per-channel', '--calib', '64', '--prefix', 'lenet', ...check]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/int16 per-channel, calibrated on 64 images/);
    for (const f of ['lenet.c', 'lenet.h', 'lenet_weights.c', 'lenet_weights.h', 'harness.c']) expect(existsSync(join(dir, f))).toBe(true);
    if (check.length) expect(r.stdout).toMatch(/0 of 10 integer outputs differ \(bit-exact\)/);
  });

  it('--bits with --plan or an unknown emitter is a usage error', async () => {
    for (const extra of [['--plan'], ['--emit', 'wasm']]) {
      const r = await capture([LENET, '-o', join(tmpdir(), 'never'), '--bits', '8', ...extra]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--bits emits quantized C and\/or the DSP program/);
    }
  });
});
