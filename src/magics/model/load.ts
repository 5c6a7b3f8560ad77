// %load_model PATH|ZOO_NAME: load an ONNX / Keras / TF.js / bwvm file or build a zoo network
// (pretrained weights when a checkpoint is shipped, --random for a fresh init),
// keep it in the session under a name, and show its summary table and graph picture.
import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { Dim, Graph } from '../../ir/types.js';
import { loadModel } from '../../frontend/load.js';
import { bindInputShapes } from '../../ir/infer.js';
import { ZOO } from '../../bwdnn/zoo/index.js';
import { MODELS, loadZooModel, type ModelEntry } from '../../session/models.js';
import { BwvmError } from '../../util/errors.js';
import { MagicOutput, type MagicSpec } from '../types.js';
import { graphSvg, modelView, summarize } from './common.js';

/** `1,28,28` (per sample; the batch stays as it is) or `N,1,28,28` (the whole input). */
export function parseInputShape(items: string[], g: Graph): Dim[] {
  const dims: Dim[] = items.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const rank = g.inputs[0]?.shape.length ?? 0;
  if (dims.length === rank - 1) return [g.inputs[0]!.shape[0]!, ...dims];
  if (dims.length !== rank) throw new BwvmError('model-input-shape', `--input-shape ${items.join(',')} has ${dims.length} dims; input '${g.inputs[0]?.name}' has rank ${rank}`, { hint: `give ${rank - 1} dims per sample (e.g. 1,28,28) or all ${rank}` });
  return dims;
}

export const loadModelMagic: MagicSpec = {
  name: 'load_model',
  kind: 'line',
  summary: 'load a model file (ONNX, Keras .h5, TF.js, bwvm) or a zoo network; show its summary and graph',
  usage: '%load_model PATH|ZOO_NAME [--name N] [--input-shape 1,28,28] [--seed S] [--random] [--no-graph]',
  flags: [
    { name: 'name', alias: 'n', type: 'string', help: 'name of the model in this session (default: file stem or zoo name)' },
    { name: 'input-shape', type: 'list', help: 'input dims per sample (C,H,W) or including the batch' },
    { name: 'seed', type: 'number', help: 'seed of a zoo network\'s initialization', default: 1 },
    { name: 'random', type: 'boolean', help: 'zoo network with fresh seeded weights instead of its shipped pretrained checkpoint', default: false },
    { name: 'graph', type: 'boolean', help: 'draw the graph (--no-graph to skip)', default: true },
  ],
  positionals: [{ name: 'source', help: 'model file path, or a zoo name: ' + ZOO.map((z) => z.name).join(', ') }],
  details: 'Examples:\n  %load_model lenet5\n  %load_model models/net.onnx --name net --input-shape 1,28,28',
  async run(args, ctx) {
    const source = args.pos('source');
    if (!source) throw new BwvmError('model-no-source', '%load_model needs a file path or a zoo name', { hint: `zoo: ${ZOO.map((z) => z.name).join(', ')}` });
    const path = resolve(ctx.session.cwd, source);
    const shape = args.list('input-shape');
    let graph: Graph;
    let entrySource: string, format: string;
    let pretrained: ModelEntry['pretrained'];
    if (existsSync(path)) {
      graph = await loadModel(path);
      entrySource = path;
      format = graph.meta.format ?? extname(path).slice(1);
    } else if (ZOO.some((z) => z.name === source)) {
      const chw = shape.length === 3 ? (shape.map(Number) as [number, number, number]) : undefined;
      ({ graph, pretrained } = loadZooModel(source, { seed: args.num('seed') ?? 1, random: args.bool('random') ?? false, ...(chw ? { input: chw } : {}) }));
      entrySource = `zoo:${source}`;
      format = 'zoo';
    } else {
      throw new BwvmError('model-not-found', `'${source}' is neither a file (${path}) nor a zoo model`, { hint: `zoo models: ${ZOO.map((z) => z.name).join(', ')}; file paths are relative to ${ctx.session.cwd}` });
    }
    if (shape.length && format !== 'zoo') bindInputShapes(graph, { [graph.inputs[0]!.name]: parseInputShape(shape, graph) });
    ctx.signal.throwIfAborted();
    const name = args.str('name') ?? (format === 'zoo' ? source : basename(path).replace(/\.(onnx|h5|json|bwvm)$/i, '').replace(/\W+/g, '_'));
    const entry: ModelEntry = { name, graph, source: entrySource, format, ...(pretrained ? { pretrained } : {}) };
    ctx.session.store.set(MODELS, name, entry);
    const summary = summarize(graph);
    const svg = args.bool('graph') ? await graphSvg(graph) : undefined;
    return new MagicOutput(entry, modelView(summary, svg));
  },
};
