// bwvm's public TypeScript API (what `import ... from 'bwvm'` gives, in notebooks and
// programs): one namespace per layer, plus the most used functions at the top level. Every
// magic is a thin shell over these.
export * as ir from './ir/index.js';
export * as onnx from './frontend/onnx/index.js';
export * as keras from './frontend/keras/index.js';
export * as tfjs from './frontend/tfjs/index.js';
export * as native from './frontend/native/index.js';
export * as reference from './bwdnn/reference/index.js';
export * as kernels from './bwdnn/kernels/index.js';
export * as data from './bwdnn/data/index.js';
export * as training from './bwdnn/train/index.js';
export * as zoo from './bwdnn/zoo/index.js';
export * as compress from './compress/index.js';
export * as isa from './isa/index.js';
export * as target from './target/index.js';
export * as sim from './sim/index.js';
export * as display from './display/index.js';
export * as opt from './opt/index.js';
export * as memory from './memory/index.js';
export * as dsplib from './dsplib/index.js';
export * as dspRuntime from './dsplib/runtime/index.js';
export * as libraryMode from './codegen/library/index.js';
export * as generatedMode from './codegen/dsp/index.js';
export * as codegen from './codegen/index.js';
export * as quant from './compress/quant/index.js';
export * as fixedpoint from './bwdnn/quant/index.js';

export { loadModel, detectFormat, LOADERS, type LoadOptions } from './frontend/load.js';
export { exportOnnx, importOnnx, importOnnxFile, ortRunner } from './frontend/onnx/index.js';
export { run, runDetailed } from './bwdnn/reference/index.js';
export { compileForward, type CompiledForward } from './bwdnn/fast/index.js';
export { zooModel, zooNames, ZOO } from './bwdnn/zoo/index.js';
export { loadZooModel, type ZooLoad, type ZooLoadOptions } from './session/models.js';
export { train, evaluate } from './bwdnn/train/index.js';
export { fashionMnist } from './bwdnn/data/index.js';
export { analyzeGroups, applyPruning, allocate, sensitivity, resolveBudgets, modelCosts } from './compress/index.js';
export { postTrainingQuantize, collectStats, lowerToInteger, toQdqGraph, quantizationAwareTrain } from './compress/quant/index.js';
export { runQuantized } from './bwdnn/quant/index.js';
export { assemble, disassemble } from './isa/index.js';
export { Simulator } from './sim/index.js';
export { compileLibrary, runLibrary, layerTable, type LibraryRun, type LayerProfile } from './session/library.js';
export { optimize } from './opt/index.js';
export { emitCModel, writeCModel, compileCModel, runHarness } from './codegen/index.js';
export { runCodegen, checkCModel } from './magics/codegen-run.js';
export { getTarget, resolveTarget, TARGETS } from './target/index.js';
export { BwvmError } from './util/errors.js';
export type { Graph, Node, Tensor, TensorInfo, Initializer } from './ir/types.js';
