// The subset of onnx.proto (proto2) bwvm reads and writes, parsed once with protobufjs.
// Field numbers follow onnx/onnx.proto; unknown fields in real files are skipped by the decoder.
import protobuf from 'protobufjs';

const ONNX_PROTO = `
syntax = "proto2";
package onnx;
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } optional string denotation = 3; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
  optional string denotation = 6;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; optional string doc_string = 3; }
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true];
  optional string doc_string = 12;
  repeated StringStringEntryProto external_data = 13;
  optional int32 data_location = 14;
}
message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
  optional string doc_string = 13;
  optional int32 type = 20;
  optional string ref_attr_name = 21;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
  optional string domain = 7;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
`;

const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
export const ModelProto = root.lookupType('onnx.ModelProto');

/** AttributeProto.AttributeType codes. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 } as const;

/** protobufjs int64 values arrive as number or Long-like; bwvm uses plain numbers. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  if (typeof v === 'string') return Number(v);
  return v === undefined || v === null ? 0 : Number(v);
}

// Decoded message shapes (only what bwvm reads).
export interface PTensor { dims?: unknown[]; data_type?: number; float_data?: number[]; int32_data?: number[]; int64_data?: unknown[]; double_data?: number[]; uint64_data?: unknown[]; name?: string; raw_data?: Uint8Array; external_data?: { key?: string; value?: string }[]; data_location?: number }
export interface PAttr { name?: string; f?: number; i?: unknown; s?: Uint8Array; t?: PTensor; g?: unknown; floats?: number[]; ints?: unknown[]; strings?: Uint8Array[]; tensors?: PTensor[]; graphs?: unknown[]; type?: number; ref_attr_name?: string }
export interface PNode { input?: string[]; output?: string[]; name?: string; op_type?: string; attribute?: PAttr[]; domain?: string }
export interface PDim { dim_value?: unknown; dim_param?: string }
export interface PValueInfo { name?: string; type?: { tensor_type?: { elem_type?: number; shape?: { dim?: PDim[] } } } }
export interface PGraph { node?: PNode[]; name?: string; initializer?: PTensor[]; input?: PValueInfo[]; output?: PValueInfo[]; value_info?: PValueInfo[] }
export interface PModel { ir_version?: unknown; producer_name?: string; producer_version?: string; graph?: PGraph; opset_import?: { domain?: string; version?: unknown }[] }
