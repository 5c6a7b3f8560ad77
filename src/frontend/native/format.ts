// The bwvm native model format, version 1: `NAME.bwvm` is JSON (graph, tensor table) and
// `NAME.bwvm.bin` holds every tensor's little-endian bytes, 16-byte aligned. This file owns the
// JSON schema types and the (de)serialization of attribute values.
import type { AttrValue, DType, QuantParams, Shape } from '../../ir/types.js';

export const NATIVE_FORMAT = 'bwvm-model';
export const NATIVE_VERSION = 1;
export const NATIVE_EXT = '.bwvm';
export const WEIGHTS_SUFFIX = '.bin';
export const ALIGN = 16;

/** Where a tensor's bytes live in the weights file. */
export interface TensorRef { dtype: DType; shape: number[]; offset: number; length: number; quant?: QuantParams }

export interface NativeInfo { name: string; dtype: DType; shape: Shape; quant?: QuantParams }

/** JSON attribute values: plain JSON, `{$tensor}` for tensor attributes, `{$num}` for ±Infinity/NaN. */
export type NativeAttr = number | string | number[] | string[] | { $tensor: TensorRef } | { $num: string } | (number | { $num: string })[];

export interface NativeNode { name: string; op: string; inputs: string[]; outputs: string[]; attrs: Record<string, NativeAttr> }

export interface NativeModel {
  format: typeof NATIVE_FORMAT;
  version: number;
  name: string;
  opset: number;
  meta: Record<string, string>;
  inputs: NativeInfo[];
  outputs: NativeInfo[];
  /** Quantization params of intermediate values (other value info is re-inferred on load). */
  quant?: Record<string, QuantParams>;
  initializers: (TensorRef & { name: string })[];
  nodes: NativeNode[];
  /** The weights file: a bare file name next to the JSON, and its exact size. */
  weights: { file: string; bytes: number };
}

export const encodeNum = (v: number): number | { $num: string } => (Number.isFinite(v) ? v : { $num: String(v) });
export const decodeNum = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : v && typeof v === 'object' && '$num' in v && ['Infinity', '-Infinity', 'NaN'].includes(String((v as { $num: unknown }).$num)) ? Number((v as { $num: string }).$num) : undefined;

export type { AttrValue };
