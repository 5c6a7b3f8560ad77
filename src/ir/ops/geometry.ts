// Window geometry shared by shape inference and kernels: explicit / SAME_UPPER / SAME_LOWER /
// VALID padding, strides, dilations and ceil_mode for Conv, ConvTranspose and pooling.
import type { Attrs, Dim } from '../types.js';
import { BwvmError } from '../../util/errors.js';

export interface WindowGeom {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin_0, ..., begin_k, end_0, ..., end_k] like ONNX. */
  pads: number[];
  /** Output spatial dims (symbolic when the input dim is symbolic). */
  out: Dim[];
}

const get = (a: Attrs, k: string): number[] | undefined => (Array.isArray(a[k]) ? (a[k] as number[]) : undefined);

/** Geometry of Conv/MaxPool/AveragePool on spatial dims `inp` with kernel `kernel`. */
export function windowGeometry(inp: Dim[], kernel: number[], attrs: Attrs, where: string, ceilMode = false): WindowGeom {
  const r = kernel.length;
  if (inp.length !== r) throw new BwvmError('IR_SHAPE', `${where}: kernel has ${r} spatial dims but input has ${inp.length}`);
  const strides = get(attrs, 'strides') ?? new Array<number>(r).fill(1);
  const dilations = get(attrs, 'dilations') ?? new Array<number>(r).fill(1);
  let pads = get(attrs, 'pads') ?? new Array<number>(2 * r).fill(0);
  const autoPad = (attrs.auto_pad as string | undefined) ?? 'NOTSET';
  if (strides.length !== r || dilations.length !== r || pads.length !== 2 * r) {
    throw new BwvmError('IR_ATTR', `${where}: strides/dilations/pads lengths do not match ${r} spatial dims`);
  }
  if ([...strides, ...dilations, ...kernel].some((v) => !(v >= 1))) throw new BwvmError('IR_ATTR', `${where}: kernel, strides and dilations must be >= 1`);
  if (pads.some((p) => p < 0)) throw new BwvmError('IR_ATTR', `${where}: negative pads ${pads.join(',')}`);
  const out: Dim[] = [];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array<number>(2 * r).fill(0);
    for (let i = 0; i < r; i++) {
      const n = inp[i]!;
      if (typeof n !== 'number') { out.push(n); continue; }
      const o = Math.ceil(n / strides[i]!);
      const total = Math.max(0, (o - 1) * strides[i]! + dilations[i]! * (kernel[i]! - 1) + 1 - n);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + r] = total - pads[i]!;
      out.push(o);
    }
    return { kernel, strides, dilations, pads, out };
  }
  if (autoPad === 'VALID') pads = new Array<number>(2 * r).fill(0);
  else if (autoPad !== 'NOTSET') throw new BwvmError('IR_ATTR', `${where}: unknown auto_pad '${autoPad}'`, { hint: 'use NOTSET, SAME_UPPER, SAME_LOWER or VALID' });
  for (let i = 0; i < r; i++) {
    const n = inp[i]!;
    if (typeof n !== 'number') { out.push(n); continue; }
    const span = n + pads[i]! + pads[i + r]! - dilations[i]! * (kernel[i]! - 1) - 1;
    let o = (ceilMode ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
    // a window may not start inside the end padding only (PyTorch/ONNX Runtime rule)
    if (ceilMode && (o - 1) * strides[i]! >= n + pads[i]!) o--;
    if (o < 1) throw new BwvmError('IR_SHAPE', `${where}: window larger than padded input (dim ${i}: input ${n}, kernel ${kernel[i]}, dilation ${dilations[i]})`);
    out.push(o);
  }
  return { kernel, strides, dilations, pads, out };
}

/** Geometry of ConvTranspose (explicit pads, output_padding, or output_shape / auto_pad). */
export function convTransposeGeometry(inp: Dim[], kernel: number[], attrs: Attrs, where: string): WindowGeom & { outputPadding: number[] } {
  const r = kernel.length;
  const strides = get(attrs, 'strides') ?? new Array<number>(r).fill(1);
  const dilations = get(attrs, 'dilations') ?? new Array<number>(r).fill(1);
  const outputPadding = get(attrs, 'output_padding') ?? new Array<number>(r).fill(0);
  let pads = get(attrs, 'pads') ?? new Array<number>(2 * r).fill(0);
  const outputShape = get(attrs, 'output_shape');
  const autoPad = (attrs.auto_pad as string | undefined) ?? 'NOTSET';
  if (strides.length !== r || dilations.length !== r || pads.length !== 2 * r || outputPadding.length !== r) {
    throw new BwvmError('IR_ATTR', `${where}: strides/dilations/pads/output_padding lengths do not match ${r} spatial dims`);
  }
  const out: Dim[] = [];
  const full = (i: number, n: number) => strides[i]! * (n - 1) + outputPadding[i]! + (kernel[i]! - 1) * dilations[i]! + 1;
  if (outputShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array<number>(2 * r).fill(0);
    const os = outputShape ? outputShape.slice(-r) : undefined;
    for (let i = 0; i < r; i++) {
      const n = inp[i]!;
      if (typeof n !== 'number') { out.push(n); continue; }
      const o = os ? os[i]! : n * strides[i]!;
      const total = Math.max(0, full(i, n) - o);
      const half = Math.floor(total / 2);
      // ONNX: SAME_UPPER puts the smaller half first; SAME_LOWER and output_shape the larger
      pads[i] = autoPad === 'SAME_UPPER' ? half : total - half;
      pads[i + r] = total - pads[i]!;
      out.push(o);
    }
  } else {
    for (let i = 0; i < r; i++) {
      const n = inp[i]!;
      out.push(typeof n === 'number' ? full(i, n) - pads[i]! - pads[i + r]! : n);
    }
  }
  return { kernel, strides, dilations, pads, out, outputPadding };
}
