// Generated mode's per-layer kernels: a fused layer group -> one shape-exact dsplib kernel and what
// feeds each of its tensors. Conv groups use conv2d's epilogue (folded BN, residual addend,
// activation, 2x2 pool) with the blocking chosen by cycles and words (blocking.ts); depthwise groups the
// depthwise kernel (folded BN, fused activation); Gemm groups use dense with bias (+ReLU); any other node reuses library mode's op table.
import { conv2d, conv2dBlocks, type Conv2dOptions, type Conv2dShape, dense, depthwise, type DepthwiseOptions, type DepthwiseShape, type DspKernel, foldBatchNorm } from '../../dsplib/index.js';
import type { TargetDesc } from '../../target/index.js';
import { BwvmError } from '../../util/errors.js';
import { type ArgSource, type LowerContext, type LoweredCall, depthwiseRefusal, loweringFor } from '../library/index.js';
import { conv2dByTraffic } from './blocking.js';
import type { LayerGroup } from './fuse.js';

function bad(c: LowerContext, what: string, hint: string): never {
  throw new BwvmError('CODEGEN_DSP_ATTR', `node '${c.node.name}' (${c.node.op}): ${what}`, { hint });
}

function needConst(c: LowerContext, name: string | undefined): Float32Array {
  const v = name ? c.constant(name) : undefined;
  if (!v) bad(c, `input '${name ?? ''}' must be a constant (initializer)`, 'fold it with %optimize -O1');
  return v;
}

/** conv2d epilogue options of a conv group (activation, residual addend, fused pool). */
export function epilogueOptions(grp: LayerGroup): Conv2dOptions {
  return {
    ...(grp.act ? { activation: grp.act.kind, ...(grp.act.alpha !== undefined ? { alpha: grp.act.alpha } : {}) } : {}),
    ...(grp.addend ? { addend: true } : {}),
    ...(grp.pool ? { pool: grp.pool } : {}),
  };
}

const fastCache = new Map<string, DspKernel>();

/**
 * The kernel of one output-row band of a conv group: a pad-0 conv over the band's zero-bordered input
 * rows [C, Hb, Wp]. `fast`: conv2d's best-estimated blocking only (one build; the band planner's probes).
 */
export function convBandKernel(grp: LayerGroup, sh: { C: number; Hb: number; Wp: number; M: number; kH: number; kW: number; stride: number }, t: TargetDesc, fast = false): DspKernel {
  const shape = { C: sh.C, H: sh.Hb, W: sh.Wp, M: sh.M, kH: sh.kH, kW: sh.kW, stride: sh.stride, pad: 0 }, opts = epilogueOptions(grp);
  if (!fast) return conv2dByTraffic(shape, t, opts).kernel;
  const key = JSON.stringify([shape, t.name, opts]);
  let k = fastCache.get(key);
  if (!k) {
    const block = conv2dBlocks(shape, t, opts, 1)[0];
    try { k = conv2d(shape, t, { ...opts, ...(block ? { block } : {}) }); } catch { k = conv2d(shape, t, opts); }
    if (fastCache.size > 200) fastCache.clear();
    fastCache.set(key, k);
  }
  return k;
}

/** Shape and epilogue of each on-chip conv kernel convCall made (to rebuild it with another tensor layout). */
const convSpecs = new WeakMap<DspKernel, { shape: Conv2dShape; opts: Conv2dOptions }>();
/** Shape and options of each depthwise kernel dwCall made (a padded hand-off's consumer reads x in place). */
const dwSpecs = new WeakMap<DspKernel, { shape: DepthwiseShape; opts: DepthwiseOptions }>();
const laidCache = new Map<string, DspKernel>();

/** The conv shape of a whole-layer conv2d kernel of a conv group (undefined: not one; `relaid` rebuilds only those). */
export const groupConvShape = (k: DspKernel): Conv2dShape | undefined => convSpecs.get(k)?.shape;

