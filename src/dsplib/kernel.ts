// What a dsplib generator returns: assembly text for one exact shape plus the data symbols it
// reads and writes (name, shape, layout), its useful FLOPs and the blocking it chose.
export type DspDType = 'f32';

export interface KernelTensor {
  /** Data symbol in the assembly (write inputs / read outputs by this name). */
  symbol: string;
  shape: number[];
  layout: string;
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
