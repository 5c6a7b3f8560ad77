// %predict: run a session model with the reference executor on dataset samples (shown as images
// with predicted and true labels) or on random input, and report the predictions.
import { run } from '../../bwdnn/reference/run.js';
import { fashionMnist, slice, type Dataset } from '../../bwdnn/data/index.js';
import { Rng } from '../../bwdnn/zoo/rng.js';
import { encodePng } from '../../display/png-encode.js';
import { MIME, escapeHtml, type MimeBundle } from '../../display/index.js';
import { getModel } from '../../session/models.js';
import { BwvmError } from '../../util/errors.js';
import type { Tensor } from '../../ir/types.js';
import type { MagicSpec } from '../types.js';
import { MODEL_FLAG } from './common.js';

export interface Prediction { index: number; predicted: number; label?: number; confidence: number }

function softmaxRow(x: Float32Array, off: number, k: number): { arg: number; p: number } {
  let m = -Infinity, arg = 0;
  for (let j = 0; j < k; j++) if (x[off + j]! > m) { m = x[off + j]!; arg = j; }
  let s = 0;
  for (let j = 0; j < k; j++) s += Math.exp(x[off + j]! - m);
  return { arg, p: 1 / s };
}

function sampleImage(ds: Dataset, i: number): string {
  const [c, h, w] = ds.shape;
  const px = new Uint8Array(h * w);
  const img = ds.images.subarray(i * c * h * w, i * c * h * w + h * w);
  let lo = Infinity, hi = -Infinity;
  for (const v of img) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  for (let j = 0; j < h * w; j++) px[j] = Math.round((255 * (img[j]! - lo)) / (hi - lo || 1));
  return Buffer.from(encodePng(px, w, h, 1)).toString('base64');
}

export const predictMagic: MagicSpec = {
  name: 'predict',
  kind: 'line',
  summary: 'run a model on dataset samples (images with predicted labels) or random input',
  usage: '%predict [--model N] [--samples 8] [--split test] [--data DIR] [--random]',
  flags: [
    MODEL_FLAG,
    { name: 'samples', alias: 's', type: 'number', help: 'number of samples', default: 8 },
    { name: 'split', type: 'string', help: 'dataset split: train or test', default: 'test' },
    { name: 'data', type: 'string', help: 'Fashion-MNIST directory (default: Debian copy, else the bundled subset)' },
    { name: 'random', type: 'boolean', help: 'feed seeded random input instead of dataset samples', default: false },
  ],
  positionals: [],
  run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const g = m.graph;
    const input = g.inputs[0]!;
    const n = Math.max(1, Math.min(256, args.num('samples') ?? 8));
    const sample = input.shape.slice(1);
    if (sample.some((d) => typeof d !== 'number')) throw new BwvmError('predict-shape', `input '${input.name}' has symbolic dims ${JSON.stringify(sample)}`, { hint: 'bind them with %load_model ... --input-shape C,H,W' });
    const per = (sample as number[]).reduce((a, b) => a * b, 1);
    let ds: Dataset | undefined;
    let x: Tensor;
    if (args.bool('random')) {
      const r = new Rng(7);
      x = { dtype: 'float32', shape: [n, ...(sample as number[])], data: Float32Array.from({ length: n * per }, () => r.normal()) };
    } else {
      const split = args.str('split') === 'train' ? 'train' : 'test';
      const dir = args.str('data');
      ds = slice(fashionMnist({ split, subset: 'bundled', normalize: 'standard', ...(dir ? { path: dir, subset: undefined } : {}) }), 0, n);
      if (ds.shape.join(',') !== sample.join(',')) {
        throw new BwvmError('predict-shape', `model '${m.name}' takes samples of shape [${sample.join(',')}] but Fashion-MNIST samples are [${ds.shape.join(',')}]`, { hint: 'load a model for 1x28x28 input (e.g. %load_model lenet5) or use --random' });
      }
      x = { dtype: 'float32', shape: [ds.n, ...ds.shape], data: ds.images.subarray(0, ds.n * per) };
    }
    const out = run(g, { [input.name]: x });
    const logits = out[g.outputs[0]!.name]!;
    const k = logits.data.length / x.shape[0]!;
    const preds: Prediction[] = [];
    for (let i = 0; i < x.shape[0]!; i++) {
      const { arg, p } = softmaxRow(logits.data as Float32Array, i * k, k);
      preds.push({ index: i, predicted: arg, confidence: p, ...(ds ? { label: ds.labels[i]! } : {}) });
    }
    const correct = preds.filter((p) => p.label === p.predicted).length;
    const result = { model: m.name, predictions: preds, accuracy: ds ? correct / preds.length : undefined };
    const names = ds?.classes;
    const label = (c: number | undefined) => (c === undefined ? '' : names?.[c] ?? String(c));
    return Object.assign(result, {
      [MIME]: (): MimeBundle => {
        const cells = preds.map((p) => {
          const ok = p.label === undefined ? '' : p.label === p.predicted ? 'color:#2a7' : 'color:#c33';
          const img = ds ? `<img src="data:image/png;base64,${sampleImage(ds, p.index)}" width="56" height="56" style="image-rendering:pixelated"><br>` : '';
          return `<div style="display:inline-block;margin:4px;text-align:center;font:11px sans-serif">${img}<span style="${ok}">${escapeHtml(label(p.predicted))}</span>${p.label !== undefined ? `<br><small>true: ${escapeHtml(label(p.label))}</small>` : ''}<br><small>${(100 * p.confidence).toFixed(1)}%</small></div>`;
        });
        const acc = result.accuracy === undefined ? '' : ` — ${correct}/${preds.length} correct`;
        const text = preds.map((p) => `#${p.index}: ${label(p.predicted)} (${(100 * p.confidence).toFixed(1)}%)${p.label !== undefined ? ` true ${label(p.label)}` : ''}`).join('\n');
        return { 'text/html': `<div><b>${escapeHtml(m.name)}</b>${acc}</div><div>${cells.join('')}</div>`, 'text/plain': `${m.name}${acc}\n${text}` };
      },
    });
  },
};