/** Input geometry of a kernel that can read x in place from a zero-bordered layout (conv or depthwise group), else undefined. */
export function paddedInput(k: DspKernel): { C: number; H: number; W: number; pad: number } | undefined {
  const sh = convSpecs.get(k)?.shape ?? dwSpecs.get(k)?.shape;
  return sh && { C: sh.C, H: sh.H, W: sh.W, pad: sh.pad };
}

/**
 * Conv kernel `k` (from a conv group) rebuilt with the same blocking, reading x in place from its
 * zero-bordered layout (`xPadded`) and/or storing y into a consumer's layout (`yLayout`).
 */
export function relaid(k: DspKernel, t: TargetDesc, lay: Pick<Conv2dOptions, 'xPadded' | 'xNearW' | 'yLayout'>): DspKernel {
  const dw = dwSpecs.get(k);
  if (dw) {
    if (lay.yLayout) throw new BwvmError('CODEGEN_DSP_BIND', `${k.name}: a depthwise kernel does not store into another layout`);
    if (!lay.xPadded) return k;
    const { R, P, nIn } = k.params as { R: number; P: number; nIn: number };
    const opts: DepthwiseOptions = { ...dw.opts, block: { R, P }, xPadded: true, ...(nIn ? { nIn, pipeline: false } : { pipeline: 'only' }) };
    const key = JSON.stringify(['dw', dw.shape, t.name, opts]);
    let r = laidCache.get(key);
    if (!r) { r = depthwise(dw.shape, t, opts); laidCache.set(key, r); }
    return r;
  }
  const spec = convSpecs.get(k);
  if (!spec) throw new BwvmError('CODEGEN_DSP_BIND', `${k.name}: not a conv group kernel; its layout cannot change`);
  if (!lay.xPadded && !lay.yLayout) return k;
  const block = { R: k.params.R!, P: k.params.P!, Q: k.params.Q! };
  const key = JSON.stringify([spec, block, t.name, lay]);
  let r = laidCache.get(key);
  if (!r) {
    r = conv2d(spec.shape, t, { ...spec.opts, block, ...lay });
    if (laidCache.size > 200) laidCache.clear();
    laidCache.set(key, r);
  }
  return r;
}

/** A conv group's weights and bias with its constant bias Add and BatchNormalization folded in (M output channels). */
function foldedWeights(grp: LayerGroup, c: LowerContext, M: number): { wt: Float32Array; bias: Float32Array } {
  const [, w, b] = c.node.inputs;
  const wt = Float32Array.from(needConst(c, w));
  const bias = b ? Float32Array.from(needConst(c, b)) : new Float32Array(M);
  if (grp.biasAdd) { const add = needConst(c, grp.biasAdd); for (let m = 0; m < M; m++) bias[m]! += add[m]!; }
  if (grp.bn) { // fold: w' = w * scale[m], b' = b * scale[m] + shift[m]
    const [, gm, bt, mu, vr] = grp.bn.inputs.map((v) => (v ? c.constant(v) : undefined));
    const { scale, shift } = foldBatchNorm(gm!, bt!, mu!, vr!, (grp.bn.attrs.epsilon as number | undefined) ?? 1e-5);
    const per = wt.length / M;
    for (let m = 0; m < M; m++) {
      for (let k = 0; k < per; k++) wt[m * per + k]! *= scale[m]!;
      bias[m] = bias[m]! * scale[m]! + shift[m]!;
    }
  }
  return { wt, bias };
}

/** Stride and pad of a conv node: equal strides, symmetric pads, no dilation, explicit pads (else a clear error). */
function windowOf(c: LowerContext): { stride: number; pad: number } {
  const a = c.node.attrs;
  const strides = (a.strides as number[] | undefined) ?? [1, 1], pads = (a.pads as number[] | undefined) ?? [0, 0, 0, 0];
  const dil = (a.dilations as number[] | undefined) ?? [1, 1];
  if (a.auto_pad && a.auto_pad !== 'NOTSET') bad(c, `auto_pad ${String(a.auto_pad)}`, 'export with explicit pads');
  if (strides.some((s) => s !== strides[0]) || pads.some((p) => p !== pads[0]) || dil.some((d) => d !== 1)) {
    bad(c, `strides ${strides} pads ${pads} dilations ${dil}`, 'conv2d takes equal strides, symmetric pads, no dilation');
  }
  return { stride: strides[0]!, pad: pads[0]! };
}

