// The bit-exact fixed-point reference executor: quantizes the float input (round half to even,
// saturate, like QuantizeLinear), runs the integer kernel table node by node and dequantizes the
// output. Integer intermediates can be kept for per-layer comparisons. Engine 'fast' swaps in the
// WebAssembly integer Conv (fast-conv.ts), which gives the same integers.
import type { Tensor } from '../../ir/types.js';
import { quantRange } from '../../ir/quant.js';
import { BwvmError } from '../../util/errors.js';
import { roundHalfEven, saturate } from './fixed.js';
import { qconv, qgemm, type QKernel } from './kernels-mac.js';
import { fastQconv } from './fast-conv.js';
import type { DnnRuntime } from '../kernels/runtime.js';
import { sharedRuntime } from '../train/engine.js';
import { MISC_QKERNELS } from './kernels-misc.js';
import type { QModel, QTensor, QValue } from './model.js';

/** The integer kernel table: op -> kernel. */
export const QKERNELS: ReadonlyMap<string, QKernel> = new Map(Object.entries({ Conv: qconv, Gemm: qgemm, ...MISC_QKERNELS }));

const fastTables = new WeakMap<DnnRuntime, ReadonlyMap<string, QKernel>>();
/** The fast engine's kernel table on runtime rt: QKERNELS with Conv on the WebAssembly kernel. */
export function fastQKernels(rt: DnnRuntime): ReadonlyMap<string, QKernel> {
  let t = fastTables.get(rt);
  if (!t) fastTables.set(rt, (t = new Map([...QKERNELS, ['Conv', fastQconv(rt)]])));
  return t;
}

export function quantizeTensor(x: Float32Array, v: QValue): Int32Array {
  const s = v.quant.scale[0]!, z = v.quant.zeroPoint[0]!, [lo, hi] = quantRange(v.dtype);
  const q = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) q[i] = saturate(roundHalfEven(x[i]! / s) + z, lo, hi);
  return q;
}

export function dequantizeTensor(q: QTensor, v: QValue): Tensor {
  const s = v.quant.scale[0]!, z = v.quant.zeroPoint[0]!;
  const out = new Float32Array(q.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (q.data[i]! - z) * s;
  return { dtype: 'float32', shape: [...q.shape], data: out };
}

export interface QRunResult {
  /** The dequantized float output. */
  output: Tensor;
  /** The integer output before dequantization. */
  q: QTensor;
  /** Every integer value by name (only with keep). */
  values?: Map<string, QTensor>;
}

export interface QRunOptions {
  /** Keep every integer value (QRunResult.values). */
  keep?: boolean;
  /** 'reference' (default): the JavaScript kernels; 'fast': Conv on WebAssembly, same results. */
  engine?: 'reference' | 'fast';
  /** The fast engine's runtime (default: the shared one, BWVM_THREADS threads). */
  runtime?: DnnRuntime;
}

/** Run the integer model on a float input batch. */
export function runQuantized(m: QModel, input: Tensor, opts: QRunOptions = {}): QRunResult {
  if (input.dtype !== 'float32') throw new BwvmError('EXEC_FEED', `input '${m.input.name}' must be float32, got ${input.dtype}`);
  const table = opts.engine === 'fast' ? fastQKernels(opts.runtime ?? sharedRuntime()) : QKERNELS;
  const values = new Map<string, QTensor>();
  values.set(m.input.name, { shape: [...input.shape], data: quantizeTensor(input.data as Float32Array, m.input.value) });
  for (const node of m.nodes) {
    const kernel = table.get(node.op);
    if (!kernel) throw new BwvmError('QUANT_UNSUPPORTED', `node '${node.name}': no integer kernel for op '${node.op}'`, { hint: `integer ops: ${[...QKERNELS.keys()].join(', ')}` });
    const x = node.inputs.map((n) => values.get(n) ?? fail(`node '${node.name}' reads '${n}', which is not computed`));
    const info = (n: string) => m.values.get(n) ?? fail(`value '${n}' has no quantization params`);
    values.set(node.output, kernel(x, { node, inputs: node.inputs.map(info), output: info(node.output) }));
  }
  const q = values.get(m.output.value) ?? fail(`output value '${m.output.value}' was not computed`);
  return { output: dequantizeTensor(q, m.values.get(m.output.value)!), q, ...(opts.keep ? { values } : {}) };
}

function fail(msg: string): never {
  throw new BwvmError('QUANT_MODEL', msg);
}
