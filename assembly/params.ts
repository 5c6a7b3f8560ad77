// Layout of the i32 parameter block shared by the convolution-family kernels
// (mirrored in src/bwdnn/kernels/params.ts).

export const P_N = 0; export const P_C = 1; export const P_H = 2; export const P_W = 3;
export const P_COUT = 4; export const P_KH = 5; export const P_KW = 6;
export const P_SH = 7; export const P_SW = 8; export const P_PH = 9; export const P_PW = 10;
export const P_DH = 11; export const P_DW = 12; export const P_GROUPS = 13;
export const P_OH = 14; export const P_OW = 15; export const P_ACT = 16; export const P_ALPHA = 17;
/** conv2dGemm only: pointer of a residual added before the activation (same layout as y; 0: none). */
export const P_RES = 18;

// @ts-ignore: decorator
@inline export function pi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function pf(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }

export function roundUp(x: i32, m: i32): i32 { return ((x + m - 1) / m) * m; }
