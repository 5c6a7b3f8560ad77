// %summary and %graph: the per-layer table (op, output shape, params, FLOPs, activation bytes,
// totals) and the graph picture of a model in the session.
import { getModel } from '../../session/models.js';
import { svg } from '../../display/index.js';
import { MagicOutput, type MagicSpec } from '../types.js';
import { MODEL_FLAG, graphSvg, modelView, summarize } from './common.js';

export const summaryMagic: MagicSpec = {
  name: 'summary',
  kind: 'line',
  summary: 'per-layer table of a model: op, output shape, params, FLOPs, activation bytes, totals',
  usage: '%summary [--model N]',
  flags: [MODEL_FLAG],
  positionals: [],
  run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const s = summarize(m.graph);
    return new MagicOutput(s, modelView(s, undefined));
  },
};

export const graphMagic: MagicSpec = {
  name: 'graph',
  kind: 'line',
  summary: 'draw a model graph (ops colored by kind, shapes on edges) as SVG',
  usage: '%graph [--model N]',
  flags: [MODEL_FLAG],
  positionals: [],
  async run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const pic = await graphSvg(m.graph);
    return new MagicOutput(pic, svg(pic));
  },
};
