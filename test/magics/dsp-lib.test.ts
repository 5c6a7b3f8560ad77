// %dsplib and %simulate --model through the cell runner: kernel list, one kernel run with an
// output check against the reference executor and a profile, lenet5 whole in library mode with
// a per-layer table and a Plotly chart, clear errors for unknown kernels / parameters, and every
// kernel of the dsplib table run on a tiny shape with a passing reference check.
import { describe, expect, it } from 'vitest';
import { DSP_KERNELS } from '../../src/dsplib/index.js';
import { dspLibFamily } from '../../src/magics/dsp-lib.js';
import { DSPLIB_CHECKS } from '../../src/magics/dsp-lib-check.js';
import { makeExecutor, resultText, run } from './support/harness.js';

describe('%dsplib', () => {
  it('is in the magic table and lists the kernels', async () => {
    const { exec } = makeExecutor();
    for (const m of dspLibFamily.magics) expect(exec.registry.has(m.name), m.name).toBe(true);
    const r = await run(exec, '%dsplib');
    expect(r.outcome.status).toBe('ok');
    for (const k of ['conv2d', 'relu', 'maxpool', 'batchnorm', 'dense']) expect(resultText(r)).toContain(k);
  });

  it('runs one kernel on a given shape with an output check and a profile', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%dsplib run conv2d C=4 H=8 W=8 M=8');
    expect(r.outcome.status).toBe('ok');
    const res = exec.session.results.dsplib as { maxRelErr: number; shape: Record<string, number>; profile: { cycles: number; flops: number } };
    expect(res.shape).toMatchObject({ C: 4, H: 8, W: 8, M: 8, kH: 3 });
    expect(res.maxRelErr).toBeLessThanOrEqual(1e-5);
    expect(res.profile.flops).toBe(2 * 8 * 4 * 9 * 64);
    expect(JSON.stringify(r.events)).toMatch(/max rel err .* \(pass\)/);
    expect(resultText(r)).toMatch(/\(total\)/);
  });

  it('unknown kernels and parameters are clear errors', async () => {
    const { exec } = makeExecutor();
    const a = await run(exec, '%dsplib run fft n=8');
    expect(a.outcome.status).toBe('error');
    expect(JSON.stringify(a.outcome) + JSON.stringify(a.events)).toMatch(/no dsplib kernel 'fft'.*kernels: .*conv2d/);
    const b = await run(exec, '%dsplib run relu Q=3');
    expect(JSON.stringify(b.outcome) + JSON.stringify(b.events)).toMatch(/'Q=3' is not a shape parameter of relu/);
  });
});

/** A tiny shape per kernel (generation on a loaded machine is slow). */
const TINY: Record<string, string> = {
  conv2d: 'C=2 H=6 W=6 M=4', conv2d_relu: 'N=1 C=2 H=6 W=6 M=4', conv2d_add_relu: 'C=2 H=6 W=6 M=4', conv2d_tiled: 'C=2 H=6 W=6 M=4',
  relu: 'n=16', relu6: 'n=16', add: 'n=16', leakyrelu: 'n=16 alpha=0.2', sigmoid: 'n=16', tanh: 'n=16',
  softmax: 'N=2 K=12', maxpool: 'C=2 H=4 W=4', avgpool: 'C=2 H=4 W=4 k=4 stride=1', dense: 'N=2 K=8 M=4', matmul: 'N=2 K=8 M=4',
  concat: 'C=4,8 H=4 W=4', deconv: 'C=2 H=4 W=4 M=3', depthwise: 'C=4 H=6 W=6 stride=2', batchnorm: 'C=2 H=4 W=4',
  qdense_i8: 'N=3 K=13 M=6', qdense_i16: 'N=3 K=11 M=5', qconv_i8: 'C=5 H=5 W=6 M=3', qconv_i16: 'C=3 H=5 W=5 M=3 stride=2',
};

describe('%dsplib run: every kernel against the reference executor', () => {
  it('has a reference check for every kernel of the table', () => {
    for (const k of Object.keys(DSP_KERNELS)) expect(DSPLIB_CHECKS[k], k).toBeDefined();
  });

  it('every kernel of the table has a tiny shape here', () => {
    expect(Object.keys(TINY).sort()).toEqual([...new Set([...Object.keys(DSP_KERNELS), 'dense'])].sort());
  });

  it.each(Object.entries(TINY))('%s on a tiny shape passes its output check', async (name, shape) => {
    const { exec } = makeExecutor();
    const r = await run(exec, `%dsplib run ${name} ${shape}`);
    expect(r.outcome.status, JSON.stringify(r.outcome)).toBe('ok');
    const res = exec.session.results.dsplib as { maxRelErr: number | undefined };
    expect(res.maxRelErr, name).toBeDefined();
    expect(res.maxRelErr!).toBeLessThanOrEqual(1e-5);
    expect(JSON.stringify(r.events)).toMatch(/\(pass\)/);
  });

  it('integer kernels report integer throughput against their own peak (4 int8 lanes per word)', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%dsplib run qconv_i8 C=8 H=6 W=6 M=8');
    expect(r.outcome.status, JSON.stringify(r.outcome)).toBe('ok');
    const text = JSON.stringify(r.events);
    expect(text).toMatch(/GOPS/);
    const m = /([\d.]+) % of 256 i8 op\/cycle/.exec(text);
    expect(m, text.slice(0, 2000)).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(1);
  });

  it('a list parameter where one number is expected is a clear error', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%dsplib run relu n=4,8');
    expect(JSON.stringify(r.outcome) + JSON.stringify(r.events)).toMatch(/n of relu is one number/);
  });
});

describe('%simulate --model', () => {
  it('runs lenet5 whole in library mode: per-layer table, chart, output check', async () => {
    const { exec } = makeExecutor();
    await run(exec, '%load_model lenet5 --no-graph');
    const r = await run(exec, '%simulate --model');
    expect(r.outcome.status).toBe('ok');
    const res = exec.session.results.simulate as { maxRelErr: number; layers: Array<{ node: string; cycles: number; op: string }>; profile: { cycles: number } };
    expect(res.maxRelErr).toBeLessThanOrEqual(1e-5);
    expect(res.layers.length).toBe(11);
    expect(res.layers.every((l) => l.cycles > 0)).toBe(true);
    const text = resultText(r)!;
    expect(text).toMatch(/% peak/);
    expect(text).toMatch(/\(total\)/);
    expect(JSON.stringify(r.events)).toContain('application/vnd.plotly.v1+json');
  });

  it('without a model it names the fix', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%simulate --model');
    expect(r.outcome.status).toBe('error');
    expect(JSON.stringify(r.outcome) + JSON.stringify(r.events)).toMatch(/%load_model/);
  });
});
