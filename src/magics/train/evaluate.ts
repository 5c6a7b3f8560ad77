// %evaluate: accuracy and loss of a session model on a dataset, the confusion matrix as a
// Plotly heatmap and a per-class accuracy table.
import { evaluate, type Evaluation } from '../../bwdnn/train/index.js';
import { MIME, plotly, table, type MimeBundle } from '../../display/index.js';
import { getModel } from '../../session/models.js';
import { MagicOutput, type MagicSpec } from '../types.js';
import { MODEL_FLAG } from '../model/common.js';
import { resolveDataset } from './dataset.js';
import { ortRunner } from '../../frontend/onnx/runtime.js';
import { BwvmError } from '../../util/errors.js';

export function evaluationView(model: string, dsName: string, e: Evaluation, classes?: string[]): { [MIME](): MimeBundle } {
  const labels = e.confusion.map((_, i) => classes?.[i] ?? String(i));
  const heat = plotly({
    data: [{ type: 'heatmap', z: e.confusion, x: labels, y: labels, colorscale: 'Blues' }],
    layout: { title: { text: `${model} on ${dsName}: confusion matrix` }, xaxis: { title: { text: 'predicted' } }, yaxis: { title: { text: 'true' }, autorange: 'reversed' }, height: 420 },
  });
  const per = table(e.perClass.map((p) => ({ class: p.name ?? String(p.label), n: p.n, accuracy: p.accuracy })), { caption: 'per-class accuracy' });
  const head = `${model} on ${dsName}: accuracy ${(100 * e.accuracy).toFixed(2)} %, loss ${e.loss.toFixed(4)} over ${e.n} samples`;
  return {
    [MIME]: () => {
      const t = per[MIME]();
      return { 'text/html': `<div><b>${head}</b></div>${heat[MIME]()['text/html'] as string}${t['text/html'] as string}`, 'text/plain': `${head}\n${t['text/plain'] as string}` };
    },
  };
}

export const evaluateMagic: MagicSpec = {
  name: 'evaluate',
  kind: 'line',
  summary: 'accuracy, loss, confusion-matrix heatmap and per-class table of a model on a dataset',
  usage: '%evaluate [--model N] [--dataset D] [--limit N] [--engine bwdnn|ort]',
  flags: [
    MODEL_FLAG,
    { name: 'dataset', alias: 'd', type: 'string', help: 'dataset name (default: bundled Fashion-MNIST test subset)' },
    { name: 'limit', type: 'number', help: 'evaluate only the first N samples' },
    { name: 'engine', type: 'string', help: 'bwdnn (reference) or ort (onnxruntime)', default: 'bwdnn' },
  ],
  positionals: [],
  async run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const { name, ds } = resolveDataset(ctx.session, args.str('dataset'), 'test');
    const limit = args.num('limit') !== undefined ? { limit: args.num('limit')! } : {};
    const engine = args.str('engine') ?? 'bwdnn';
    if (engine !== 'bwdnn' && engine !== 'ort') throw new BwvmError('evaluate-engine', `unknown engine '${engine}'`, { hint: 'use --engine bwdnn or --engine ort' });
    let e;
    if (engine === 'ort') {
      const r = await ortRunner(m.graph);
      const inp = m.graph.inputs[0]!.name, out = m.graph.outputs[0]!.name;
      try { e = await evaluate(m.graph, ds, { signal: ctx.signal, ...limit, forward: async (x) => (await r.run({ [inp]: x }))[out]!.data as Float32Array }); } finally { await r.release(); }
    } else e = await evaluate(m.graph, ds, { signal: ctx.signal, ...limit });
    return new MagicOutput(e, evaluationView(m.name, name, e, ds.classes));
  },
};
