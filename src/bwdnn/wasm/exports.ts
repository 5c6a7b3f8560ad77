// The typed surface of the kernel module's exports (assembly/index.ts): pointers are
// byte offsets into the shared memory; ranges [start, end) let threads split the work.

export interface KernelExports {
  heapBase(): number;
  isRelaxed(): number;
  setBlocking(mc: number, kc: number, nc: number): void;
  gemmWorkspaceBytes(): number;
  gemm(K: number, a: number, rsA: number, csA: number, b: number, rsB: number, csB: number,
    c: number, ldc: number, bias: number, biasMode: number, act: number, alpha: number, ws: number,
    m0: number, m1: number, n0: number, n1: number): void;
  conv2dGemm(p: number, x: number, w: number, b: number, y: number, ws: number, n0: number, n1: number, j0: number, j1: number): void;
  conv2dGemmWorkspaceBytes(p: number): number;
  conv2dDirect(p: number, x: number, w: number, b: number, y: number, ws: number, n0: number, n1: number, t0: number, t1: number): void;
  conv2dDirectWorkspaceBytes(p: number): number;
  depthwise(p: number, x: number, w: number, b: number, y: number, ws: number, p0: number, p1: number): void;
  depthwiseWorkspaceBytes(p: number): number;
  pool2d(p: number, x: number, y: number, p0: number, p1: number): void;
  activation(x: number, y: number, n: number, act: number, alpha: number): void;
  add(a: number, b: number, y: number, n: number, act: number, alpha: number): void;
  mul(a: number, b: number, y: number, n: number, act: number, alpha: number): void;
  batchNorm(x: number, y: number, C: number, HW: number, gamma: number, beta: number, mean: number, variance: number,
    eps: number, act: number, alpha: number, p0: number, p1: number): void;
  channelAffine(x: number, y: number, C: number, HW: number, scale: number, shift: number, act: number, alpha: number,
    p0: number, p1: number): void;
  gemmGather(K: number, a: number, rsA: number, b: number, kTab: number, jTab: number, c: number, ldc: number, ws: number,
    sa: number, sb: number, sc: number, g0: number, g1: number, m0: number, m1: number, n0: number, n1: number): void;
  padBatch(x: number, dst: number, C: number, H: number, W: number, ph: number, pw: number, Hp: number, Wp: number, n0: number, n1: number): void;
  toChannelMajor(x: number, dst: number, N: number, C: number, HW: number, c0: number, c1: number): void;
  dilatePlanes(dy: number, dst: number, OH: number, OW: number, sh: number, sw: number, top: number, left: number,
    Hd: number, Wd: number, p0: number, p1: number): void;
  reluGrad(x: number, dy: number, dx: number, n: number): void;
  bnStats(x: number, N: number, C: number, HW: number, out: number, c0: number, c1: number): void;
  bnGradSums(dy: number, xhat: number, N: number, C: number, HW: number, out: number, c0: number, c1: number): void;
  affine2(a: number, b: number, y: number, C: number, HW: number, sa: number, sb: number, t: number, p0: number, p1: number): void;
  maxPool2x2Grad(x: number, dy: number, dx: number, H: number, W: number, OH: number, OW: number, p0: number, p1: number): void;
  qconv(p: number, x: number, w: number, bias: number, m0: number, shift: number, y: number, ws: number, n0: number, n1: number): void;
  qconv16(p: number, x: number, w: number, base: number, m0: number, shift: number, y: number, ws: number, n0: number, n1: number): void;
  qconvWorkspaceBytes(p: number): number;
}

/** Kernels a thread pool may run, in a fixed order shared with the workers. */
export const PARALLEL_KERNELS = ['gemm', 'conv2dGemm', 'conv2dDirect', 'depthwise', 'pool2d', 'batchNorm',
  'channelAffine', 'activation', 'add', 'mul', 'setBlocking', 'gemmGather', 'padBatch', 'toChannelMajor', 'dilatePlanes',
  'reluGrad', 'bnStats', 'bnGradSums', 'affine2', 'maxPool2x2Grad', 'qconv', 'qconv16'] as const;
export type ParallelKernel = (typeof PARALLEL_KERNELS)[number];
