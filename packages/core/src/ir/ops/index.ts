/** The op registry: every OpType of the IR with its definition. */
import { UnsupportedOpError } from '../../errors.js';
import type { OpType } from '../graph.js';
import type { OpDef } from '../op.js';
import { Abs } from './Abs.js';
import { Add } from './Add.js';
import { AveragePool } from './AveragePool.js';
import { BatchNormalization } from './BatchNormalization.js';
import { Cast } from './Cast.js';
import { Clip } from './Clip.js';
import { Concat } from './Concat.js';
import { Conv } from './Conv.js';
import { ConvTranspose } from './ConvTranspose.js';
import { Div } from './Div.js';
import { Dropout } from './Dropout.js';
import { Erf } from './Erf.js';
import { Exp } from './Exp.js';
import { Flatten } from './Flatten.js';
import { Gather } from './Gather.js';
import { Gelu } from './Gelu.js';
import { Gemm } from './Gemm.js';
import { GlobalAveragePool } from './GlobalAveragePool.js';
import { Identity } from './Identity.js';
import { LayerNormalization } from './LayerNormalization.js';
import { LeakyRelu } from './LeakyRelu.js';
import { Log } from './Log.js';
import { LogSoftmax } from './LogSoftmax.js';
import { MatMul } from './MatMul.js';
import { MaxPool } from './MaxPool.js';
import { Mul } from './Mul.js';
import { Neg } from './Neg.js';
import { Pad } from './Pad.js';
import { Pow } from './Pow.js';
import { ReduceMean } from './ReduceMean.js';
import { ReduceSum } from './ReduceSum.js';
import { Relu } from './Relu.js';
import { Reshape } from './Reshape.js';
import { Sigmoid } from './Sigmoid.js';
import { Slice } from './Slice.js';
import { Softmax } from './Softmax.js';
import { Sqrt } from './Sqrt.js';
import { Squeeze } from './Squeeze.js';
import { Sub } from './Sub.js';
import { Tanh } from './Tanh.js';
import { Transpose } from './Transpose.js';
import { Unsqueeze } from './Unsqueeze.js';
import { Elu } from './Elu.js';
import { Selu } from './Selu.js';
import { Softplus } from './Softplus.js';
import { Softsign } from './Softsign.js';
import { HardSigmoid } from './HardSigmoid.js';
import { HardSwish } from './HardSwish.js';
import { Swish } from './Swish.js';
import { Mish } from './Mish.js';
import { ThresholdedRelu } from './ThresholdedRelu.js';

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
  ConvTranspose,
  Clip,
  LogSoftmax,
  Erf,
  Gelu,
  Pow,
  Sqrt,
  Exp,
  Log,
  Neg,
  Abs,
  ReduceMean,
  ReduceSum,
  Squeeze,
  Unsqueeze,
  Slice,
  Gather,
  Pad,
  LayerNormalization,
  Cast,
  Elu,
  Selu,
  Softplus,
  Softsign,
  HardSigmoid,
  HardSwish,
  Swish,
  Mish,
  ThresholdedRelu,
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
  'Clip',
  'Erf',
  'Gelu',
  'Sqrt',
  'Exp',
  'Log',
  'Neg',
  'Abs',
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
]);
