// %compare: a table of session models (original and compressed) with FLOPs, params, peak
// activation bytes and accuracy/loss on the same validation data.
import { modelCosts } from '../../compress/index.js';
import { table } from '../../display/index.js';
import { MODELS, getModel } from '../../session/models.js';
import { MagicOutput, type MagicSpec } from '../types.js';
import { ENGINE_FLAG, PLANS, engineOf, evalData, evaluateWith } from './common.js';

export const compareMagic: MagicSpec = {
  name: 'compare',
  kind: 'line',
  summary: 'compare session models: FLOPs, params, peak activations, accuracy and loss',
  usage: '%compare [--models a,b,c] [--dataset D] [--samples 500]',
  flags: [
    { name: 'models', type: 'list', help: 'models to compare (default: all in the session)' },
    { name: 'dataset', alias: 'd', type: 'string', help: 'validation dataset (default: bundled Fashion-MNIST test subset)' },
    { name: 'samples', type: 'number', help: 'validation samples', default: 500 },
    ENGINE_FLAG,
  ],
  positionals: [],
  async run(args, ctx) {
    const names = args.list('models').length ? args.list('models') : ctx.session.store.entries(MODELS).map(([k]) => k);
    const { val, valName } = evalData(ctx.session, args.str('dataset'), args.num('samples') ?? 500, 1);
    const rows = [];
    for (const n of names) {
      const m = getModel(ctx.session, n);
      const want = m.graph.inputs[0]!.shape.slice(1).join(',');
      const c = modelCosts(m.graph);
      const e = want === val.shape.join(',') ? await evaluateWith(engineOf(args.str('engine')), m.graph, val, ctx.signal) : undefined;
      const plan = ctx.session.store.get(PLANS, n);
      rows.push({ model: n, strategy: plan?.strategy ?? '', flops: c.flops, params: c.params, peakActivationBytes: c.peakActivationBytes, accuracy: e?.accuracy ?? null, loss: e?.loss ?? null });
    }
    return new MagicOutput(rows, table(rows, { caption: `models on ${valName} (${val.n} samples)` }));
  },
};
