// %codegen through the cell runner: writes model.c/.h/weights/harness into the folder, shows a
// file table, arena vs lower bound and a listing excerpt naming layers; --check builds with gcc
// and matches the reference; errors for a missing folder and the not-yet-available asm emitter.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExecutor, resultText, run } from './support/harness.js';
import type { CodegenMagicResult } from '../../src/magics/codegen.js';
import { have } from '../support/prereqs.js';

const traceback = (r: Awaited<ReturnType<typeof run>>) => (r.outcome.traceback ?? []).join('\n');

describe('%codegen', () => {
  it('--emit c -o DIR on lenet5: files, sizes, arena, listing excerpt (and --check when gcc is present)', async () => {
    const { exec } = makeExecutor();
    const dir = join(mkdtempSync(join(tmpdir(), 'bwvm-cg-')), 'build');
    await run(exec, '%load_model lenet5 --no-graph');
    const check = have('gcc') ? ' --check' : '';
    const r = await run(exec, `%codegen --emit c -o ${dir}${check}`);
    expect(r.outcome.status, traceback(r)).toBe('ok');
    const res = exec.session.results.codegen as CodegenMagicResult;
    expect(res.files.map((f) => f.file).sort()).toEqual(['harness.c', 'model.c', 'model.h', 'model_weights.c']);
    for (const f of res.files) expect(readFileSync(join(dir, f.file)).length).toBe(f.bytes);
    expect(res.arenaBytes!).toBeGreaterThanOrEqual(res.lowerBoundBytes!);
    expect(res.level).toBe('O2');
    expect(r.stdout).toMatch(/arena \d+ B \(lower bound \d+ B\)/);
    const text = resultText(r)!;
    expect(text).toContain('model_weights.c');
    const shown = r.events.filter((e) => e.type === 'display_data').map((e) => JSON.stringify(e)).join('\n');
    expect(shown).toContain('listing excerpt');
    expect(shown).toContain('conv1 (Conv) + relu1 (Relu)');
    if (check) expect(res.check!.maxRel).toBeLessThanOrEqual(1e-4);
  });

  it('--weights blob -O0 --prefix writes a blob and prefixed files; errors are named', async () => {
    const { exec } = makeExecutor();
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-cg-'));
    await run(exec, '%load_model vgg_small --no-graph');
    const r = await run(exec, `%codegen -o ${dir} --weights blob -O0 --prefix vgg`);
    expect(r.outcome.status, traceback(r)).toBe('ok');
    expect(existsSync(join(dir, 'vgg_weights.bin'))).toBe(true);
    expect(readFileSync(join(dir, 'vgg.c'), 'utf8')).toContain('(BatchNormalization)');
    const noDir = await run(exec, '%codegen --emit c');
    expect(noDir.outcome.status).toBe('error');
    expect(traceback(noDir)).toMatch(/needs an output folder/);
    const asm = await run(exec, `%codegen --emit c,bin -o ${dir}`);
    expect(asm.outcome.status).toBe('error');
    expect(traceback(asm)).toMatch(/unknown emitter 'bin'/);
  });
});
