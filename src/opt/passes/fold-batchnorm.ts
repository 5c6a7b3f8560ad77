// Pass: fold an inference BatchNormalization into the Conv or Gemm producing its input (when
// that output has no other reader): W' = W * s per output channel, b' = (b - mean) * s + beta,
// s = gamma / sqrt(var + eps). Weights are copied into new initializers (never shared ones).
import type { Graph, Node } from '../../ir/types.js';
import { consumers, producers } from '../../ir/graph.js';
import type { Pass } from '../pass.js';
import { absorbInto, addFloatInit, constFloats, singleUse } from '../rewrite.js';

interface Bn { s: Float32Array; shift: Float32Array }

/** Per-channel scale s and shift (beta - mean*s) of a BN with constant float parameters. */
function bnAffine(g: Graph, bn: Node): Bn | undefined {
  const [gamma, beta, mean, vari] = [1, 2, 3, 4].map((i) => constFloats(g, bn.inputs[i]));
  if (!gamma || !beta || !mean || !vari) return undefined;
  const eps = typeof bn.attrs.epsilon === 'number' ? bn.attrs.epsilon : 1e-5;
  const s = new Float32Array(gamma.length), shift = new Float32Array(gamma.length);
  for (let c = 0; c < gamma.length; c++) {
    s[c] = gamma[c]! / Math.sqrt(vari[c]! + eps);
    shift[c] = beta[c]! - mean[c]! * s[c]!;
  }
  return { s, shift };
}

function foldIntoConv(g: Graph, conv: Node, bn: Bn): boolean {
  const w = g.initializers.get(conv.inputs[1]!);
  const b = conv.inputs[2] ? constFloats(g, conv.inputs[2]) : new Float32Array(bn.s.length);
  if (!w || w.dtype !== 'float32' || !b || w.shape[0] !== bn.s.length) return false;
  const per = w.data.length / bn.s.length;
  const wd = new Float32Array(w.data.length), bd = new Float32Array(bn.s.length);
  for (let m = 0; m < bn.s.length; m++) {
    for (let k = 0; k < per; k++) wd[m * per + k] = (w.data as Float32Array)[m * per + k]! * bn.s[m]!;
    bd[m] = b[m]! * bn.s[m]! + bn.shift[m]!;
  }
  conv.inputs[1] = addFloatInit(g, `${conv.name}_W_bn`, [...w.shape], wd);
  conv.inputs[2] = addFloatInit(g, `${conv.name}_B_bn`, [bn.s.length], bd);
  return true;
}

function foldIntoGemm(g: Graph, gemm: Node, bn: Bn): boolean {
  const w = g.initializers.get(gemm.inputs[1]!);
  if (!w || w.dtype !== 'float32' || w.shape.length !== 2) return false;
  const transB = gemm.attrs.transB === 1;
  const M = bn.s.length, [r, c] = w.shape as [number, number];
  if ((transB ? r : c) !== M) return false;
  const beta = typeof gemm.attrs.beta === 'number' ? gemm.attrs.beta : 1;
  let bias = new Float32Array(M);
  if (gemm.inputs[2]) {
    const t = g.initializers.get(gemm.inputs[2]);
    if (!t || t.dtype !== 'float32' || t.data.length !== M || t.shape.length > 2 || (t.shape.length === 2 && t.shape[0] !== 1)) return false;
    bias = (t.data as Float32Array).map((v) => v * beta);
  }
  const wd = new Float32Array(w.data.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) wd[i * c + j] = (w.data as Float32Array)[i * c + j]! * bn.s[transB ? i : j]!;
  const bd = bias.map((v, m) => v * bn.s[m]! + bn.shift[m]!);
  gemm.inputs[1] = addFloatInit(g, `${gemm.name}_W_bn`, [r, c], wd);
  gemm.inputs[2] = addFloatInit(g, `${gemm.name}_C_bn`, [M], bd);
  gemm.attrs = { ...gemm.attrs, beta: 1 };
  return true;
}

export const foldBatchNormPass: Pass = {
  name: 'fold-batchnorm',
  description: 'fold BatchNormalization into the preceding Conv/Gemm when that output has no other reader',
  run(g, ctx) {
    let folded = 0;
    for (const bn of [...g.nodes]) {
      if (bn.op !== 'BatchNormalization' || bn.outputs.slice(1).some((o) => o)) continue;
      const prod = producers(g).get(bn.inputs[0]!);
      if (!prod || (prod.op !== 'Conv' && prod.op !== 'Gemm') || !singleUse(g, bn.inputs[0]!, consumers(g))) continue;
      const aff = bnAffine(g, bn);
      if (!aff) continue;
      const ok = prod.op === 'Conv' ? foldIntoConv(g, prod, aff) : foldIntoGemm(g, prod, aff);
      if (!ok) continue;
      absorbInto(g, prod, bn);
      folded++;
    }
    if (folded) ctx.notes.push(`folded ${folded} BatchNorm(s)`);
    return folded > 0;
  },
};
