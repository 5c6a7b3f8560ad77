// %dataset: load Fashion-MNIST (Debian copy, a folder, or the bundled subset) or CIFAR-10 into the
// session under a name, and show its size, classes and a few sample images.
import { cifar10 } from '../../bwdnn/data/cifar.js';
import { fashionMnist, type Dataset } from '../../bwdnn/data/index.js';
import { encodePng } from '../../display/png-encode.js';
import { MIME, escapeHtml, type MimeBundle } from '../../display/index.js';
import { DATASETS, getDataset } from '../../session/datasets.js';
import type { Session } from '../../session/session.js';
import { BwvmError } from '../../util/errors.js';
import { MagicOutput, type MagicSpec } from '../types.js';

const NAMES = ['fashion-mnist', 'cifar10'];

/** PNG (base64) of image i of a dataset, min-max scaled, gray or RGB. */
export function datasetImage(ds: Dataset, i: number): string {
  const [c, h, w] = ds.shape;
  const img = ds.images.subarray(i * c * h * w, (i + 1) * c * h * w);
  let lo = Infinity, hi = -Infinity;
  for (const v of img) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const ch = c === 3 ? 3 : 1;
  const px = new Uint8Array(h * w * ch);
  for (let y = 0; y < h * w; y++) for (let k = 0; k < ch; k++) px[y * ch + k] = Math.round((255 * (img[k * h * w + y]! - lo)) / (hi - lo || 1));
  return Buffer.from(encodePng(px, w, h, ch as 1 | 3)).toString('base64');
}

export function datasetView(name: string, ds: Dataset, samples = 10): { [MIME](): MimeBundle } {
  return {
    [MIME]: () => {
      const imgs = Array.from({ length: Math.min(samples, ds.n) }, (_, i) =>
        `<div style="display:inline-block;margin:2px;text-align:center;font:10px sans-serif"><img src="data:image/png;base64,${datasetImage(ds, i)}" width="42" height="42" style="image-rendering:pixelated"><br>${escapeHtml(ds.classes?.[ds.labels[i]!] ?? String(ds.labels[i]))}</div>`).join('');
      const line = `${name}: ${ds.n} images of [${ds.shape.join(',')}], ${ds.classes?.length ?? '?'} classes, from ${ds.source ?? '?'}`;
      return { 'text/html': `<div>${escapeHtml(line)}</div><div>${imgs}</div>`, 'text/plain': line };
    },
  };
}

/** The dataset the training magics use: the named one, the current one, or the bundled Fashion-MNIST split. */
export function resolveDataset(session: Session, name: string | undefined, split: 'train' | 'test'): { name: string; ds: Dataset } {
  if (name !== undefined) return { name, ds: getDataset(session, name)! };
  const key = `fashion-mnist-${split}`;
  const have = session.store.get(DATASETS, key);
  if (have) return { name: key, ds: have };
  const ds = fashionMnist({ split, subset: 'bundled', normalize: 'standard' });
  session.store.set(DATASETS, key, ds);
  return { name: key, ds };
}

export const datasetMagic: MagicSpec = {
  name: 'dataset',
  kind: 'line',
  summary: 'load Fashion-MNIST or CIFAR-10 into the session and show samples',
  usage: '%dataset fashion-mnist|cifar10 [--split train|test] [--subset N|bundled] [--path DIR] [--name N]',
  flags: [
    { name: 'split', type: 'string', help: 'train or test', default: 'train' },
    { name: 'subset', type: 'string', help: "first N images, or 'bundled' for the subset shipped with bwvm" },
    { name: 'path', type: 'string', help: 'folder with the dataset files (default: Debian copy, else bundled subset)' },
    { name: 'name', alias: 'n', type: 'string', help: 'name in the session (default: DATASET-SPLIT)' },
  ],
  positionals: [{ name: 'dataset', help: NAMES.join(' | '), optional: true }],
  run(args, ctx) {
    const which = args.pos('dataset') ?? 'fashion-mnist';
    const split = args.str('split') === 'test' ? 'test' : 'train';
    const subsetFlag = args.str('subset');
    const subset = subsetFlag === undefined ? undefined : subsetFlag === 'bundled' ? 'bundled' as const : Number(subsetFlag);
    if (typeof subset === 'number' && !(subset > 0)) throw new BwvmError('dataset-subset', `--subset ${subsetFlag} must be a positive count or 'bundled'`);
    const path = args.str('path');
    let ds: Dataset;
    if (which === 'fashion-mnist') {
      ds = fashionMnist({ split, normalize: 'standard', ...(subset !== undefined ? { subset } : {}), ...(path ? { path } : {}) });
    } else if (which === 'cifar10') {
      if (!path) throw new BwvmError('dataset-path', 'CIFAR-10 needs --path DIR (the folder with data_batch_*.bin / test_batch.bin)');
      ds = cifar10({ dir: path, split, normalize: 'standard', ...(typeof subset === 'number' ? { limit: subset } : {}) });
    } else {
      throw new BwvmError('dataset-unknown-name', `unknown dataset '${which}'`, { hint: `datasets: ${NAMES.join(', ')}` });
    }
    const name = args.str('name') ?? `${which}-${split}`;
    ctx.session.store.set(DATASETS, name, ds);
    return new MagicOutput(ds, datasetView(name, ds));
  },
};
