// The tiling plan shown to users: `%simulate --model --mode generated --weights ddr --plan` runs
// lenet5 with every filter streamed from DDR (equals the reference; the simulator's DMA reads equal
// the plan's words) and displays the per-layer table; `%codegen --plan` and `bwvm compile --plan`
// (the verb, in process) print it with the asm emitter.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { compileVerb } from '../../../src/cli/verb-compile.js';
import type { TilingPlan } from '../../../src/codegen/tiling/index.js';
import type { CodegenMagicResult } from '../../../src/magics/codegen.js';
import { makeExecutor, run } from '../../magics/support/harness.js';

describe('--plan', () => {
  test('%simulate --model --mode generated --weights ddr --plan: DDR tiles, reference check, plan table', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    const r = await run(exec, '%simulate --model --mode generated --weights ddr --plan');
    expect(r.outcome.status).toBe('ok');
    const res = exec.session.results.simulate as { maxRelErr: number; generated: { tiling: TilingPlan; ddrWords: { read: number; written: number } } };
    expect(res.maxRelErr).toBeLessThanOrEqual(1e-4);
    expect(res.generated.tiling.layers.map((l) => l.placement)).toEqual(['ddr', 'ddr', 'ddr', 'ddr', 'ddr']);
    expect(res.generated.ddrWords.read).toBe(res.generated.tiling.ddrIn);
    const shown = JSON.stringify(r.events);
    expect(shown).toMatch(/tiling plan/);
    expect(shown).toMatch(/DDR words in/);
    expect(shown).toMatch(/ping\/pong/);
    expect(shown).toMatch(/filters from DDR/);
  });

  test('%simulate --model --mode generated --activations ddr --plan: conv activations in DDR row bands, reference check', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    const r = await run(exec, '%simulate --model --mode generated --activations ddr --plan');
    expect(r.outcome.status).toBe('ok');
    const res = exec.session.results.simulate as { maxRelErr: number; generated: { tiling: TilingPlan; ddrWords: { read: number; written: number } } };
    expect(res.maxRelErr).toBeLessThanOrEqual(1e-4);
    expect(res.generated.tiling.layers.some((l) => l.activations?.includes('DDR'))).toBe(true);
    expect(res.generated.ddrWords.read).toBe(res.generated.tiling.ddrIn);
    expect(res.generated.ddrWords.written).toBe(res.generated.tiling.ddrOut);
    expect(JSON.stringify(r.events)).toMatch(/filters and activations in DDR/);
    const bad = await run(exec, '%simulate --model --mode generated --activations disk');
    expect(bad.outcome.status).toBe('error');
    expect(JSON.stringify(bad)).toMatch(/--activations must be chip, ddr or auto, got 'disk'/);
  });

  test('%codegen -o DIR --plan adds the asm emitter and shows the plan (lenet5 fits: all resident)', async () => {
    const { exec } = makeExecutor();
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-plan-'));
    await run(exec, '%load_model lenet5 --no-graph');
    const r = await run(exec, `%codegen -o ${dir} --plan`);
    expect(r.outcome.status).toBe('ok');
    const res = exec.session.results.codegen as CodegenMagicResult;
    expect(res.files.map((f) => f.file)).toContain('model.s');
    expect(res.tiling!.layers.every((l) => l.placement === 'chip')).toBe(true);
    expect(r.stdout).toMatch(/tiling plan: .* 0 DDR words in/);
    expect(r.stdout).toMatch(/conv1 +\S+ x 6 +1 +on-chip/);
    expect(JSON.stringify(r.events)).toMatch(/resident/);
  });

  test('bwvm compile lenet5 --plan prints the table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-plan-'));
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
    let status: number;
    try { status = await compileVerb(['lenet5', '-o', dir, '--plan']); } finally { spy.mockRestore(); }
    expect(status).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/\[asm\]/);
    expect(text).toMatch(/layer +tile \(rows x channels\) +tiles +weights +activations +DDR words in +DDR words out +buffers/);
    expect(text).toMatch(/fc1 +1 x 120 +1 +on-chip +on-chip +0 +0 +resident/);
  });
});
