// %codegen --quantized through the cell runner: a clear error before any %quantize, then the
// int8 per-channel lenet5 of %quantize written as fixed-point C (model.c/.h, weights .c/.h,
// harness.c) and, with gcc, --check bit-exact against the integer reference; other emitters refused
// (--emit asm: test/magics/dsp-quant.test.ts).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeExecutor, run } from './support/harness.js';
import type { CodegenMagicResult } from '../../src/magics/codegen.js';
import { have } from '../support/prereqs.js';

const LENET = fileURLToPath(new URL('../fixtures/quant/lenet5_fmnist.onnx', import.meta.url));
const tb = (r: Awaited<ReturnType<typeof run>>) => (r.outcome.traceback ?? []).join('\n');

describe('%codegen --quantized', () => {
  it('errors without a quantized model, then emits and checks the %quantize result', async () => {
    const { exec } = makeExecutor();
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-qcg-'));
    expect((await run(exec, `%load_model ${LENET} --no-graph`)).outcome.status).toBe('ok');
    const none = await run(exec, `%codegen --emit c --quantized -o ${dir}`);
    expect(none.outcome.status).toBe('error');
    expect(tb(none)).toMatch(/no quantized model in this session/);
    expect(tb(none)).toMatch(/%quantize/);
    expect((await run(exec, '%quantize --bits 8 --per-channel --samples 0 --calib-samples 64')).outcome.status).toBe('ok');
    const check = have('gcc') ? ' --check' : '';
    const r = await run(exec, `%codegen --emit c --quantized -o ${dir} --prefix lenet${check}`);
    expect(r.outcome.status, tb(r)).toBe('ok');
    const res = exec.session.results.codegen as CodegenMagicResult;
    expect(res.files.map((f) => f.file).sort()).toEqual(['harness.c', 'lenet.c', 'lenet.h', 'lenet_weights.c', 'lenet_weights.h']);
    expect(readFileSync(join(dir, 'lenet.h'), 'utf8')).toContain('int lenet_run_q(const lenet_in0_t* in0, lenet_out0_t* out0);');
    expect(r.stdout).toMatch(/int8 fixed point/);
    expect(res.arenaBytes!).toBeGreaterThanOrEqual(res.lowerBoundBytes!);
    if (check) expect(res.qcheck).toEqual({ outputs: 10, mismatches: 0 });
    const wasm = await run(exec, `%codegen --emit wasm --quantized -o ${dir}`);
    expect(tb(wasm)).toMatch(/--quantized emits c and asm/);
  });
});
