// `bwvm quantize MODEL -o OUT.onnx --bits 8|16`: post-training quantization of a model file or
// zoo network, calibrated on the last images of the bundled Fashion-MNIST training subset; writes
// the QDQ ONNX model and prints the per-layer table and fp32 vs fixed-point accuracy.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModel } from '../frontend/load.js';
import { exportOnnx } from '../frontend/onnx/export.js';
import { zooModel } from '../bwdnn/zoo/index.js';
import { fashionMnist, slice } from '../bwdnn/data/index.js';
import { evaluate } from '../bwdnn/train/evaluate.js';
import { runQuantized } from '../bwdnn/quant/index.js';
import { CALIB_METHODS, quantReport } from '../compress/quant/index.js';
import { cliPostTrainingQuantize } from './ptq.js';
import { tableText } from '../display/table.js';
import { errorMessage } from '../util/errors.js';

export const QUANTIZE_SUMMARY = 'post-training quantization to int8/int16: write the QDQ ONNX model, print per-layer errors';
export const QUANTIZE_USAGE = `usage: bwvm quantize MODEL -o OUT.onnx [--bits 8|16] [--per-channel] [--method ${CALIB_METHODS.join('|')}]
                     [--symmetric] [--layer-bits conv1=16,fc3=16] [--calib 256] [--samples 200]

MODEL is a model file (ONNX, Keras .h5, TF.js model.json, .bwvm) or a zoo name (lenet5, ...).
Calibrates on the last --calib images of the bundled Fashion-MNIST training subset, evaluates
fp32 vs the bit-exact fixed-point reference on --samples test images (0: skip).`;

export async function quantizeVerb(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: {
      output: { type: 'string', short: 'o' }, bits: { type: 'string', default: '8' }, 'per-channel': { type: 'boolean' }, method: { type: 'string', default: 'minmax' },
      symmetric: { type: 'boolean' }, 'layer-bits': { type: 'string', default: '' }, calib: { type: 'string', default: '256' }, samples: { type: 'string', default: '200' }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (e) {
    process.stderr.write(`bwvm quantize: ${errorMessage(e)}\n${QUANTIZE_USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) { process.stdout.write(QUANTIZE_USAGE + '\n'); return 0; }
  if (positionals.length !== 1 || !v.output) { process.stderr.write(`bwvm quantize: need one MODEL and -o OUT.onnx\n${QUANTIZE_USAGE}\n`); return 2; }
  try {
    const src = positionals[0]!;
    const g = existsSync(src) ? await loadModel(resolve(src)) : zooModel(src);
    const { model, qdq, bits, calib: c } = cliPostTrainingQuantize(g, {
      bits: v.bits, perChannel: v['per-channel'] ?? false, method: v.method, symmetric: v.symmetric ?? false, layerBits: v['layer-bits'], calib: v.calib,
    });
    const out = resolve(v.output);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, exportOnnx(qdq, { producer: 'bwvm quantize' }));
    const s = slice(c, c.n - Math.min(16, c.n), Math.min(16, c.n));
    const rows = quantReport(g, model, { dtype: 'float32', shape: [s.n, ...s.shape], data: s.images });
    process.stdout.write(tableText({ columns: ['layer', 'op', 'bits', 'weightScale', 'outScale', 'zeroPoint', 'sqnrDb', 'maxErrSteps'], rows: rows.map((r) => [r.layer, r.op, r.bits, r.weightScale, r.outScale, r.zeroPoint, r.sqnrDb, r.maxErrSteps]) }) + '\n');
    const samples = Number(v.samples);
    if (samples > 0) {
      const val = slice(fashionMnist({ split: 'test', subset: 'bundled', normalize: 'standard' }), 0, samples);
      const fp32 = (await evaluate(g, val)).accuracy;
      const q = (await evaluate(g, val, { forward: async (x) => runQuantized(model, x, { engine: 'fast' }).output.data as Float32Array })).accuracy;
      process.stdout.write(`accuracy on ${val.n} test images: fp32 ${(100 * fp32).toFixed(2)} %, int${bits} ${(100 * q).toFixed(2)} %\n`);
    }
    process.stdout.write(`wrote ${out} (QDQ, opset ${qdq.opset})\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`bwvm quantize: ${errorMessage(e)}\n`);
    return 1;
  }
}
