// %simulate --model --mode generated|both through the cell runner: lenet5 compiled in generated
// mode equals the reference executor; with `both` the per-layer table puts generated and library
// mode side by side (fused layers map to the library calls of their nodes) plus a total row.
import { describe, expect, it } from 'vitest';
import { makeExecutor, resultText, run } from './support/harness.js';

interface Totals { cycles: number; efficiency: number; mulUtil: number; words: number }

describe('%simulate --model --mode', () => {
  it('both: generated and library side by side on lenet5', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    const r = await run(exec, '%simulate --model --mode both');
    expect(r.outcome.status).toBe('ok');
    const res = exec.session.results.simulate as { maxRelErr: number; generated: { layers: unknown[]; totals: Totals }; library: { layers: unknown[]; totals: Totals } };
    expect(res.maxRelErr).toBeLessThanOrEqual(1e-4);
    expect(res.generated.layers.length).toBe(6); // conv1+relu+maxpool fused, conv2's pool separate (10 columns)
    expect(res.library.layers.length).toBe(11);
    // fusion removes the separate ReLU passes: fewer words moved than one call per node
    expect(res.generated.totals.words).toBeLessThan(res.library.totals.words);
    const text = resultText(r)!;
    expect(text).toMatch(/cycles gen/);
    expect(text).toMatch(/stalls gen/);
    expect(text).toMatch(/\(total\)/);
    expect(JSON.stringify(r.events)).toMatch(/generated vs library/);
  });

  it('generated alone: per-layer table of the fused layers, no library run', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    const r = await run(exec, '%simulate --model --mode generated');
    expect(r.outcome.status).toBe('ok');
    const res = exec.session.results.simulate as { maxRelErr: number; generated: { layers: Array<{ op: string }> }; library?: unknown };
    expect(res.maxRelErr).toBeLessThanOrEqual(1e-4);
    expect(res.generated.layers.map((l) => l.op)).toContain('Conv+Relu');
    expect(res.library).toBeUndefined();
    expect(resultText(r)!).not.toMatch(/cycles lib/);
  });
});
