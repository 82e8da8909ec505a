export { onnx, DataType, AttributeType, dataTypeName, toNumber } from './onnx.js';
export type {
  ModelProto,
  IModelProto,
  GraphProto,
  IGraphProto,
  NodeProto,
  INodeProto,
  TensorProto,
  ITensorProto,
  AttributeProto,
  IAttributeProto,
  ValueInfoProto,
  IValueInfoProto,
} from './onnx.js';
export { decodeTensorProto, tensorFromProto, intsFromProto, tensorToProto, intsToProto, elementKindOf, halfToFloat } from './tensor.js';
export type { DecodedTensor, ElementKind } from './tensor.js';
export { attrValue, makeAttribute, float, floats, NodeAttributes } from './attributes.js';
export type { AttrJs, AttrInput, FloatAttr, FloatsAttr } from './attributes.js';
export { decodeModel, encodeModel, opsetOf, makeNode, makeValueInfo, makeModel, irVersionForOpset } from './model.js';
export type { MakeModelSpec } from './model.js';
