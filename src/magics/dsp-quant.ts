// Integer models on the DSP from the notebook: `%simulate --model --quantized | --bits 8|16` runs the
// session's integer model (or quantizes the current model first, as %quantize does) in library mode
// on the simulator, checks its integer output bit for bit against the fixed-point reference and
// shows cycles per layer; `%codegen --quantized --emit asm` writes the same Program as assembly.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBits } from '../compress/quant/index.js';
import { qlibraryAsmSource } from '../codegen/library/index.js';
import { plotly, table } from '../display/index.js';
import type { QModel } from '../ir/quant-model.js';
import { getModel, type Session } from '../session/index.js';
import { quantizeSessionModel } from '../session/ptq.js';
import { checkQuantizedRun, compileQuantizedLibrary, qlayerTable, runQuantizedLibrary } from '../session/qlibrary.js';
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import type { MagicArgs } from './args.js';
import { QMODELS } from './quant.js';
import { resolveDataset } from './train/dataset.js';
import { MagicOutput, type MagicContext } from './types.js';

/** The integer model to run: --bits quantizes the current model (stats of %calibrate, else the last 256 training images); else --model-name / the latest %quantize result. */
export function integerModel(session: Session, args: MagicArgs, signal: AbortSignal): { name: string; q: QModel } {
  const bits = args.num('bits');
  if (bits !== undefined) {
    const b = parseBits(bits);
    const m = getModel(session, args.str('model-name'));
    const q = quantizeSessionModel(session, m.name, m.graph, () => resolveDataset(session, undefined, 'train').ds, { bits: b, perChannel: args.bool('per-channel'), signal }).model;
    const name = `${m.name}-int${b}`;
    q.name = name;
    session.store.set(QMODELS, name, q);
    return { name, q };
  }
  const name = args.str('model-name');
  const q = name !== undefined ? session.store.get(QMODELS, name) : session.store.current(QMODELS)?.value;
  if (!q) throw new BwvmError('SIM_NO_QMODEL', name !== undefined ? `'${name}' is not a quantized model of this session` : 'no quantized model in this session', { hint: 'run %quantize --bits 8|16 first, or give %simulate --model --bits 8|16' });
  return { name: name ?? session.store.current(QMODELS)!.name, q };
}

/** A test image when the model takes the session dataset's images, else a seeded wave. */
function image(session: Session, q: QModel, words: number): { x: Float32Array; what: string } {
  const test = resolveDataset(session, undefined, 'test').ds;
  if (test.shape.reduce((a, b) => a * b, 1) === words) return { x: test.images.slice(0, words), what: 'test image 0' };
  return { x: Float32Array.from({ length: words }, (_, i) => 2 * Math.sin(i * 0.731 + 1)), what: `a seeded input (${q.input.shape.join('x')})` };
}

export async function simulateQuantized(args: MagicArgs, ctx: MagicContext, t: TargetDesc): Promise<MagicOutput> {
  const { name, q } = integerModel(ctx.session, args, ctx.signal);
  const m = compileQuantizedLibrary(q, t);
  const { x, what } = image(ctx.session, q, m.input.words);
  const r = await runQuantizedLibrary(m, t, x, { signal: ctx.signal });
  const c = checkQuantizedRun(q, r, x);
  const p = r.profile;
  const rows: Array<[string, string]> = [
    ['model', `${name}: int${q.bits}, ${m.layers.length} integer layers as ${m.layers.reduce((a, l) => a + l.calls.length, 0)} dsplib calls (library mode) on ${t.name}`],
    ['output check', `${c.mismatches} of ${c.outputs} integer outputs differ from the fixed-point reference on ${what}${c.mismatches === 0 ? ' (bit-exact)' : ''}`],
    ['cycles', `${p.cycles} (${(p.timeSeconds * 1e6).toFixed(1)} us at ${t.clockHz / 1e6} MHz), MUL ${(100 * p.utilization.MUL).toFixed(1)} %, ALU ${(100 * p.utilization.ALU).toFixed(1)} %`],
    ['memory', `constants ${m.memory.weightWords} words, peak ${m.memory.peakWords} of ${m.memory.chipWords} on-chip words`],
  ];
  ctx.display(table({ columns: ['figure', 'value'], rows }));
  ctx.display(plotly({
    data: [{ type: 'bar', name: `int${q.bits}`, x: r.layers.map((l) => l.node), y: r.layers.map((l) => l.cycles) }],
    layout: { title: { text: `${name} on ${t.name}: cycles per layer` }, yaxis: { title: { text: 'cycles' } }, height: 320 },
  }));
  if (c.mismatches) throw new BwvmError('SIM_QCHECK', `the DSP program's integer output differs from the fixed-point reference on ${c.mismatches} of ${c.outputs} values`, { hint: 'a bug in src/codegen/library/qops.ts or a dsplib integer kernel; please report it with the model' });
  return new MagicOutput({ model: name, bits: q.bits, cycles: p.cycles, mismatches: c.mismatches, outputs: c.outputs, layers: r.layers },
    table(qlayerTable(r), { caption: `${name}: integer layers on ${t.name} (library mode)` }));
}

/** `%codegen --quantized --emit asm`: the integer model's library-mode Program as `<prefix>.s`. */
export function writeQuantizedAsm(q: QModel, dir: string, prefix: string, t: TargetDesc): { file: string; bytes: number; notes: string[]; listing: string } {
  const m = compileQuantizedLibrary(q, t);
  const src = qlibraryAsmSource(m);
  mkdirSync(dir, { recursive: true });
  const file = `${prefix}.s`;
  writeFileSync(join(dir, file), src);
  return {
    file, bytes: Buffer.byteLength(src),
    notes: [`int${q.bits} library mode on ${t.name}: ${m.layers.length} integer layers, ${m.layers.reduce((a, l) => a + l.calls.length, 0)} dsplib calls, ${m.program.lines.length} execution lines; constants ${m.memory.weightWords} words, peak ${m.memory.peakWords} on-chip words`],
    listing: src.split('\n').slice(0, 16).join('\n'),
  };
}
