import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@glasswing/core';

/** Select slices along `axis` by a 1-D list of indices in [0, shape[axis]) (one GatherV2). */
export function gather(x: tf.Tensor, indices: readonly number[], axis: number): tf.Tensor {
  const ax = axis < 0 ? axis + x.rank : axis;
  const dim = x.shape[ax];
  if (dim === undefined || !Number.isInteger(ax) || ax < 0) {
    throw new ShapeError(`gather: axis ${axis} is out of range for [${x.shape.join(', ')}]`);
  }
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= dim) {
      throw new ShapeError(`gather: index ${i} is out of range [0, ${dim}) on axis ${ax} of [${x.shape.join(', ')}]`);
    }
  }
  return tf.tidy(() => tf.gather(x, tf.tensor1d([...indices], 'int32'), ax));
}
