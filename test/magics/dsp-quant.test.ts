// Integer models on the DSP through the cell runner: %simulate --model --quantized before any
// %quantize is a clear error; --bits 8 quantizes the loaded lenet5 fixture and runs it in library
// mode bit-exact with the fixed-point reference (per-layer cycles); %codegen --quantized --emit asm
// writes the same Program as assembly that assembles and runs to the same integer output.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeExecutor, run } from './support/harness.js';
import type { CodegenMagicResult } from '../../src/magics/codegen.js';
import { assemble } from '../../src/isa/index.js';
import { Simulator } from '../../src/sim/index.js';
import { getTarget } from '../../src/target/index.js';
import { QMODELS } from '../../src/magics/quant.js';
import { quantizeTensor, runQuantized } from '../../src/bwdnn/quant/index.js';
import { fashionMnist } from '../../src/bwdnn/data/index.js';

const LENET = fileURLToPath(new URL('../fixtures/quant/lenet5_fmnist.onnx', import.meta.url));
const tb = (r: Awaited<ReturnType<typeof run>>) => (r.outcome.traceback ?? []).join('\n');

describe('%simulate --model --bits / --quantized, %codegen --quantized --emit asm', () => {
  it('runs the integer lenet5 bit-exact on the simulator and writes its DSP program', async () => {
    const { exec } = makeExecutor();
    expect((await run(exec, `%load_model ${LENET} --no-graph`)).outcome.status).toBe('ok');
    const none = await run(exec, '%simulate --model --quantized');
    expect(none.outcome.status).toBe('error');
    expect(tb(none)).toMatch(/no quantized model in this session/);
    expect((await run(exec, '%calibrate --samples 32')).outcome.status).toBe('ok');
    const r = await run(exec, '%simulate --model --bits 8 --per-channel');
    expect(r.outcome.status, tb(r)).toBe('ok');
    const res = exec.session.results.simulate as { bits: number; mismatches: number; outputs: number; cycles: number; layers: Array<{ node: string; cycles: number }> };
    expect(res.bits).toBe(8);
    expect(res.outputs).toBe(10);
    expect(res.mismatches).toBe(0);
    expect(res.layers.length).toBe(7);
    for (const l of res.layers) expect(l.cycles).toBeGreaterThan(0);
    expect(res.layers.reduce((a, l) => a + l.cycles, 0)).toBeLessThanOrEqual(res.cycles);
    // the stored integer model runs again by name
    const again = await run(exec, '%simulate --model --quantized');
    expect(again.outcome.status, tb(again)).toBe('ok');
    expect((exec.session.results.simulate as { cycles: number }).cycles).toBe(res.cycles);

    const dir = mkdtempSync(join(tmpdir(), 'bwvm-qasm-'));
    const cg = await run(exec, `%codegen --quantized --emit asm -o ${dir} --prefix lenet`);
    expect(cg.outcome.status, tb(cg)).toBe('ok');
    expect((exec.session.results.codegen as CodegenMagicResult).files.map((f) => f.file)).toEqual(['lenet.s']);
    expect(cg.stdout).toMatch(/int8 library mode/);
    const T = getTarget('bwdsp104x');
    const p = assemble(readFileSync(join(dir, 'lenet.s'), 'utf8'), { limits: T });
    const q = exec.session.store.current(QMODELS)!.value;
    const x = fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' }).images.slice(0, 784);
    const sim = new Simulator(p, T);
    const inSym = Object.keys(p.symbols).find((s) => s.startsWith('in_'))!, outSym = Object.keys(p.symbols).find((s) => s.startsWith('out_'))!;
    sim.writeWords(inSym, quantizeTensor(x, q.input.value));
    const { cycles } = sim.runSync({ mode: 'fast' });
    expect(cycles).toBe(res.cycles);
    expect(Array.from(sim.readWords(outSym, 10))).toEqual(Array.from(runQuantized(q, { dtype: 'float32', shape: [1, 1, 28, 28], data: x }).q.data));
  });
});
