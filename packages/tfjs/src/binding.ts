/**
 * The BackendBinding that runs core's GraphModel on TensorFlow.js: kernels over tf.Tensor,
 * `scope` = tf.tidy (returned tensors survive), asynchronous read back, `release` = tf.dispose.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendBinding } from '@glasswing/core';
import { createTfjsKernels, type TfjsKernels } from './kernels/index.js';
import { readHost } from './kernels/to-host.js';
import type { TfjsBackendName } from './backend.js';

export interface TfjsBinding extends BackendBinding<tf.Tensor> {
  readonly kernels: TfjsKernels;
}

/**
 * A binding with its own kernel instance (and transformed-weight cache). The backend must have
 * been initialised with `initTfjsBackend(backend)`; `backend` names the binding ('tfjs-cpu').
 */
export function tfjsBinding(backend: TfjsBackendName): TfjsBinding {
  const kernels = createTfjsKernels();
  return {
    kernels,
    name: `tfjs-${backend}`,
    scope: <R>(fn: () => R): R => {
      // tfjs has one active backend; a model runs on the one it was created for (switching to an
      // already initialised backend is synchronous).
      if (tf.getBackend() !== backend) void tf.setBackend(backend);
      const result = tf.tidy(fn as () => never) as R;
      kernels.markTransient(result as tf.TensorContainer);
      return result;
    },
    read: (t: tf.Tensor) => readHost(t),
    release: (value: unknown) => tf.dispose(value as tf.TensorContainer),
  };
}
