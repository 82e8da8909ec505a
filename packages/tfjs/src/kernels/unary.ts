/** Element-wise unary kernels. */
import * as tf from '@tensorflow/tfjs-core';

export const neg = (x: tf.Tensor): tf.Tensor => tf.neg(x);
export const abs = (x: tf.Tensor): tf.Tensor => tf.abs(x);
export const exp = (x: tf.Tensor): tf.Tensor => tf.exp(x);
export const sqrt = (x: tf.Tensor): tf.Tensor => tf.sqrt(x);
export const relu = (x: tf.Tensor): tf.Tensor => tf.relu(x);
export const sigmoid = (x: tf.Tensor): tf.Tensor => tf.sigmoid(x);
export const tanh = (x: tf.Tensor): tf.Tensor => tf.tanh(x);
