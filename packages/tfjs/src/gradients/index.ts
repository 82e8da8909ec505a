/**
 * Gradient registration. tfjs-core's CommonJS bundle (what plain Node loads) registers no
 * gradient functions, so `tf.grad` fails there. This registers our own gradients for the common
 * kernels, but only for kernels that have none yet (an ESM build of tfjs-core registers its own,
 * which then stay in place). Idempotent.
 */
import * as tf from '@tensorflow/tfjs-core';
import { elementwiseGradients } from './elementwise.js';
import { nnGradients } from './nn.js';
import { structuralGradients } from './structural.js';

export function registerMissingGradients(): void {
  for (const config of [...elementwiseGradients, ...structuralGradients, ...nnGradients]) {
    if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
  }
}
