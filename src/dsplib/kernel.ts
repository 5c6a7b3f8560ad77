// What a dsplib generator returns: assembly text for one exact shape plus the data symbols it
// reads and writes (name, shape, layout), its useful FLOPs and the blocking it chose.
export type DspDType = 'f32' | 'i16' | 'i8';

export interface KernelTensor {
  /** Data symbol in the assembly (write inputs / read outputs by this name). */
  symbol: string;
  shape: number[];
  layout: string;
  /** Words between consecutive slices of the leading dimension when not dense (e.g. weight rows). */
  rowPitch?: number;
  /** Memory the symbol lives in when not on-chip (DDR-tiled kernels). */
  space?: 'ddr';
}

/** Words the tensor occupies in the kernel's memory image. */
export function tensorWords(t: KernelTensor): number {
  const n = t.shape.reduce((a, b) => a * b, 1);
  return t.rowPitch ? t.shape[0]! * t.rowPitch : n;
}

/** Lay out dense row-major data as the kernel expects it (rows at rowPitch). */
export function layoutData(t: KernelTensor, dense: ArrayLike<number>): Float32Array {
  if (!t.rowPitch) return Float32Array.from(dense);
  const rows = t.shape[0]!, row = dense.length / rows;
  const out = new Float32Array(rows * t.rowPitch);
  for (let i = 0; i < rows; i++) for (let k = 0; k < row; k++) out[i * t.rowPitch + k] = dense[i * row + k]!;
  return out;
}

export interface DspKernel {
  name: string;
  description: string;
  dtype: DspDType;
  asm: string;
  /** Useful floating-point operations (2 per multiply-accumulate). */
  flops: number;
  inputs: KernelTensor[];
  outputs: KernelTensor[];
  /** Blocking / tuning parameters the generator chose. */
  params: Record<string, number>;
}
