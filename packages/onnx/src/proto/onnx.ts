/**
 * The generated ONNX protobuf schema (`onnx-proto`, protobufjs static code) and its types.
 * int64 fields decode as Long objects: read them with `Number()` (see `toNumber`).
 */
import pkg from 'onnx-proto';
import type { onnx as P } from 'onnx-proto';

export const onnx = pkg.onnx;

export type ModelProto = P.ModelProto;
export type IModelProto = P.IModelProto;
export type GraphProto = P.GraphProto;
export type IGraphProto = P.IGraphProto;
export type NodeProto = P.NodeProto;
export type INodeProto = P.INodeProto;
export type TensorProto = P.TensorProto;
export type ITensorProto = P.ITensorProto;
export type AttributeProto = P.AttributeProto;
export type IAttributeProto = P.IAttributeProto;
export type ValueInfoProto = P.ValueInfoProto;
export type IValueInfoProto = P.IValueInfoProto;

/** TensorProto.DataType values. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

const DATA_TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(DataType).map(([k, v]) => [v, k]));

export function dataTypeName(t: number | null | undefined): string {
  return DATA_TYPE_NAMES[t ?? 0] ?? `data type ${String(t)}`;
}

/** AttributeProto.AttributeType values. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  SPARSE_TENSOR: 11,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSORS: 12,
} as const;

/** A protobufjs int64 (number or Long) as a JS number. */
export function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}
