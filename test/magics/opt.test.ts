// %optimize and %memplan through the cell runner: pass table, new session model that runs like
// the original, dump/check flags, errors; memory plan figures and the Plotly timeline.
import { describe, expect, it } from 'vitest';
import { makeExecutor, resultText, run } from './support/harness.js';
import { MODELS } from '../../src/session/models.js';
import { PIPELINES } from '../../src/opt/pipelines.js';
import { randomFeeds } from '../../src/opt/instruments.js';
import { run as reference } from '../../src/bwdnn/reference/run.js';
import { compareOutputs } from '../../src/bwdnn/reference/compare.js';
import type { OptimizeMagicResult, MemplanResult } from '../../src/magics/opt.js';

const traceback = (r: Awaited<ReturnType<typeof run>>) => (r.outcome.traceback ?? []).join('\n');

describe('%optimize', () => {
  it('-O2 on vgg_small: pass table, new current model equal to the original on the reference', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model vgg_small --no-graph');
    const r = await run(exec, '%optimize -O2 --check --dump');
    expect(r.outcome.status).toBe('ok');
    const text = resultText(r)!;
    for (const col of ['pass', 'time (ms)', 'nodes before', 'nodes after', 'changed']) expect(text).toContain(col);
    expect(text).toContain('fold-batchnorm');
    expect(r.stdout).toMatch(/'vgg_small' \(O2\) -> 'vgg_small-O2'/);
    const res = exec.session.results.optimize as OptimizeMagicResult;
    expect(res.log.map((l) => l.pass)).toEqual(PIPELINES.O2);
    expect(res.nodesAfter).toBeLessThan(res.nodesBefore);
    const a = exec.session.store.get(MODELS, 'vgg_small')!.graph, b = exec.session.store.current(MODELS)!.value.graph;
    expect(exec.session.store.current(MODELS)!.name).toBe('vgg_small-O2');
    const feeds = randomFeeds(a, 3);
    for (const d of Object.values(compareOutputs(reference(b, feeds), reference(a, feeds)))) expect(d.maxRel).toBeLessThan(1e-4);
    const shown = r.events.filter((e) => e.type === 'display_data').map((e) => JSON.stringify(e));
    expect(shown.some((s) => s.includes('after <b>fold-batchnorm</b>'))).toBe(true);
  });

  it('-O1 and --passes name the model after the level; errors for two levels and unknown passes', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    expect((await run(exec, '%optimize -O1 --model lenet5')).outcome.status).toBe('ok');
    expect(exec.session.store.get(MODELS, 'lenet5-O1')).toBeDefined();
    await run(exec, '%optimize --passes dce,layout --layout NHWC --model lenet5 --name lx');
    expect((exec.session.results.optimize as OptimizeMagicResult).log.map((l) => l.pass)).toEqual(['dce', 'layout']);
    expect(exec.session.store.get(MODELS, 'lx')!.graph.meta['opt.layout']).toContain('NHWC');
    const gr = await run(exec, '%optimize -O2 --model lenet5 --graph --name lg');
    expect(gr.events.some((e) => e.type === 'display_data' && JSON.stringify(e).includes('<svg'))).toBe(true);
    expect(traceback(await run(exec, '%optimize -O1 -O2'))).toMatch(/one optimization level/);
    expect(traceback(await run(exec, '%optimize --passes nope'))).toMatch(/unknown pass 'nope'/);
  });
});

describe('%memplan', () => {
  it('reports arena <= linear and >= the bound, with a timeline figure and on-chip split', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model resnet20 --no-graph');
    const r = await run(exec, '%memplan --onchip 65536');
    expect(r.outcome.status).toBe('ok');
    const res = exec.session.results.memplan as MemplanResult;
    expect(res.arenaBytes).toBeGreaterThanOrEqual(res.lowerBound);
    expect(res.arenaBytes).toBeLessThanOrEqual(res.lowerBound * 1.05);
    expect(res.arenaBytes).toBeLessThan(res.linearBytes);
    expect(res.onchip!.onchipBytes).toBeLessThanOrEqual(65536);
    expect(resultText(r)).toMatch(/greedy \(reuse\)/);
    const fig = r.events.find((e) => e.type === 'display_data' && 'data' in e && 'application/vnd.plotly.v1+json' in e.data);
    expect(fig).toBeDefined();
    const data = (fig as { data: Record<string, { data: { base: number[] }[] }> }).data['application/vnd.plotly.v1+json']!.data[0]!;
    expect(data.base).toHaveLength(res.plan.placements.filter((p) => p.size > 0).length);
    expect(traceback(await run(exec, '%memplan --alignment 0'))).toMatch(/alignment/);
    expect((await run(exec, '%memplan --target bwdsp104x')).outcome.status).toBe('ok');
    const t = exec.session.results.memplan as MemplanResult;
    expect(t.onchip!.blockBytes).toBeGreaterThan(0);
    expect(t.onchip!.onchipBytes).toBeLessThanOrEqual(t.onchip!.capacity);
    expect(t.onchip!.onchipBuffers).toBeGreaterThan(0);
  });
});
