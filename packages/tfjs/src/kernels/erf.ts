import * as tf from '@tensorflow/tfjs-core';

/** erf (tfjs' Erf kernel on cpu and wasm: a rational approximation, ≈1.5e-7 absolute). */
export const erf = (x: tf.Tensor): tf.Tensor => tf.erf(x);
