import * as tf from '@tensorflow/tfjs-core';

/** Sum a broadcast gradient back to `shape` (numpy broadcasting rules). */
export function unbroadcast(dy: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes([...shape], dy.shape);
  const summed = axes.length > 0 ? tf.sum(dy, axes) : dy;
  return tf.reshape(summed, [...shape]);
}

export function normAxes(axis: number | number[] | undefined, rank: number): number[] {
  if (axis === undefined || axis === null) return [...Array(rank).keys()];
  const list = Array.isArray(axis) ? axis : [axis];
  return list.map((a) => (a < 0 ? a + rank : a));
}

/** Shape of `x` reduced over `axes` with the reduced dimensions kept as 1. */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Gradient map for kernels whose inputs are a list (keys '0', '1', ...). */
export function indexed(fns: (() => tf.Tensor)[]): Record<string, () => tf.Tensor> {
  return Object.fromEntries(fns.map((f, i) => [String(i), f]));
}
