/** Gradients of element-wise kernels (registered only where tfjs-core registered none). */
import * as tf from '@tensorflow/tfjs-core';
import { indexed, unbroadcast } from './util.js';

type Saved = tf.Tensor[];
const T = (t: unknown): tf.Tensor => t as tf.Tensor;

const binary = (
  kernelName: string,
  da: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  db: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): tf.GradConfig => ({
  kernelName,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved) => {
    const [a, b] = saved as Saved;
    const g = T(dy);
    return { a: () => unbroadcast(da(g, a!, b!), a!.shape), b: () => unbroadcast(db(g, a!, b!), b!.shape) };
  },
});

const unaryX = (kernelName: string, dx: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor): tf.GradConfig => ({
  kernelName,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => ({ x: () => dx(T(dy), (saved as Saved)[0]!) }),
});

const unaryY = (kernelName: string, dx: (dy: tf.Tensor, y: tf.Tensor) => tf.Tensor): tf.GradConfig => ({
  kernelName,
  outputsToSave: [true],
  gradFunc: (dy, saved) => ({ x: () => dx(T(dy), (saved as Saved)[0]!) }),
});

const zeroGrad = (kernelName: string): tf.GradConfig => ({
  kernelName,
  gradFunc: (dy) => ({ x: () => tf.zerosLike(T(dy)) }),
});

const f32 = (t: tf.Tensor): tf.Tensor => tf.cast(t, 'float32');

export const elementwiseGradients: tf.GradConfig[] = [
  binary('Add', (dy) => dy, (dy) => dy),
  binary('Sub', (dy) => dy, (dy) => tf.neg(dy)),
  binary('Multiply', (dy, _a, b) => tf.mul(dy, b), (dy, a) => tf.mul(dy, a)),
  binary(
    'RealDiv',
    (dy, _a, b) => tf.div(dy, b),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, a), tf.square(b))),
  ),
  binary(
    'Maximum',
    (dy, a, b) => tf.mul(dy, f32(tf.greaterEqual(a, b))),
    (dy, a, b) => tf.mul(dy, f32(tf.less(a, b))),
  ),
  binary(
    'Minimum',
    (dy, a, b) => tf.mul(dy, f32(tf.lessEqual(a, b))),
    (dy, a, b) => tf.mul(dy, f32(tf.greater(a, b))),
  ),
  binary(
    'SquaredDifference',
    (dy, a, b) => tf.mul(dy, tf.mul(tf.scalar(2), tf.sub(a, b))),
    (dy, a, b) => tf.mul(dy, tf.mul(tf.scalar(-2), tf.sub(a, b))),
  ),
  binary(
    'Pow',
    (dy, a, b) => tf.mul(dy, tf.mul(b, tf.pow(a, tf.sub(b, tf.scalar(1))))),
    (dy, a, b) => {
      const logA = tf.where(tf.greater(a, 0), tf.log(a), tf.zerosLike(a));
      return tf.mul(dy, tf.mul(tf.pow(a, b), logA));
    },
  ),
  {
    kernelName: 'AddN',
    saveAllInputs: true,
    gradFunc: (dy, saved) => indexed((saved as Saved).map(() => () => tf.clone(T(dy)))),
  },
  unaryX('Neg', (dy) => tf.neg(dy)),
  unaryX('Abs', (dy, x) => tf.mul(dy, tf.sign(x))),
  unaryY('Exp', (dy, y) => tf.mul(dy, y)),
  unaryX('Log', (dy, x) => tf.div(dy, x)),
  unaryX('Log1p', (dy, x) => tf.div(dy, tf.add(x, tf.scalar(1)))),
  unaryY('Sqrt', (dy, y) => tf.div(dy, tf.mul(tf.scalar(2), y))),
  unaryX('Rsqrt', (dy, x) => tf.mul(dy, tf.mul(tf.scalar(-0.5), tf.pow(x, tf.scalar(-1.5))))),
  unaryX('Reciprocal', (dy, x) => tf.neg(tf.div(dy, tf.square(x)))),
  unaryX('Square', (dy, x) => tf.mul(dy, tf.mul(tf.scalar(2), x))),
  unaryX('Relu', (dy, x) => tf.mul(dy, f32(tf.greater(x, 0)))),
  unaryX('Relu6', (dy, x) => tf.mul(dy, f32(tf.logicalAnd(tf.greater(x, 0), tf.less(x, 6))))),
  {
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0]!;
      const alpha = (attrs as { alpha: number }).alpha;
      return { x: () => tf.mul(T(dy), tf.where(tf.greater(x, 0), tf.onesLike(x), tf.fill(x.shape, alpha))) };
    },
  },
  unaryY('Sigmoid', (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)))),
  unaryY('Tanh', (dy, y) => tf.mul(dy, tf.sub(tf.scalar(1), tf.square(y)))),
  unaryX('Softplus', (dy, x) => tf.mul(dy, tf.sigmoid(x))),
  unaryX('Sin', (dy, x) => tf.mul(dy, tf.cos(x))),
  unaryX('Cos', (dy, x) => tf.neg(tf.mul(dy, tf.sin(x)))),
  {
    kernelName: 'ClipByValue',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0]!;
      const { clipValueMin, clipValueMax } = attrs as { clipValueMin: number; clipValueMax: number };
      const inside = tf.logicalAnd(tf.greaterEqual(x, clipValueMin), tf.lessEqual(x, clipValueMax));
      return { x: () => tf.mul(T(dy), f32(inside)) };
    },
  },
  {
    kernelName: 'Select',
    inputsToSave: ['condition'],
    gradFunc: (dy, saved) => {
      const c = (saved as Saved)[0]!;
      const g = T(dy);
      return {
        condition: () => tf.zerosLike(c),
        t: () => tf.mul(g, f32(c)),
        e: () => tf.mul(g, f32(tf.logicalNot(c))),
      };
    },
  },
  zeroGrad('Step'),
  zeroGrad('Sign'),
  zeroGrad('Floor'),
  zeroGrad('Ceil'),
  zeroGrad('Round'),
  { kernelName: 'Cast', gradFunc: (dy) => ({ x: () => tf.clone(T(dy)) }) },
  { kernelName: 'Identity', gradFunc: (dy) => ({ x: () => tf.clone(T(dy)) }) },
];
