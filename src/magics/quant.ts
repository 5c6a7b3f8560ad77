// Quantization magics: %calibrate (activation statistics of a model on a calibration split of
// the training set, ranges per method), %quantize (post-training quantization to the bit-exact
// integer model + its QDQ graph as a new session model, per-layer table, fp32 vs integer accuracy,
// optional ONNX export), %qat (fake-quantized fine-tuning, then re-quantization).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { slice } from '../bwdnn/data/dataset.js';
import { evaluate } from '../bwdnn/train/evaluate.js';
import { runQuantized, type QModel } from '../bwdnn/quant/index.js';
import { chooseRange, parseBits, parseLayerBits, parseMethod, quantReport, quantizationAwareTrain } from '../compress/quant/index.js';
import { quantDTypeOfBits } from '../ir/quant.js';
import { exportOnnx } from '../frontend/onnx/export.js';
import { MIME, table, type MimeBundle } from '../display/index.js';
import { MODELS, getModel } from '../session/models.js';
import { storeKey } from '../session/store.js';
import { CALIBRATIONS, calibrateModel, quantizeSessionModel, quantizeWithCalibration } from '../session/ptq.js';
import type { Session } from '../session/session.js';
import { BwvmError } from '../util/errors.js';
import { MagicOutput, type MagicFamily, type MagicSpec } from './types.js';
import { MODEL_FLAG } from './model/common.js';
import { resolveDataset } from './train/dataset.js';

export { CALIBRATIONS };
export const QMODELS = storeKey<QModel>('quant-model');

const METHOD_FLAG = { name: 'method', type: 'string' as const, help: 'activation range: minmax | percentile | mse', default: 'minmax' };

/** The session's training split, loaded only when a calibration needs it. */
const trainOf = (session: Session) => () => resolveDataset(session, undefined, 'train').ds;

const both = (a: { [MIME](): MimeBundle }, b: { [MIME](): MimeBundle }, head: string) => ({
  [MIME]: () => {
    const x = a[MIME](), y = b[MIME]();
    return { 'text/html': `<div><b>${head}</b></div>${x['text/html'] as string}${y['text/html'] as string}`, 'text/plain': `${head}\n${x['text/plain'] as string}\n${y['text/plain'] as string}` };
  },
});

export const calibrateMagic: MagicSpec = {
  name: 'calibrate',
  kind: 'line',
  summary: 'activation ranges of a model on a calibration split (min/max, percentile, MSE-optimal)',
  usage: '%calibrate [--model N] [--samples 256] [--method minmax|percentile|mse] [--bits 8|16] [--symmetric]',
  flags: [
    MODEL_FLAG,
    { name: 'samples', type: 'number', help: 'calibration images (the last N of the training set)', default: 256 },
    METHOD_FLAG,
    { name: 'bits', type: 'number', help: 'bit width the ranges are chosen for', default: 8 },
    { name: 'symmetric', type: 'boolean', help: 'symmetric activation ranges (zero point 0)' },
  ],
  positionals: [],
  run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const stats = calibrateModel(ctx.session, m.name, m.graph, trainOf(ctx.session), args.num('samples') ?? 256, ctx.signal);
    const o = { method: parseMethod(args.str('method')), dtype: quantDTypeOfBits(parseBits(args.num('bits'))), symmetric: args.bool('symmetric') };
    const rows = [...stats].map(([value, s]) => { const r = chooseRange(s, o); return { value, min: s.min, max: s.max, [`${o.method} min`]: r.min, [`${o.method} max`]: r.max }; });
    return new MagicOutput(rows, table(rows, { caption: `${m.name}: ranges over ${args.num('samples') ?? 256} calibration images`, maxRows: 1000 }));
  },
};

