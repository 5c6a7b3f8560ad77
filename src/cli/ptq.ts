// The CLI's post-training quantization step, shared by `bwvm quantize` and `bwvm compile --bits`:
// calibrate on the last N images of the bundled Fashion-MNIST training subset, then lower the
// model to the integer model and its QDQ graph.
import type { Graph } from '../ir/types.js';
import { fashionMnist, slice, type Dataset } from '../bwdnn/data/index.js';
import { parseBits, parseLayerBits, parseMethod, postTrainingQuantize } from '../compress/quant/index.js';

export interface CliPtqArgs { bits: string | undefined; perChannel: boolean; method?: string | undefined; symmetric: boolean; layerBits?: string | undefined; calib: string | undefined }

export function cliPostTrainingQuantize(g: Graph, a: CliPtqArgs): ReturnType<typeof postTrainingQuantize> & { bits: 8 | 16; calib: Dataset } {
  const bits = parseBits(a.bits);
  const train = fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' });
  const n = Math.max(1, Math.min(Number(a.calib ?? 256), train.n));
  const calib = slice(train, train.n - n, n);
  const r = postTrainingQuantize(g, { dtype: 'float32', shape: [calib.n, ...calib.shape], data: calib.images }, {
    bits, perChannel: a.perChannel, method: parseMethod(a.method), symmetric: a.symmetric, layerBits: parseLayerBits([a.layerBits ?? ''], g),
  });
  return { ...r, bits, calib };
}
