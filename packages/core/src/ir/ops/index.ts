/** The op registry: every OpType of the IR with its definition. */
import { UnsupportedOpError } from '../../errors.js';
import type { OpType } from '../graph.js';
import type { OpDef } from '../op.js';
import { Add } from './Add.js';
import { AveragePool } from './AveragePool.js';
import { BatchNormalization } from './BatchNormalization.js';
import { Concat } from './Concat.js';
import { Conv } from './Conv.js';
import { Div } from './Div.js';
import { Dropout } from './Dropout.js';
import { Flatten } from './Flatten.js';
import { Gemm } from './Gemm.js';
import { GlobalAveragePool } from './GlobalAveragePool.js';
import { Identity } from './Identity.js';
import { LeakyRelu } from './LeakyRelu.js';
import { MatMul } from './MatMul.js';
import { MaxPool } from './MaxPool.js';
import { Mul } from './Mul.js';
import { Relu } from './Relu.js';
import { Reshape } from './Reshape.js';
import { Sigmoid } from './Sigmoid.js';
import { Softmax } from './Softmax.js';
import { Sub } from './Sub.js';
import { Tanh } from './Tanh.js';
import { Transpose } from './Transpose.js';

export const OPS: Readonly<Record<OpType, OpDef>> = Object.freeze({
  Gemm,
  MatMul,
  Add,
  Sub,
  Mul,
  Div,
  Conv,
  MaxPool,
  AveragePool,
  GlobalAveragePool,
  Relu,
  LeakyRelu,
  Sigmoid,
  Tanh,
  Softmax,
  Flatten,
  Reshape,
  Transpose,
  Concat,
  BatchNormalization,
  Identity,
  Dropout,
});

/** The definition of an op; UnsupportedOpError (naming the op and, when given, the node) for unknown ops. */
export function getOp(type: string, nodeName?: string): OpDef {
  const def = Object.prototype.hasOwnProperty.call(OPS, type) ? (OPS as Record<string, OpDef>)[type] : undefined;
  if (!def) {
    const where = nodeName === undefined ? '' : ` (node ${nodeName})`;
    throw new UnsupportedOpError(type, `unsupported op '${type}'${where}; supported: ${Object.keys(OPS).join(', ')}`);
  }
  return def;
}

/** Single-input element-wise ops: the ones a rule may give an 'identity' or 'secant' VJP. */
export const ELEMENTWISE_UNARY: ReadonlySet<OpType> = new Set<OpType>([
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'Identity',
  'Dropout',
]);
