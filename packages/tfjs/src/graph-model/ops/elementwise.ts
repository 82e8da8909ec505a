/**
 * Element-wise ops: broadcasting arithmetic (Add, AddV2, Sub, Mul, RealDiv, Div, Pow,
 * SquaredDifference, AddN, BiasAdd), Maximum / Minimum against a constant (Relu / Clip),
 * activations (Relu, Relu6, Elu, LeakyRelu, Prelu, Sigmoid, Tanh, Softmax, LogSoftmax), math
 * (Exp, Log, Sqrt, Rsqrt, Square, Reciprocal, Neg, Abs, Erf), Identity-like ops and float Cast.
 */
import type { OpType } from '@glasswing/core';
import type { NodeContext } from '../context.js';
import { ImportIssue, constOf, fmt, shapesOf, type Value } from '../values.js';
import { activation, type Converter } from './common.js';

const one = () => constOf({ kind: 'float', shape: [1], data: Float32Array.of(1) });

const binary =
  (op: OpType): Converter =>
  (n) =>
    n.bind(0, n.emit(op, [n.input(0, 'x'), n.input(1, 'y')], {}));

const squaredDifference: Converter = (n) => {
  const d = n.emit('Sub', [n.input(0, 'x'), n.input(1, 'y')], {}, { role: 'diff' });
  n.bind(0, n.emit('Mul', [d, d], {}));
};

const addN: Converter = (n) => {
  if (n.inputs.length === 1) {
    n.bind(0, n.emit('Identity', [n.input(0)], {}));
    return;
  }
  let acc = n.input(0);
  for (let i = 1; i < n.inputs.length; i++) {
    acc = n.emit('Add', [acc, n.input(i)], {}, i === n.inputs.length - 1 ? {} : { role: `sum${i}` });
  }
  n.bind(0, acc);
};

/** BiasAdd: the bias vector is added along the channel axis (last for NHWC, 1 for NCHW). */
const biasAdd: Converter = (n) => {
  const x = n.input(0, 'value');
  const b = n.constArr(1, 'bias');
  if (b.shape.length !== 1) throw new ImportIssue(`bias must be a vector, got ${fmt(b.shape)}`);
  const format = n.attrs.string('data_format', 'NHWC');
  const rank = shapesOf(x)[0].length;
  let bias = n.input(1);
  if (format === 'NCHW' && rank > 2) {
    bias = constOf({ ...b, kind: 'float', shape: [b.shape[0]!, ...new Array<number>(rank - 2).fill(1)] }, n.cx.unique(`${n.name}/bias`));
  } else if (format !== 'NHWC' && format !== 'NCHW') throw new ImportIssue(`data_format ${format} is not supported`);
  n.bind(0, n.emit('Add', [x, bias], {}));
};

/** Maximum / Minimum of an activation and a constant scalar: Relu (max with 0) or Clip. */
const extremum =
  (max: boolean): Converter =>
  (n) => {
    const [a, b] = [n.input(0, 'x'), n.input(1, 'y')];
    const [x, c] = a.kind === 'const' ? [b, a] : [a, b];
    if (c.kind !== 'const' || x.kind !== 'runtime') {
      throw new ImportIssue(`${n.op} of two activations has no IR op (only ${n.op} with a constant scalar: Relu / Clip)`);
    }
    const vals = new Set(Array.from(c.w[0].data));
    if (vals.size !== 1 || c.w[1] !== c.w[0]) throw new ImportIssue(`${n.op} with a non-uniform constant has no IR op (only a scalar: Relu / Clip)`);
    const v = [...vals][0]!;
    const xs = shapesOf(x)[0];
    const cs = c.w[0].shape;
    if (cs.length > xs.length || cs.some((d, i) => d !== 1 && d !== xs[xs.length - cs.length + i])) {
      throw new ImportIssue(`${n.op} with a constant of shape ${fmt(cs)} would broadcast the activation ${fmt(xs)}`);
    }
    if (max && v === 0) n.bind(0, n.emit('Relu', [x], {}));
    else n.bind(0, n.emit('Clip', [x], max ? { min: v } : { max: v }));
  };

const act =
  (kind: string): Converter =>
  (n) =>
    n.bind(0, activation(n, n.input(0, 'features'), { kind, leakyAlpha: n.attrs.float('alpha', 0.2) }, true));

const prelu: Converter = (n) => n.bind(0, activation(n, n.input(0, 'x'), { kind: 'prelu', preluAlpha: n.input(1, 'alpha') }, true));

const unary =
  (op: OpType): Converter =>
  (n) =>
    n.bind(0, n.emit(op, [n.input(0, 'x')], {}));

const softmax =
  (op: 'Softmax' | 'LogSoftmax'): Converter =>
  (n) =>
    n.bind(0, n.emit(op, [n.input(0, 'logits')], { axis: -1 }));

const rsqrt: Converter = (n) => {
  const s = n.emit('Sqrt', [n.input(0, 'x')], {}, { role: 'sqrt' });
  n.bind(0, n.emit('Div', [one(), s], {}));
};

const square: Converter = (n) => {
  const x = n.input(0, 'x');
  n.bind(0, n.emit('Mul', [x, x], {}));
};

const reciprocal: Converter = (n) => n.bind(0, n.emit('Div', [one(), n.input(0, 'x')], {}));

/**
 * Identity-like ops keep their own IR node (their TF name stays a tappable layer). StopGradient /
 * PreventGradient are the identity here: Glasswing differentiates the function the model computes.
 */
const identity: Converter = (n) => n.bind(0, n.emit('Identity', [n.input(0, 'input')], {}));

const identityN: Converter = (n) =>
  n.inputs.forEach((v, k) => n.bind(k, n.emit('Identity', [v], {}, k === 0 ? {} : { name: `${n.name}:${k}` })));

const cast: Converter = (n) => {
  const to = n.attrs.type('DstT');
  if (to !== undefined && to !== 'DT_FLOAT') throw new ImportIssue(`Cast of an activation to ${to} is not supported (float32 only)`);
  identity(n);
};

export const ELEMENTWISE_CONVERTERS: Readonly<Record<string, Converter>> = {
  Add: binary('Add'),
  AddV2: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  RealDiv: binary('Div'),
  Div: binary('Div'),
  Pow: binary('Pow'),
  SquaredDifference: squaredDifference,
  AddN: addN,
  BiasAdd: biasAdd,
  Maximum: extremum(true),
  Minimum: extremum(false),
  Relu: act('relu'),
  Relu6: act('relu6'),
  Elu: act('elu'),
  LeakyRelu: act('leakyrelu'),
  Sigmoid: act('sigmoid'),
  Tanh: act('tanh'),
  Prelu: prelu,
  Softmax: softmax('Softmax'),
  LogSoftmax: softmax('LogSoftmax'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Sqrt: unary('Sqrt'),
  Neg: unary('Neg'),
  Abs: unary('Abs'),
  Erf: unary('Erf'),
  Rsqrt: rsqrt,
  Square: square,
  Reciprocal: reciprocal,
  Identity: identity,
  Snapshot: identity,
  StopGradient: identity,
  PreventGradient: identity,
  EnsureShape: identity,
  PlaceholderWithDefault: identity,
  IdentityN: identityN,
  Cast: cast,
};
