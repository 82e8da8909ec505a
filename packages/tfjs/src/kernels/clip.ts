import * as tf from '@tensorflow/tfjs-core';

/** min(max(x, lo), hi): one ClipByValue kernel (lo <= hi; ±Infinity for no bound). */
export function clip(x: tf.Tensor, lo: number, hi: number): tf.Tensor {
  if (lo === -Infinity && hi === Infinity) return tf.clone(x);
  return tf.clipByValue(x, lo, hi);
}

/** dy where neither x < lo nor x > hi, else 0 (Clip's gradient; NaN x passes dy). */
export function clipBackprop(dy: tf.Tensor, x: tf.Tensor, lo: number, hi: number): tf.Tensor {
  return tf.tidy(() => {
    const below = lo === -Infinity ? undefined : tf.less(x, lo);
    const above = hi === Infinity ? undefined : tf.greater(x, hi);
    const outside = below && above ? tf.logicalOr(below, above) : (below ?? above);
    return outside ? tf.where(outside, tf.zerosLike(dy), dy) : tf.clone(dy);
  });
}
