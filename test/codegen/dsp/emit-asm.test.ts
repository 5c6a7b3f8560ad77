// The `asm` emitter: lenet5 in generated mode written as model.s through the emitter table;
// the file alone re-assembles into a Program whose simulated output equals the compiled model's.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { zooModel } from '../../../src/bwdnn/zoo/index.js';
import { dspAsmSource, lowerToDsp } from '../../../src/codegen/dsp/index.js';
import { resolveEmitters } from '../../../src/codegen/emit-table.js';
import { assemble } from '../../../src/isa/index.js';
import { optimize } from '../../../src/opt/index.js';
import { Simulator } from '../../../src/sim/index.js';
import { getTarget } from '../../../src/target/index.js';
import { rand } from '../../dsplib/harness.js';

const T = getTarget('bwdsp104x');

describe('asm emitter', () => {
  test('model.s re-assembles to a Program with the same simulated output', async () => {
    const g = optimize(zooModel('lenet5'), 'O1').graph;
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-asm-'));
    const [row] = resolveEmitters('asm');
    const res = row!.emit({ graph: g, dir, target: T, fusion: [] });
    expect(res.files.map(([f]) => f)).toEqual(['model.s']);
    const text = readFileSync(join(dir, 'model.s'), 'utf8');
    const m = lowerToDsp(g, T);
    expect(text).toBe(dspAsmSource(m));
    const x = rand(28 * 28, 5);
    const outOf = async (p: ReturnType<typeof assemble>): Promise<Float32Array> => {
      const sim = new Simulator(p, T);
      sim.setInput(m.inputs[0]!.symbol, x);
      await sim.run();
      return sim.readOutput(m.outputs[0]!.symbol, m.outputs[0]!.words);
    };
    const fromFile = await outOf(assemble(text, { limits: T, file: 'model.s' }));
    expect(Array.from(fromFile)).toEqual(Array.from(await outOf(m.program)));
    expect(fromFile.some((v) => v !== 0)).toBe(true);
  });

  test('the O2 graph %codegen hands in (BN folded, fusion metadata) lowers too', () => {
    const m = lowerToDsp(optimize(zooModel('vgg_small', { input: [3, 16, 16], width: 0.25 }), 'O2').graph, T);
    // 16x16 input: the pools after the 16- and 8-column stages fuse, the 4-column one stays separate
    expect(m.layers.map((l) => l.op).filter((op) => op.startsWith('Conv'))).toEqual(['Conv+Relu', 'Conv+Relu+MaxPool', 'Conv+Relu', 'Conv+Relu+MaxPool', 'Conv+Relu', 'Conv+Relu']);
  });
});