export const quantizeMagic: MagicSpec = {
  name: 'quantize',
  kind: 'line',
  summary: 'post-training quantization to int8/int16 (bit-exact fixed-point model + QDQ graph), per-layer table',
  usage: '%quantize --bits 8|16 [--per-channel] [--method minmax|percentile|mse] [--symmetric] [--layer-bits conv1=16,..] [--samples 200] [--name N] [-o model.onnx]',
  flags: [
    MODEL_FLAG,
    { name: 'bits', alias: 'b', type: 'number', help: '8 or 16', default: 8 },
    { name: 'per-channel', type: 'boolean', help: 'one weight scale per output channel (default: per tensor)' },
    METHOD_FLAG,
    { name: 'symmetric', type: 'boolean', help: 'symmetric activations (zero point 0)' },
    { name: 'percentile', type: 'number', help: 'percentile of --method percentile', default: 99.99 },
    { name: 'layer-bits', type: 'list', help: 'mixed precision: LAYER=BITS items overriding --bits' },
    { name: 'calib-samples', type: 'number', help: 'calibration images when %calibrate was not run', default: 256 },
    { name: 'samples', type: 'number', help: 'test images for the fp32 vs integer accuracy (0: skip)', default: 200 },
    { name: 'name', alias: 'n', type: 'string', help: 'session name of the QDQ model (default MODEL-intBITS)' },
    { name: 'output', alias: 'o', type: 'string', help: 'write the QDQ model as ONNX' },
  ],
  positionals: [],
  async run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const bits = parseBits(args.num('bits'));
    const { model: q, qdq } = quantizeSessionModel(ctx.session, m.name, m.graph, trainOf(ctx.session), {
      bits, perChannel: args.bool('per-channel'), method: parseMethod(args.str('method')), symmetric: args.bool('symmetric'),
      percentile: args.num('percentile') ?? 99.99, layerBits: parseLayerBits(args.list('layer-bits'), m.graph),
      samples: args.num('calib-samples') ?? 256, signal: ctx.signal,
    });
    const name = args.str('name') ?? `${m.name}-int${bits}`;
    q.name = name;
    qdq.name = name;
    ctx.session.store.set(QMODELS, name, q);
    ctx.session.store.set(MODELS, name, { name, graph: qdq, source: `${m.source} quantized (int${bits})`, format: 'qdq' });
    const test = resolveDataset(ctx.session, undefined, 'test').ds;
    const train = resolveDataset(ctx.session, undefined, 'train').ds;
    const sample = slice(train, train.n - 16, 16);
    const rows = quantReport(m.graph, q, { dtype: 'float32', shape: [sample.n, ...sample.shape], data: sample.images });
    const n = args.num('samples') ?? 200;
    let head = `${m.name} -> ${name} (int${bits}${args.bool('per-channel') ? ', per-channel weights' : ''}, ${args.str('method') ?? 'minmax'})`;
    const result: Record<string, unknown> = { model: name, bits, layers: rows };
    if (n > 0) {
      const val = slice(test, 0, n);
      const fp32 = (await evaluate(m.graph, val, { signal: ctx.signal })).accuracy;
      const int = (await evaluate(m.graph, val, { signal: ctx.signal, forward: async (x) => runQuantized(q, x, { engine: 'fast' }).output.data as Float32Array })).accuracy;
      Object.assign(result, { fp32Accuracy: fp32, quantizedAccuracy: int });
      head += `: accuracy fp32 ${(100 * fp32).toFixed(2)} %, int${bits} ${(100 * int).toFixed(2)} % on ${val.n} test images`;
    }
    const out = args.str('output');
    if (out !== undefined) {
      const path = resolve(out);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, exportOnnx(qdq, { producer: 'bwvm quantize' }));
      result.file = path;
      head += `; wrote ${path}`;
    }
    const acc = table([{ model: m.name, ...(result.fp32Accuracy !== undefined ? { accuracy: result.fp32Accuracy } : {}) }, { model: name, ...(result.quantizedAccuracy !== undefined ? { accuracy: result.quantizedAccuracy } : {}) }], { caption: 'fp32 vs fixed-point reference' });
    return new MagicOutput(result, both(table(rows as unknown as Record<string, unknown>[], { caption: 'per-layer quantization (SQNR vs fp32 on 16 calibration images)', maxRows: 1000 }), acc, head));
  },
};

