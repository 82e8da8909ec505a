/**
 * The graph IR. Op names and semantics follow the ONNX operator set (opset 13), with two
 * documented Glasswing conventions:
 *
 * 1. Layout. Spatial ops (Conv, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization)
 *    take a `layout` attribute: 'NCHW' (default, ONNX; Conv weights OIHW) or 'NHWC'
 *    (TensorFlow; Conv weights HWIO = [kh, kw, cin/group, cout]). A graph keeps the layout of
 *    the framework it came from, so neither adapter pays a transpose per op.
 * 2. Constant inputs are attributes: Reshape takes `shape` as an attribute (ONNX
 *    semantics: 0 copies the input dimension, -1 is inferred); likewise Clip `min`/`max`,
 *    ReduceMean/ReduceSum/Squeeze/Unsqueeze `axes`, Slice `starts`/`ends`/`axes`/`steps`,
 *    Gather `indices` (+ `indices_shape`) and Pad `pads`/`value`. Importers constant-fold them.
 *    ConvTranspose also takes `layout` (NHWC weights [kh, kw, cout/group, cin], as TF).
 *
 * Pads are explicit: [top, left, bottom, right] (ONNX order x1_begin, x2_begin, x1_end, x2_end).
 */
import type { Tensor } from '../tensor.js';

export type Layout = 'NCHW' | 'NHWC';

export const OP_TYPES = [
  'Gemm',
  'MatMul',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Conv',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'Flatten',
  'Reshape',
  'Transpose',
  'Concat',
  'BatchNormalization',
  'Identity',
  'Dropout',
  'ConvTranspose',
  'Clip',
  'LogSoftmax',
  'Erf',
  'Gelu',
  'Pow',
  'Sqrt',
  'Exp',
  'Log',
  'Neg',
  'Abs',
  'ReduceMean',
  'ReduceSum',
  'Squeeze',
  'Unsqueeze',
  'Slice',
  'Gather',
  'Pad',
  'LayerNormalization',
  'Cast',
  'Elu',
  'Selu',
  'Softplus',
  'Softsign',
  'HardSigmoid',
  'HardSwish',
  'Swish',
  'Mish',
  'ThresholdedRelu',
] as const;

export type OpType = (typeof OP_TYPES)[number];

export type AttrValue = number | string | readonly number[];
export type Attrs = Readonly<Record<string, AttrValue>>;

export interface GraphNode {
  /** Unique node name (also the layer name users tap). */
  readonly name: string;
  readonly op: OpType;
  /** Tensor names: graph input, initializer, or another node's output. '' = optional input absent. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Attrs;
}

export interface ValueInfo {
  readonly name: string;
  /** Full shape including the batch dimension; -1 for dynamic dimensions. */
  readonly shape: readonly number[];
}

export interface Graph {
  readonly name: string;
  /** Exactly one data input in this version. */
  readonly inputs: readonly ValueInfo[];
  /** Exactly one output in this version. */
  readonly outputs: readonly string[];
  readonly initializers: Readonly<Record<string, Tensor>>;
  /** Topologically ordered. */
  readonly nodes: readonly GraphNode[];
  /** Free-form provenance (source format, original layer names, ...). */
  readonly metadata?: Readonly<Record<string, string>>;
}

// ---- typed attribute helpers (defaults follow ONNX) ----

export function attrNumber(node: GraphNode, key: string, fallback: number): number {
  const v = node.attrs[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new TypeError(`node ${node.name}: attribute ${key} must be a number`);
  return v;
}

export function attrInts(node: GraphNode, key: string, fallback: readonly number[]): number[] {
  const v = node.attrs[key];
  if (v === undefined) return [...fallback];
  if (!Array.isArray(v)) throw new TypeError(`node ${node.name}: attribute ${key} must be a list of numbers`);
  return [...(v as number[])];
}

export function attrLayout(node: GraphNode): Layout {
  const v = node.attrs['layout'];
  if (v === undefined || v === 'NCHW') return 'NCHW';
  if (v === 'NHWC') return 'NHWC';
  throw new TypeError(`node ${node.name}: layout must be 'NCHW' or 'NHWC', got ${String(v)}`);
}
