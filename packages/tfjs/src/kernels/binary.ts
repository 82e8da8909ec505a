/** Element-wise binary kernels (numpy broadcasting, as tfjs). */
import * as tf from '@tensorflow/tfjs-core';

export const add = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.add(a, b);
export const sub = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sub(a, b);
export const mul = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.mul(a, b);
export const div = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.div(a, b);
