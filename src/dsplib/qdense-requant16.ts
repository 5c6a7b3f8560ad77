// qdense's int16 epilogue (one output row, one group of 4 channels): splits each macro's 64-bit
// accumulator pair v into vq = rnd(v, 16) and its low 16-bit limb, sums both across the macros with
// `isum` (each sum fits int32 when |acc| < 2^46), adds the folded bias's limbs (BQ, B0), renormalizes
// to vq*2^16 + V0 with V0 in [-2^15, 2^15), then runs qconv's exact int16 limb requantization.
import { ONE, K8000, KN8000, limbInit, MONE, type OpFn, requant16Ops } from './qconv-requant.js';
import type { FixedForm, Op, Reg } from './schedule.js';

/** Rows of the int16 table `q`: qconv's requantRow rows 0..8, then the folded bias as 2^16-limbs. */
export const QD16 = { B0: 9, BQ: 10 } as const;
export const QDENSE16_ROWS = 11;
/** Pinned scratch registers per epilogue set (pairs Z, U, A from the set's even base, singles above). */
export const SCRATCH16 = 12;
/** Zero register of the int16 kernel (r60..r63 hold qconv-requant's constants). */
export const ZERO16 = 59;
export const CONSTS16 = [ONE, K8000, KN8000, MONE, ZERO16];

const ISUM: FixedForm[] = ['isumx', 'isumy', 'isumz', 'isumt'];

/**
 * Ops of one (row, channel group): accs[j] is the accumulator pair of lane j's channel, s the
 * scratch set's base (even). Returns the ops and the register holding rndsh(acc*M0, n) (before zp_y).
 */
export function epilogue16(op: OpFn, accs: number[], s: number, c: (row: number) => Reg): { ops: Op[]; res: number } {
  const P = (r: number): Reg => ({ p: r });
  const Z = s, U = s + 2, A = s + 4, vq = s + 6, w1 = s + 7, w2 = s + 8, x = s + 9, cc = s + 10;
  const t1 = [Z, Z + 1, U, U + 1], t2 = [w1, w2, x, cc];
  const ops: Op[] = [];
  accs.forEach((a, j) => {
    // v = vq_j*2^16 + low limb (sign-extended low 16 bits of the low word)
    ops.push(op('rndsh16', t1[j]!, P(a), P(a + 1)), op('shli16', t2[j]!, P(a)), op('shri16', t2[j]!, P(t2[j]!)));
    ops.push(op(ISUM[j]!, vq, P(t1[j]!)), op(ISUM[j]!, A, P(t2[j]!)));
  });
  // S0' = S0 + B0; c = round(S0' / 2^16); vq = S1 + BQ + c; V0 = S0' - c*2^16 (the low 16 bits of A)
  ops.push(op('iadd2', A, P(A), c(QD16.B0)), op('iadd2', cc, P(A), P(K8000)), op('shri16', cc, P(cc)));
  ops.push(op('iadd2', vq, P(vq), c(QD16.BQ)), op('iadd2', vq, P(vq), P(cc)));
  ops.push(...limbInit(op, Z, U), ...requant16Ops(op, { vq, A, Z, U, w1, w2, x }, c));
  return { ops, res: x };
}
