// Activation table shared with the WebAssembly kernels (assembly/common.ts): name -> code.
import { BwvmError } from '../../util/errors.js';

export const ACTIVATIONS = {
  none: 0, relu: 1, relu6: 2, leaky: 3, sigmoid: 4, tanh: 5, hardswish: 6,
} as const;
export type ActivationKind = keyof typeof ACTIVATIONS;
export interface Activation { kind: ActivationKind; /** leaky slope (default 0.01) */ alpha?: number }
export type ActivationSpec = Activation | ActivationKind | undefined;

/** [code, alpha] for the kernels. */
export function activationCode(spec: ActivationSpec): [number, number] {
  if (spec === undefined) return [0, 0];
  const a: Activation = typeof spec === 'string' ? { kind: spec } : spec;
  const code = (ACTIVATIONS as Record<string, number>)[a.kind];
  if (code === undefined) {
    throw new BwvmError('bwdnn.activation', `unknown activation '${a.kind}'`, { hint: `use one of ${Object.keys(ACTIVATIONS).join(', ')}` });
  }
  return [code, a.alpha ?? 0.01];
}
