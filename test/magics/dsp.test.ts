// The DSP magics through the cell runner: %target, %%asm, %simulate.
import { describe, expect, it } from 'vitest';
import { DSP_PROGRAMS, dspFamily } from '../../src/magics/dsp.js';
import { makeExecutor, resultText, run } from './support/harness.js';



describe('dsp magics', () => {
  it('are in the magic table', () => {
    const { exec } = makeExecutor();
    for (const m of dspFamily.magics) expect(exec.registry.has(m.name), m.name).toBe(true);
  });

  it('%target shows and sets the target; %%asm + %simulate run a program', async () => {
    const { exec } = makeExecutor();
    const t = await run(exec, '%target bwdsp100');
    expect(t.outcome.status).toBe('ok');
    expect(resultText(t)).toMatch(/32 FLOP\/cycle = 12.80 GFLOPS/);
    await run(exec, '%target bwdsp104x');
    const a = await run(exec, '%%asm --name dot\n.data\nv: .float 1, 2, 3, 4\nout: .space 1\n.text\n  u0 = v || w0 = out\n  xyzt r1 = [u0+=4,1]\n  xyzt fr2 = fr1 * fr1\n  xyzt fr3 = sum fr2\n  [w0+=0,0] = xr3\n  halt\n');
    expect(a.outcome.status).toBe('ok');
    expect(exec.session.store.get(DSP_PROGRAMS, 'dot')!.lines).toHaveLength(6);
    const s = await run(exec, '%simulate --show out --mode traced --sample-every 2');
    expect(s.outcome.status).toBe('ok');
    expect(s.stdout + JSON.stringify(s.events)).toContain('out = [30]');
    expect(resultText(s)).toMatch(/\(total\)/);
    expect(JSON.stringify(s.events)).toContain('application/vnd.plotly.v1+json'); // timeline figure
    const res = exec.session.results.simulate as { profile: { cycles: number } };
    // u0/w0 @0, load @1, fmul needs the load (lat 2) @3, sum needs fmul (lat 2) @5, store @7, halt @8
    expect(res.profile.cycles).toBe(9);
  });

  it('assembly errors come back as errors naming the line', async () => {
    const { exec } = makeExecutor();
    const r = await run(exec, '%%asm\n  xr1 = r2 +* r3\n');
    expect(r.outcome.status).toBe('error');
    expect(JSON.stringify(r.outcome) + JSON.stringify(r.events)).toMatch(/%%asm asm:1:3: no instruction matches/);
  });
});