/** A depthwise group (group = C = M, square window): one depthwise kernel, BN folded, the activation fused. */
function dwCall(grp: LayerGroup, c: LowerContext): LoweredCall {
  const [x, w] = c.node.inputs;
  const [, C, H, W] = c.shape(x!), [M, , kH] = c.shape(w!) as [number, number, number, number];
  const no = depthwiseRefusal(c, 'generated mode');
  if (no) bad(c, ...no);
  const { stride, pad } = windowOf(c);
  const { wt, bias } = foldedWeights(grp, c, M);
  const shape = { C: C!, H: H!, W: W!, k: kH, stride, pad }, opts: DepthwiseOptions = { ...epilogueOptions(grp), pipeline: true };
  const kernel = depthwise(shape, c.t, opts);
  dwSpecs.set(kernel, { shape, opts });
  return { kernel, args: { x: { value: x! }, w: { constant: wt }, b: { constant: bias }, y: { value: grp.output } } };
}

function convCall(grp: LayerGroup, c: LowerContext): LoweredCall {
  const [x, w] = c.node.inputs;
  const [, C, H, W] = c.shape(x!), [M, , kH, kW] = c.shape(w!) as [number, number, number, number];
  const { stride, pad } = windowOf(c);
  const { wt, bias } = foldedWeights(grp, c, M);
  // blocking by cycles and memory words (blocking.ts); library mode keeps conv2d's own choice
  const shape = { C: C!, H: H!, W: W!, M, kH, kW, stride, pad }, opts = epilogueOptions(grp);
  const { kernel } = conv2dByTraffic(shape, c.t, opts);
  convSpecs.set(kernel, { shape, opts });
  const args: Record<string, ArgSource> = { x: { value: x! }, w: { constant: wt }, b: { constant: bias }, y: { value: grp.output } };
  if (grp.addend) args.addend = { value: grp.addend };
  return { kernel, args };
}

function denseCall(grp: LayerGroup, c: LowerContext): LoweredCall {
  const a = c.node.attrs;
  const [x, w, b] = c.node.inputs;
  if (((a.transA as number | undefined) ?? 0) !== 0 || ((a.alpha as number | undefined) ?? 1) !== 1 || ((a.beta as number | undefined) ?? 1) !== 1) bad(c, 'transA/alpha/beta', 'use transA=0, alpha=beta=1');
  const [N, K] = c.shape(x!) as [number, number], ws = c.shape(w!);
  if (N !== 1) bad(c, `batch ${N}`, 'generated mode runs one image (N=1)');
  const transB = ((a.transB as number | undefined) ?? 0) === 1;
  const M = transB ? ws[0]! : ws[1]!;
  const wd = needConst(c, w);
  const wt = transB ? wd : Float32Array.from({ length: M * K }, (_, i) => wd[(i % K) * M + Math.floor(i / K)]!);
  const bias = b ? needConst(c, b) : new Float32Array(M);
  if (bias.length !== M) bad(c, `bias of ${bias.length} values for ${M} outputs`, 'broadcast the bias on the host');
  const kernel = dense({ N: 1, K, M }, c.t, { bias: true, relu: grp.act?.kind === 'relu' });
  return { kernel, args: { x: { value: x! }, w: { constant: wt }, b: { constant: bias }, y: { value: grp.output } } };
}

/** The kernel call of a layer group (or an alias for data-free reshapes). */
export function layerCall(grp: LayerGroup, c: LowerContext): LoweredCall | { alias: string } {
  if (grp.kind === 'conv') return convCall(grp, c);
  if (grp.kind === 'dwconv') return dwCall(grp, c);
  if (grp.kind === 'dense') return denseCall(grp, c);
  return loweringFor(c.node).lower(c);
}
