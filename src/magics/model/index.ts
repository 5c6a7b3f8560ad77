// The model magic family: %load_model, %summary, %graph, %predict, %export_onnx.
import type { MagicFamily } from '../types.js';
import { loadModelMagic } from './load.js';
import { graphMagic, summaryMagic } from './summary.js';
import { predictMagic } from './predict.js';
import { exportOnnxMagic } from './export.js';

export const modelFamily: MagicFamily = {
  name: 'model',
  magics: [loadModelMagic, summaryMagic, graphMagic, predictMagic, exportOnnxMagic],
};
