/** Converters: element-wise unary/binary ops, activations, Clip, Softmax/LogSoftmax, Dropout, Identity, Cast. */
import { DataType } from '../../proto/onnx.js';
import { OP_TYPES } from '@glasswing/core';
import { normAxis } from '../const-ops.js';
import type { NodeContext } from '../context.js';
import { BlockedError } from '../values.js';
import { shapesOf } from './nn.js';
import type { Converter } from './types.js';

const same =
  (op: string): Converter =>
  (n) =>
    n.emitOutput(op, [n.required(0)], {});

/** A one-input activation whose float attributes pass through when present (absent: the IR op's default = ONNX's). */
const activation =
  (op: string, floats: readonly string[] = []): Converter =>
  (n) => {
    const attrs: Record<string, number> = {};
    for (const name of floats) if (n.attrs.has(name)) attrs[name] = n.attrs.float(name, 0);
    n.emitOutput(op, [n.required(0)], attrs);
  };

const binary =
  (op: string): Converter =>
  (n) =>
    n.emitOutput(op, [n.required(0, 'A'), n.required(1, 'B')], {});

/** The IR Reshape spec restoring a tensor with these per-world shapes (batch entry -> -1). */
export function restoreSpec(shapes: readonly [readonly number[], readonly number[]]): number[] {
  const spec = shapes[0].map((d, i) => (d === shapes[1][i] && d >= 0 ? d : -1));
  if (spec.filter((d) => d === -1).length > 1) throw new BlockedError('more than one dimension is unknown or batch-dependent');
  return spec;
}

function softmaxLike(op: 'Softmax' | 'LogSoftmax'): Converter {
  return (n) => {
    const x = n.required(0, 'input');
    const shapes = shapesOf(x);
    const rank = shapes[0].length;
    if (n.opset >= 13) {
      n.emitOutput(op, [x], { axis: n.attrs.int('axis', -1) });
      return;
    }
    // Opsets < 13: coerce to 2-D at `axis` (default 1), normalise the rows, restore the shape.
    const axis = normAxis(n.attrs.int('axis', 1), rank);
    if (axis === rank - 1) {
      n.emitOutput(op, [x], { axis: -1 });
      return;
    }
    const flat = n.emit('Flatten', [x], { axis }, { role: 'flatten' });
    const y = n.emit(op, [flat], { axis: -1 }, { role: op === 'Softmax' ? 'softmax' : 'log_softmax' });
    n.emitOutput('Reshape', [y], { shape: restoreSpec(shapes) });
  };
}

const clip: Converter = (n) => {
  const x = n.required(0, 'input');
  const attrs: Record<string, number> = {};
  if (n.opset >= 11) {
    if (n.has(1)) attrs['min'] = n.constScalar(1, 'min');
    if (n.has(2)) attrs['max'] = n.constScalar(2, 'max');
  } else {
    if (n.attrs.has('min')) attrs['min'] = n.attrs.float('min', 0);
    if (n.attrs.has('max')) attrs['max'] = n.attrs.float('max', 0);
  }
  n.emitOutput('Clip', [x], attrs);
};

const dropout: Converter = (n) => {
  n.requireUnused(1, 'the Dropout mask output is not supported');
  if (n.opset >= 12 && n.has(2) && n.constScalar(2, 'training_mode') !== 0) {
    throw new BlockedError('training_mode = true (random dropout at inference) is not supported');
  }
  n.emitOutput('Dropout', [n.required(0)], {});
};

const HAS_CAST = (OP_TYPES as readonly string[]).includes('Cast');

const cast: Converter = (n) => {
  const to = n.attrs.int('to', DataType.FLOAT);
  if (to !== DataType.FLOAT) throw new BlockedError(`Cast of the model's activations to data type ${to} is not supported (float32 only)`);
  n.emitOutput(HAS_CAST ? 'Cast' : 'Identity', [n.required(0)], HAS_CAST ? { to: DataType.FLOAT } : {});
};

export const ELEMENTWISE_CONVERTERS: Readonly<Record<string, Converter>> = {
  Relu: same('Relu'),
  Sigmoid: same('Sigmoid'),
  Tanh: same('Tanh'),
  Erf: same('Erf'),
  Sqrt: same('Sqrt'),
  Exp: same('Exp'),
  Log: same('Log'),
  Neg: same('Neg'),
  Abs: same('Abs'),
  Identity: same('Identity'),
  LeakyRelu: (n) => n.emitOutput('LeakyRelu', [n.required(0)], { alpha: n.attrs.float('alpha', 0.01) }),
  Elu: activation('Elu', ['alpha']),
  Selu: activation('Selu', ['alpha', 'gamma']),
  Softplus: activation('Softplus'),
  Softsign: activation('Softsign'),
  HardSigmoid: activation('HardSigmoid', ['alpha', 'beta']),
  HardSwish: activation('HardSwish'),
  Swish: activation('Swish', ['alpha']),
  Mish: activation('Mish'),
  ThresholdedRelu: activation('ThresholdedRelu', ['alpha']),
  Gelu: (n) => n.emitOutput('Gelu', [n.required(0)], { approximate: n.attrs.string('approximate', 'none') }),
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Pow: binary('Pow'),
  Clip: clip,
  Softmax: softmaxLike('Softmax'),
  LogSoftmax: softmaxLike('LogSoftmax'),
  Dropout: dropout,
  Cast: cast,
};
