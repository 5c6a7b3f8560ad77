// Shared helpers of the library-mode op table (ops.ts, ops-nn.ts): kernel generation by table
// name, attribute errors naming the node, constant inputs, and conv/pool window attributes.
import type { Attrs, Graph, Node } from '../../ir/index.js';
import { DSP_KERNELS, type DspKernel } from '../../dsplib/index.js';
import type { TargetDesc } from '../../target/index.js';
import { BwvmError } from '../../util/errors.js';

/** What feeds a kernel tensor: a graph value (activation) or constant data prepared on the host (dense, row-major). */
export type ArgSource = { value: string } | { constant: Float32Array };

export interface LoweredCall {
  kernel: DspKernel;
  /** Per kernel tensor symbol (inputs and outputs). Outputs are always values. */
  args: Record<string, ArgSource>;
}

export interface LowerContext {
  g: Graph;
  node: Node;
  t: TargetDesc;
  /** Concrete shape of a value (throws naming the node when symbolic). */
  shape(name: string): number[];
  /** Constant data of an initializer input, or undefined for an activation. */
  constant(name: string): Float32Array | undefined;
}

export interface OpLowering {
  /** dsplib kernel(s) this op uses (for listing), or 'alias'. */
  kernel: string;
  lower(c: LowerContext): LoweredCall | { alias: string };
}

export const gen = (name: string, shape: object, t: TargetDesc): DspKernel =>
  (DSP_KERNELS[name] as unknown as { generate(s: object, t: TargetDesc): DspKernel }).generate(shape, t);

export const ints = (a: Attrs, k: string): number[] | undefined => a[k] as number[] | undefined;

export function unsupported(c: LowerContext, what: string, hint: string): never {
  throw new BwvmError('CODEGEN_LIBRARY_ATTR', `node '${c.node.name}' (${c.node.op}): ${what}`, { hint });
}

export const same = (xs: number[]): boolean => xs.every((v) => v === xs[0]);
export const prod = (xs: number[]): number => xs.reduce((p, q) => p * q, 1);

/** A value's data or zeros (optional bias). */
export const orZeros = (c: LowerContext, name: string | undefined, n: number): Float32Array =>
  (name ? c.constant(name) : undefined) ?? new Float32Array(n);

export function needConst(c: LowerContext, i: number): Float32Array {
  const name = c.node.inputs[i]!;
  const v = c.constant(name);
  if (!v) unsupported(c, `input '${name}' must be a constant (initializer) in library mode`, 'fold it with %optimize -O1 or compute it on the host');
  return v;
}

/** A graph value or a constant, whichever the input is. */
export const source = (c: LowerContext, name: string): ArgSource => {
  const k = c.constant(name);
  return k ? { constant: k } : { value: name };
};

export function windowOf(c: LowerContext, k: number[]): { stride: number; pad: number } {
  const a = c.node.attrs;
  const strides = ints(a, 'strides') ?? k.map(() => 1), pads = ints(a, 'pads') ?? [0, 0, 0, 0], dil = ints(a, 'dilations') ?? [1, 1];
  if (a.auto_pad && a.auto_pad !== 'NOTSET') unsupported(c, `auto_pad ${String(a.auto_pad)}`, 'export with explicit pads');
  if (!same(strides) || !same(pads) || dil.some((d) => d !== 1)) unsupported(c, `strides ${strides} pads ${pads} dilations ${dil}`, 'library kernels take equal strides and symmetric pads, no dilation');
  return { stride: strides[0]!, pad: pads[0]! };
}