export const qatMagic: MagicSpec = {
  name: 'qat',
  kind: 'line',
  summary: 'quantization-aware fine-tuning (fake quantization, straight-through estimator), then re-quantize',
  usage: '%qat --bits 8|16 [--per-channel] [--method M] [--epochs 1] [--max-steps 50] [--lr 0.002] [--samples 200] [--name N]',
  flags: [
    MODEL_FLAG,
    { name: 'bits', alias: 'b', type: 'number', help: '8 or 16', default: 8 },
    { name: 'per-channel', type: 'boolean', help: 'one weight scale per output channel' },
    METHOD_FLAG,
    { name: 'symmetric', type: 'boolean', help: 'symmetric activations (zero point 0)' },
    { name: 'epochs', type: 'number', help: 'fine-tuning epochs over the training set', default: 1 },
    { name: 'max-steps', type: 'number', help: 'stop after this many steps', default: 50 },
    { name: 'lr', type: 'number', help: 'learning rate (SGD with momentum)', default: 0.002 },
    { name: 'samples', type: 'number', help: 'test images for the accuracy comparison (0: skip)', default: 200 },
    { name: 'name', alias: 'n', type: 'string', help: 'session name of the result (default MODEL-qat-intBITS)' },
  ],
  positionals: [],
  async run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const bits = parseBits(args.num('bits'));
    const opts = { bits, perChannel: args.bool('per-channel'), method: parseMethod(args.str('method')), symmetric: args.bool('symmetric') };
    const ptq = quantizeSessionModel(ctx.session, m.name, m.graph, trainOf(ctx.session), { ...opts, signal: ctx.signal }).model;
    const train = resolveDataset(ctx.session, undefined, 'train').ds;
    const r = await quantizationAwareTrain(m.graph, ptq, train, {
      epochs: args.num('epochs') ?? 1, maxSteps: args.num('max-steps') ?? 50, lr: args.num('lr') ?? 0.002, batchSize: 32, signal: ctx.signal,
      onStep: (p) => { if (p.step % 10 === 0 || p.step === p.totalSteps) ctx.stdout(`step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)}\n`); },
    });
    const { model: q, qdq } = quantizeWithCalibration(r.graph, train, { ...opts, signal: ctx.signal });
    const name = args.str('name') ?? `${m.name}-qat-int${bits}`;
    q.name = name;
    qdq.name = name;
    ctx.session.store.set(QMODELS, name, q);
    ctx.session.store.set(MODELS, name, { name, graph: qdq, source: `${m.source} QAT (int${bits})`, format: 'qdq' });
    const result: Record<string, unknown> = { model: name, bits, steps: r.history.steps };
    const n = args.num('samples') ?? 200;
    const rows: Record<string, unknown>[] = [];
    if (n > 0) {
      const val = slice(resolveDataset(ctx.session, undefined, 'test').ds, 0, n);
      const acc = async (qm?: QModel) => (await evaluate(m.graph, val, { signal: ctx.signal, ...(qm ? { forward: async (x) => runQuantized(qm, x, { engine: 'fast' }).output.data as Float32Array } : {}) })).accuracy;
      Object.assign(result, { fp32Accuracy: await acc(), ptqAccuracy: await acc(ptq), qatAccuracy: await acc(q) });
      rows.push({ model: `${m.name} (fp32)`, accuracy: result.fp32Accuracy }, { model: `PTQ int${bits}`, accuracy: result.ptqAccuracy }, { model: `${name} (QAT int${bits})`, accuracy: result.qatAccuracy });
    }
    return new MagicOutput(result, table(rows, { caption: `${m.name}: ${r.history.steps} QAT steps${n > 0 ? `, accuracy on ${n} test images` : ''}` }));
  },
};

export const quantFamily: MagicFamily = { name: 'quant', magics: [calibrateMagic, quantizeMagic, qatMagic] };

/** The integer model %quantize made under `name` (for %qat and the public API). */
export function getQuantModel(session: Session, name: string): QModel {
  const q = session.store.get(QMODELS, name);
  if (!q) throw new BwvmError('quant-unknown', `no quantized model named '${name}'`, { hint: 'run %quantize first' });
  return q;
}
