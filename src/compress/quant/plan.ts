// Post-training quantization in one call (calibrate -> lower -> QDQ graph) and the parsing of
// mixed-precision plans ("conv1=16,fc3=16") shared by the %quantize magic and `bwvm quantize`.
import type { Graph, Tensor } from '../../ir/types.js';
import type { QModel } from '../../bwdnn/quant/model.js';
import { BwvmError } from '../../util/errors.js';
import { CALIB_METHODS, collectStats, type CalibMethod, type Stats } from './calibrate.js';
import { lowerToInteger, type QuantizeOptions } from './lower.js';
import { toQdqGraph } from './qdq.js';

export interface PtqResult { model: QModel; qdq: Graph; stats: Stats }

export function postTrainingQuantize(g: Graph, calib: Tensor, o: QuantizeOptions = {}, stats?: Stats): PtqResult {
  const st = stats ?? collectStats(g, calib);
  const model = lowerToInteger(g, st, o);
  return { model, qdq: toQdqGraph(model), stats: st };
}

export function parseBits(v: number | string | undefined): 8 | 16 {
  const b = Number(v ?? 8);
  if (b !== 8 && b !== 16) throw new BwvmError('QUANT_BITS', `unsupported bit width ${String(v)}`, { hint: 'use --bits 8 or --bits 16' });
  return b;
}

export function parseMethod(v: string | undefined): CalibMethod {
  const m = (v ?? 'minmax') as CalibMethod;
  if (!CALIB_METHODS.includes(m)) throw new BwvmError('QUANT_METHOD', `unknown calibration method '${v}'`, { hint: `methods: ${CALIB_METHODS.join(', ')}` });
  return m;
}

/** "conv1=16,fc3=8" (or a list of such items) -> per-layer bits, checked against the graph's nodes. */
export function parseLayerBits(items: string[], g: Graph): Record<string, 8 | 16> {
  const out: Record<string, 8 | 16> = {};
  for (const it of items.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const [layer, bits] = it.split('=');
    if (!layer || bits === undefined) throw new BwvmError('QUANT_LAYER_BITS', `'${it}' is not LAYER=BITS`, { hint: 'e.g. --layer-bits conv1=16,fc3=16' });
    if (!g.nodes.some((n) => n.name === layer)) throw new BwvmError('QUANT_LAYER_BITS', `no layer '${layer}' in '${g.name}'`, { hint: `layers: ${g.nodes.filter((n) => n.op === 'Conv' || n.op === 'Gemm').map((n) => n.name).join(', ')}` });
    out[layer] = parseBits(bits);
  }
  return out;
}
