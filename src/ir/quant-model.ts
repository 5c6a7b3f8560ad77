// The lowered integer model's data types (what src/compress/quant produces, src/bwdnn/quant runs
// and src/codegen emits): every activation is an int8/int16 tensor with per-tensor QuantParams;
// Conv/Gemm carry integer weights (per-channel symmetric, layout [Cout, ...]), an integer bias
// (scale s_x * s_w[c], zero point 0), one requantization Multiplier per output channel and the
// clamp of a folded Relu/Relu6 in the output's domain.
import type { Attrs, QuantParams, Shape, Tensor } from './types.js';
import type { QuantDType } from './quant.js';

/** A real multiplier as M0 (int32 in [2^30, 2^31)) * 2^-shift. */
export interface Multiplier { m0: number; shift: number }

export interface QValue { dtype: QuantDType; quant: QuantParams }

export interface QNode {
  name: string;
  /** 'Conv' | 'Gemm' | 'Relu' | 'Clip' | 'MaxPool' | 'AveragePool' | 'GlobalAveragePool' | 'Add' | 'Flatten' | 'Reshape' */
  op: string;
  /** Quantized activation inputs. */
  inputs: string[];
  output: string;
  /** The op's ONNX attributes (geometry); Gemm weights are stored [N, K] whatever transB was. */
  attrs: Attrs;
  /** Integer weights with per-channel (axis 0) or per-tensor params. */
  weight?: Tensor;
  /** Integer bias (int32 for 8-bit models, int64 for 16-bit ones). */
  bias?: Tensor;
  /** Requantization per output channel (Conv/Gemm), or per input (Add: s_in / s_out). */
  requant?: Multiplier[];
  /** Output clamp in the quantized domain (folded Relu: [zp, hi]); default the dtype range. */
  clamp?: [number, number];
  /** The float graph nodes this integer node implements (Conv + Relu). */
  from: string[];
}

export interface QModel {
  name: string;
  bits: 8 | 16;
  input: { name: string; shape: Shape; value: QValue };
  /** The float output name and the quantized value it dequantizes. */
  output: { name: string; value: string };
  values: Map<string, QValue>;
  nodes: QNode[];
}

/** An integer activation tensor (values held in an Int32Array whatever the dtype). */
export interface QTensor { shape: number[]; data: Int32Array }
