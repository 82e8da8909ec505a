/** Gradients of reduction and shape kernels (registered only where tfjs-core registered none). */
import * as tf from '@tensorflow/tfjs-core';
import { indexed, keptShape, normAxes } from './util.js';

type Saved = tf.Tensor[];
const T = (t: unknown): tf.Tensor => t as tf.Tensor;

interface ReduceAttrs {
  axis?: number | number[];
  reductionIndices?: number | number[];
  keepDims?: boolean;
}

export const structuralGradients: tf.GradConfig[] = [
  {
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0]!;
      const axes = normAxes((attrs as ReduceAttrs).axis, x.rank);
      return { x: () => tf.broadcastTo(tf.reshape(T(dy), keptShape(x.shape, axes)), x.shape) };
    },
  },
  {
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0]!;
      const axes = normAxes((attrs as ReduceAttrs).axis, x.rank);
      const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
      const g = tf.div(tf.reshape(T(dy), keptShape(x.shape, axes)), tf.scalar(count));
      return { x: () => tf.broadcastTo(g, x.shape) };
    },
  },
  {
    // Gradient goes to every maximal element (TensorFlow semantics).
    kernelName: 'Max',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as Saved;
      const axes = normAxes((attrs as ReduceAttrs).reductionIndices, x!.rank);
      const kept = keptShape(x!.shape, axes);
      const mask = tf.cast(tf.equal(x!, tf.reshape(y!, kept)), 'float32');
      return { x: () => tf.mul(mask, tf.reshape(T(dy), kept)) };
    },
  },
  {
    kernelName: 'Reshape',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.reshape(T(dy), (saved as Saved)[0]!.shape) }),
  },
  {
    kernelName: 'ExpandDims',
    inputsToSave: ['input'],
    gradFunc: (dy, saved) => ({ input: () => tf.reshape(T(dy), (saved as Saved)[0]!.shape) }),
  },
  {
    kernelName: 'Transpose',
    gradFunc: (dy, _saved, attrs) => {
      const perm = (attrs as { perm: number[] }).perm;
      const inverse = perm.map((_, i) => perm.indexOf(i));
      return { x: () => tf.transpose(T(dy), inverse) };
    },
  },
  {
    kernelName: 'Slice',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0]!;
      const g = T(dy);
      const begin = (attrs as { begin: number[] }).begin;
      const pads = x.shape.map((d, i) => [begin[i]!, d - begin[i]! - g.shape[i]!] as [number, number]);
      return { x: () => tf.pad(g, pads) };
    },
  },
  {
    kernelName: 'PadV2',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0]!;
      const paddings = (attrs as { paddings: [number, number][] }).paddings;
      return { x: () => tf.slice(T(dy), paddings.map((p) => p[0]), x.shape) };
    },
  },
  {
    kernelName: 'Concat',
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const xs = saved as Saved;
      const rank = xs[0]!.rank;
      const axis = normAxes((attrs as { axis: number }).axis, rank)[0]!;
      const parts = tf.split(T(dy), xs.map((t) => t.shape[axis]!), axis);
      return indexed(parts.map((p) => () => p));
    },
  },
  {
    kernelName: 'Pack',
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = (attrs as { axis: number }).axis;
      return indexed(tf.unstack(T(dy), axis).map((p) => () => p));
    },
  },
  {
    kernelName: 'Tile',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0]!;
      const reps = (attrs as { reps: number[] }).reps;
      const split = x.shape.flatMap((d, i) => [reps[i]!, d]);
      const axes = x.shape.map((_, i) => 2 * i);
      return { x: () => tf.reshape(tf.sum(tf.reshape(T(dy), split), axes), x.shape) };
    },
  },
  {
    kernelName: 'Softmax',
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const y = (saved as Saved)[0]!;
      const dim = (attrs as { dim: number }).dim;
      const g = T(dy);
      return { logits: () => tf.mul(y, tf.sub(g, tf.sum(tf.mul(g, y), dim, true))) };
    },
  },
  {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as Saved;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const g = T(dy);
      const fit = (t: tf.Tensor, like: tf.Tensor): tf.Tensor =>
        t.rank > like.rank ? tf.sum(t, [...Array(t.rank - like.rank).keys()]) : t;
      const da = (): tf.Tensor =>
        fit(transposeA ? tf.matMul(b!, g, transposeB, true) : tf.matMul(g, b!, false, !transposeB), a!);
      const db = (): tf.Tensor =>
        fit(transposeB ? tf.matMul(g, a!, true, transposeA) : tf.matMul(a!, g, !transposeA, false), b!);
      return { a: da, b: db };
    },
  },
];
