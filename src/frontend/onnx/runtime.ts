// A forward-only execution engine through onnxruntime-node: the IR graph is exported to ONNX in
// memory and run by onnxruntime's CPU kernels. Equal to the reference executor within tolerance
// and much faster, so long sensitivity sweeps can use it (`--engine ort`).
import type { Graph, Tensor } from '../../ir/types.js';
import { BwvmError } from '../../util/errors.js';
import { exportOnnx } from './export.js';

export interface OrtRunner {
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

type Ort = typeof import('onnxruntime-node');
let ort: Promise<Ort> | undefined;

/** Create an onnxruntime session for g (threads: intra-op threads, default 1). */
export async function ortRunner(g: Graph, opts: { threads?: number } = {}): Promise<OrtRunner> {
  ort ??= import('onnxruntime-node');
  const rt = await ort;
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session = await rt.InferenceSession.create(exportOnnx(g, { producer: 'bwvm' }), { intraOpNumThreads: opts.threads ?? 1, interOpNumThreads: 1 });
  } catch (e) {
    throw new BwvmError('ORT_SESSION', `onnxruntime could not load graph '${g.name}': ${(e as Error).message}`, { hint: 'use --engine bwdnn (the reference executor) for this model' });
  }
  return {
    async run(feeds) {
      const inputs: Record<string, InstanceType<Ort['Tensor']>> = {};
      for (const [k, t] of Object.entries(feeds)) {
        if (t.dtype !== 'float32') throw new BwvmError('ORT_FEED', `input '${k}': the ort engine feeds float32 only`);
        inputs[k] = new rt.Tensor('float32', t.data as Float32Array, t.shape);
      }
      const out = await session.run(inputs);
      const res: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(out)) res[k] = { dtype: 'float32', shape: [...v.dims], data: v.data as Float32Array };
      return res;
    },
    release: () => session.release(),
  };
}
