// The DSP runtime's calling convention. The caller points address register ARG_REG (w14) at the
// callee's argument block and executes `call`; the block holds one word per tensor argument (its
// on-chip word address), in the order of the kernel's inputs then outputs. The callee reads an
// address with `agld` (g = [w14 + index]), may use every other register, and returns with `ret`.
import type { DspKernel, KernelTensor } from '../kernel.js';
import { tensorWords } from '../kernel.js';

/** Address register holding the argument-block address at a call (AG w = 2, register 14). */
export const ARG_AG = 2;
export const ARG_AR = 14;
export const ARG_REG = 'w14';

export interface ArgSlot {
  /** Index of the word in the argument block. */
  index: number;
  /** The kernel's data symbol this argument replaces. */
  symbol: string;
  role: 'input' | 'output';
  tensor: KernelTensor;
  /** Words the caller must provide at the address (layout included, e.g. row pitch). */
  words: number;
}

/** Argument-block layout of a kernel: its inputs then its outputs, one word each. */
export function argLayout(k: DspKernel): ArgSlot[] {
  const ins = k.inputs.map((t) => ({ role: 'input' as const, t }));
  const outs = k.outputs.map((t) => ({ role: 'output' as const, t }));
  return [...ins, ...outs].map(({ role, t }, index) => ({ index, symbol: t.symbol, role, tensor: t, words: tensorWords(t) }));
}

/** Words of an argument block for a kernel. */
export const argBlockWords = (k: DspKernel): number => k.inputs.length + k.outputs.length;
