// `bwvm compress --cycles` (the DSP cycle model on the target) and `--strategy joint --bits`:
// budgets met on the written models, the smallest reachable value on an infeasible budget, a
// clear error without a usable target.
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressVerb } from '../../src/cli/verb-compress.js';
import { importOnnxFile } from '../../src/frontend/onnx/import.js';
import { zooModel } from '../../src/bwdnn/zoo/index.js';
import { fashionMnist, slice } from '../../src/bwdnn/data/index.js';
import { evaluate } from '../../src/bwdnn/train/evaluate.js';
import { cycleModel, simulateLayers } from '../../src/session/cycle-model.js';
import { getTarget } from '../../src/target/index.js';

function capture() {
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  return { get out() { return out; }, get err() { return err; }, restore: () => { o.mockRestore(); e.mockRestore(); } };
}

async function verb(args: string[]) {
  const c = capture();
  try { return { code: await compressVerb(args), out: c.out, err: c.err }; } finally { c.restore(); }
}

describe('bwvm compress --cycles / --strategy joint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bwvm-ccy-'));
  it('prunes lenet5 to 60 % of its DSP cycles; errors name the smallest reachable value and the target fix', async () => {
    const r = await verb(['lenet5', '--cycles', '0.6', '--strategy', 'uniform', '-o', join(dir, 'u.onnx')]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/cycle model: 5 library-mode simulations/);
    expect(r.out).toMatch(/cycles .* yes/);
    const cm = await cycleModel(zooModel('lenet5'), getTarget('bwdsp104x'));
    expect(cm.cost(importOnnxFile(join(dir, 'u.onnx')))).toBeLessThanOrEqual(0.6 * cm.cost(zooModel('lenet5')) * (1 + 1e-9));
    const bad = await verb(['lenet5', '--cycles', '100', '--strategy', 'uniform', '-o', join(dir, 'x.onnx')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--cycles 100\.0 \(smallest reachable: \d/);
    const nt = await verb(['lenet5', '--cycles', '0.5', '--target', 'nope', '-o', join(dir, 'x.onnx')]);
    expect(nt.code).toBe(1);
    expect(nt.err).toMatch(/cycle budget needs a DSP target to simulate on: unknown target 'nope'.*--target bwdsp104x\|bwdsp100/s);
  }, 240_000);

  it('--exact-cycles: the written model simulates within the budget (a fraction of the simulated cycles)', async () => {
    const r = await verb(['lenet5', '--cycles', '0.6', '--exact-cycles', '--strategy', 'uniform', '-o', join(dir, 'e.onnx')]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/estimate \d+, simulated \d+ on bwdsp104x \(within the budget of \d+\)/);
    const cm = await cycleModel(zooModel('lenet5'), getTarget('bwdsp104x'));
    expect((await simulateLayers(importOnnxFile(join(dir, 'e.onnx')), getTarget('bwdsp104x'))).total).toBeLessThanOrEqual(0.6 * cm.original);
    const no = await verb(['lenet5', '--flops', '0.5', '--exact-cycles', '-o', join(dir, 'x.onnx')]);
    expect(no.code).toBe(1);
    expect(no.err).toMatch(/--exact-cycles needs a cycle budget/);
    const joint = await verb(['lenet5', '--cycles', '0.5', '--exact-cycles', '--strategy', 'joint', '-o', join(dir, 'x.onnx')]);
    expect(joint.err).toMatch(/--exact-cycles works with pruning strategies, not 'joint'/);
  }, 240_000);

  it('joint: channels + int16/int8 layers meet a 30 % cycle budget; the written QDQ model runs', async () => {
    const r = await verb(['lenet5', '--strategy', 'joint', '--cycles', '0.3', '--bits', '16,8', '--samples', '32', '--ratios', '0.5', '-o', join(dir, 'j.onnx')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/bits/);
    expect(r.out).toMatch(/int(8|16)/);
    expect(r.out).not.toMatch(/fp32/);
    expect(r.out).toMatch(/cycles .* yes/);
    const g = importOnnxFile(join(dir, 'j.onnx'));
    expect(g.nodes.some((n) => n.op === 'QuantizeLinear')).toBe(true);
    // the zoo's lenet5 is untrained: check the written model runs on the reference executor
    const e = await evaluate(g, slice(fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' }), 0, 32));
    expect(Number.isFinite(e.loss)).toBe(true);
    expect(r.out).toMatch(/accuracy \d+\.\d % -> \d+\.\d %/);
  }, 240_000);
});
