import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@glasswing/core';

/**
 * Constant padding, ONNX pads order [b_0, …, b_{r−1}, e_0, …, e_{r−1}]; negative pads crop (a slice
 * first, then tf.pad with the non-negative parts).
 */
export function pad(x: tf.Tensor, pads: readonly number[], value: number): tf.Tensor {
  const rank = x.rank;
  if (pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p))) {
    throw new ShapeError(`pad: pads [${pads.join(', ')}] must be ${2 * rank} integers for [${x.shape.join(', ')}]`);
  }
  const begin = x.shape.map((_, i) => Math.max(0, -pads[i]!));
  const size = x.shape.map((d, i) => d - begin[i]! - Math.max(0, -pads[i + rank]!));
  if (size.some((s) => s < 0)) {
    throw new ShapeError(`pad: pads [${pads.join(', ')}] crop more than [${x.shape.join(', ')}] holds`);
  }
  return tf.tidy(() => {
    const cropped = begin.some((b) => b > 0) || size.some((s, i) => s !== x.shape[i]) ? tf.slice(x, begin, size) : x;
    const padding = x.shape.map((_, i): [number, number] => [Math.max(0, pads[i]!), Math.max(0, pads[i + rank]!)]);
    if (padding.every(([b, e]) => b === 0 && e === 0)) return cropped === x ? tf.clone(x) : cropped;
    return tf.pad(cropped, padding, value);
  });
}
