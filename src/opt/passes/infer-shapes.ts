// Pass: shape inference (fills valueInfo; topologically sorts the nodes).
import { inferShapes } from '../../ir/infer.js';
import type { Pass } from '../pass.js';
import { graphSignature } from '../signature.js';

export const inferShapesPass: Pass = {
  name: 'infer-shapes',
  description: 'infer dtype/shape of every intermediate value (graph.valueInfo) and sort nodes topologically',
  run(g) {
    const before = graphSignature(g, true);
    inferShapes(g);
    return graphSignature(g, true) !== before;
  },
};
