// TF.js importer entry: model.json (or its folder) -> graph IR, dispatching on the format to the
// layers-model path (Keras lowering) or the graph-model path (GraphDef op table). Every refusal
// (unknown ops/layers, hostile manifest paths, short shards) happens before shards are read.
import type { Graph } from '../../ir/index.js';
import { graphOutputs, lowerGraphModel, parseNodes } from './graph/lower.js';
import { importTfjsLayers } from './import-layers.js';
import { readModelJson } from './model-json.js';
import { readWeights } from './weights.js';

export async function importTfjs(path: string): Promise<Graph> {
  const m = readModelJson(path);
  if (m.format === 'layers-model') return importTfjsLayers(m);
  const nodes = parseNodes(m.topology, m.file);
  const weights = readWeights(m.manifest, m.dir, m.file);
  const meta: Record<string, string> = { format: 'tfjs-graph' };
  const by = m.doc.convertedBy ?? m.doc.generatedBy;
  if (typeof by === 'string') meta.producer = by;
  return lowerGraphModel(nodes, weights, graphOutputs(nodes, m.doc), m.file, meta);
}
