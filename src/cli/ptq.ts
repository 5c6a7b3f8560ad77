// The CLI's post-training quantization step, shared by `bwvm quantize` and `bwvm compile --bits`:
// the flags parsed, then the session layer's step (src/session/ptq.ts, also used by the magics) on
// the bundled Fashion-MNIST training subset: calibrate on its last N images, lower to the integer
// model and its QDQ graph.
import type { Graph } from '../ir/types.js';
import { fashionMnist, type Dataset } from '../bwdnn/data/index.js';
import { parseBits, parseLayerBits, parseMethod } from '../compress/quant/index.js';
import { quantizeWithCalibration, type PtqStep } from '../session/ptq.js';

export interface CliPtqArgs { bits: string | undefined; perChannel: boolean; method?: string | undefined; symmetric: boolean; layerBits?: string | undefined; calib: string | undefined }

export function cliPostTrainingQuantize(g: Graph, a: CliPtqArgs): PtqStep & { calib: Dataset } {
  const train = fashionMnist({ split: 'train', subset: 'bundled', normalize: 'standard' });
  const r = quantizeWithCalibration(g, train, {
    bits: parseBits(a.bits), perChannel: a.perChannel, method: parseMethod(a.method), symmetric: a.symmetric, layerBits: parseLayerBits([a.layerBits ?? ''], g),
    samples: Number(a.calib ?? 256),
  });
  return { ...r, calib: r.calib! }; // no stats given: the step calibrated
}
