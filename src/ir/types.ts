// Core IR data types: dtypes, shapes (with symbolic dims), quantization params, tensors,
// nodes, attributes and the Graph record. Plain data (JSON-friendly apart from typed arrays),
// so passes clone and rewrite graphs with ordinary object operations. Layout is NCHW (ONNX).

export type DType = 'float32' | 'int8' | 'uint8' | 'int16' | 'int32' | 'int64' | 'bool';

/** A dimension: a concrete size, or a symbol (e.g. 'N' for the batch) when unknown statically. */
export type Dim = number | string;
export type Shape = Dim[];

/** Typed storage per dtype (int64 as BigInt64Array, bool as Uint8Array of 0/1). */
export type TypedData = Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;

/** Affine quantization: real = scale * (q - zeroPoint). Per-tensor (length 1) or per-channel along `axis`. */
export interface QuantParams {
  scale: number[];
  zeroPoint: number[];
  /** Channel axis for per-channel params; absent = per-tensor. */
  axis?: number;
}

/** Static description of a value flowing in the graph (graph input/output or intermediate). */
export interface TensorInfo {
  name: string;
  dtype: DType;
  shape: Shape;
  quant?: QuantParams;
}

/** A concrete tensor value: initializers, executor inputs/outputs. Shape is fully concrete. */
export interface Tensor {
  dtype: DType;
  shape: number[];
  data: TypedData;
  quant?: QuantParams;
}

/** An initializer (weights) is a named concrete tensor. */
export interface Initializer extends Tensor {
  name: string;
}

/** Attribute values. Their ONNX kind (int vs float, ...) comes from the op's attribute schema. */
export type AttrValue = number | string | number[] | string[] | Tensor;
export type Attrs = Record<string, AttrValue>;

export interface Node {
  /** Unique node name (used in errors, printers and per-layer reports). */
  name: string;
  /** Op type as in ONNX ('Conv', 'Relu', ...); must be a row of the op table. */
  op: string;
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Attrs;
}

export interface Graph {
  name: string;
  /** ONNX default-domain opset the node semantics follow (9..17). */
  opset: number;
  /** Graph inputs (never initializers). */
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Weights and other constants, by name. */
  initializers: Map<string, Initializer>;
  /** Nodes; passes keep them topologically sorted (see topoSort in graph.ts). */
  nodes: Node[];
  /** Inferred info for intermediate values (filled by inferShapes). */
  valueInfo: Map<string, TensorInfo>;
  /** Free-form provenance (source file, producer, importer notes). */
  meta: Record<string, string>;
}
